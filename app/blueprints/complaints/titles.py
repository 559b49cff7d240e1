"""What the pages a complaint names are called on its status page (CMP-1, CMP-5), and to
whom. A listing or an auction rated 18+ (or for a shop's chosen group) after the complaint
was filed is not named to a viewer its rating keeps it from (RANK-1, ACC-3: a visitor, a
member under 18), as on the public boards (:func:`app.blueprints.boards.services.rated_out`);
what the complainant wrote and the address they gave stay theirs to read."""
from sqlalchemy import select

from app.blueprints.auctions.visibility import rating_shown, sees_as_owner
from app.blueprints.complaints.hiding import target_objects, title_of
from app.blueprints.shops.visibility import visible_listing_ratings
from app.extensions import db
from app.models import Listing


def rated_out(targets, pages, viewer, now):
    """The ids of the complaint ``targets`` whose page (in ``pages``, from
    :func:`target_objects`) ``viewer`` may not see for its content rating."""
    rated = {key[1] for key, obj in pages.items()
             if key[0] == "listing" and obj.content_rating != "general"}
    shown = set(db.session.scalars(select(Listing.id).where(
        Listing.id.in_(rated), visible_listing_ratings(viewer, now)))) if rated else set()
    hidden = set()
    for target in targets:
        obj = pages.get((target.target_type, target.target_id))
        if target.target_type == "listing" and obj is not None:
            if obj.id in rated and obj.id not in shown:
                hidden.add(target.id)
        elif target.target_type == "auction" and obj is not None:
            if not (sees_as_owner(viewer, obj) or rating_shown(viewer, obj.content_rating, now)):
                hidden.add(target.id)
    return hidden


def titles_for(targets, viewer, now):
    """``({target id: the page's name now, "" when gone or not to be named}, the ids not to
    be named)``: what each reported page is called (its address alone says little)."""
    pages = target_objects(targets)
    hidden = rated_out(targets, pages, viewer, now)
    titles = {t.id: "" if t.id in hidden else title_of(pages.get((t.target_type, t.target_id)))
              for t in targets}
    return titles, hidden
