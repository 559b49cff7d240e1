"""A shop pauses a listing and resumes it: a holiday, a week out of stock.

The pause is the ``paused_at`` column beside the status, not a status of its own. A hold
(SHOP-4), a complaint's hiding (CMP-3) and a FAKE sign (SHOP-7) each change the status and
later give back the one it had; with a column, the status they give back is "active" or
"sold out" as before, and the seller's pause, which none of them touches, is still in force.
A paused listing keeps its place under the plan (SHOP-2), its photos, views, reviews and link;
its page stays open with a notice, it is on no list (:func:`visibility.listed_listings`) and
it takes no new order (:func:`order_services.order_refusal`); orders placed before go on.
Pausing changes neither ``updated_at`` (the "Updated" ranking, RANK-2, and the stock
bookkeeping of cancelled orders read it) nor the quantity.
"""
from flask_babel import lazy_gettext as _l

from app.blueprints.shops.errors import ShopError, SignBlocksEdit
from app.database import utcnow
from app.extensions import db
from app.models.listings import PAUSABLE_STATUSES
from app.permissions import can_manage_listings


def pause_refusal(listing):
    """Why ``listing`` cannot be paused now, or None: only a listing on sale or sold out,
    with no STOP sign (SHOP-7: a signed listing is frozen; a FAKE one stays public as
    evidence), and not already paused."""
    if listing.stop_sign:
        return _l("A listing with a STOP sign cannot be paused while the sign is up.")
    if listing.status == "held":
        return _l("This listing is waiting for a moderator: it is not on sale, so there is "
                  "nothing to pause.")
    if listing.status not in PAUSABLE_STATUSES:
        return _l("Only a listing on sale or sold out can be paused.")
    if listing.paused_at is not None:
        return _l("This listing is already paused.")
    return None


def resume_refusal(listing, member=None, now=None):
    """Why ``listing`` cannot be resumed now, or None: it must be paused, not deleted, and
    carry no STOP sign (SHOP-7 freezes a signed listing as it is); and ``member``, when given,
    must not be suspended (ACC-5: resuming puts the listing on sale again, and a suspended
    member cannot sell; pausing, which takes it off sale, stays open to them, as marking it
    sold out does)."""
    if listing.paused_at is None or listing.status == "deleted":
        return _l("This listing is not paused.")
    if listing.stop_sign:
        return _l("A listing with a STOP sign cannot be resumed while the sign is up. You may "
                  "send the moderators an explanation.")
    if member is not None:
        from app.blueprints.moderation.enforcement import suspension_refusal

        refusal = suspension_refusal(member, now or utcnow())
        if refusal is not None:
            return refusal.message
    return None


def _check_may_change(listing, member):
    """The shop's owner and the staff its plan allows (SHOP-1, SHOP-2); the listing row is
    then locked, as orders lock it. (A suspended member may pause, not resume:
    :func:`resume_refusal`.)"""
    if not can_manage_listings(member, listing.shop):
        raise ShopError(_l("Only the shop's owner and staff can pause or resume its "
                           "listings."))
    db.session.refresh(listing, with_for_update=True)


def pause_listing(listing, member, *, now):
    """``member`` pauses ``listing``: off sale and off every list until resumed (a suspended
    member too: it sells nothing)."""
    _check_may_change(listing, member)
    refusal = pause_refusal(listing)
    if refusal is not None:
        raise (SignBlocksEdit if listing.stop_sign else ShopError)(refusal)
    listing.paused_at = now
    db.session.flush()


def resume_listing(listing, member, *, now):
    """``member`` resumes ``listing``: on sale again, or shown sold out if none is left. Its
    status, kept right by orders and edits while it was paused, is left as it is; a listing a
    moderator holds or hides meanwhile stays so: resuming takes only the shop's pause away."""
    _check_may_change(listing, member)
    refusal = resume_refusal(listing, member, now)
    if refusal is not None:
        raise (SignBlocksEdit if listing.stop_sign else ShopError)(refusal)
    listing.paused_at = None
    db.session.flush()
