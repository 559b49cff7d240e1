"""What moderators do with prohibited-goods holds (SHOP-4) and shill-bid flags (AUC-12) in the
review queue (MOD-7). Effects go through the shops' and auctions' services; each handler
writes an audit entry with the target's values before and after (MOD-10)."""
from flask_babel import lazy_gettext as _l

from app.blueprints.moderation import audit
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.queue import Action, register_action
from app.blueprints.moderation.sign_texts import DEFAULT_REASONS
from app.extensions import db
from app.models import Auction, Listing, User
from app.notifications import SUBJECTS, TEXTS, notify_about

TEXTS.setdefault("listing_refused", _l(
    "Your listing “%(title)s” was checked by a moderator and stays off sale: %(reason)s"))
SUBJECTS["listing_refused"] = _l("Your listing “%(title)s” stays off sale")


def _listing(item):
    listing = db.session.get(Listing, item.target_id)
    if listing is None:
        raise ModerationError(_l("This listing no longer exists."))
    return listing


def approve_hold(item, moderator, form, *, now, ip=""):
    """The held listing is fine: it goes on sale."""
    from app.blueprints.shops.listing_services import release_hold

    listing = _listing(item)
    before = {"status": listing.status}
    release_hold(listing, now=now)
    audit.record(moderator, "listing.approve_hold", "listing", listing.id, before=before,
                 after={"status": listing.status}, now=now, ip=ip)
    return str(_l("Listing approved and on sale."))


def refuse_hold(item, moderator, form, *, now, ip=""):
    """The held listing is prohibited: it stays off sale (hidden) and the seller is told."""
    from app.blueprints.shops.listing_services import refuse_hold as refuse

    listing = _listing(item)
    reason = (form.get("reason") or "").strip() or listing.hold_reason or str(
        _l("prohibited goods"))
    before = {"status": listing.status, "hold_reason": listing.hold_reason}
    refuse(listing, reason, now=now)
    audit.record(moderator, "listing.refuse_hold", "listing", listing.id, before=before,
                 after={"status": listing.status, "hold_reason": listing.hold_reason},
                 note=reason, now=now, ip=ip)
    owner = db.session.get(User, listing.shop.owner_id)
    notify_about(owner, "listing_refused", target_type="listing", target_id=listing.id,
                 facts={"title": listing.title, "reason": reason}, now=now)
    return str(_l("Listing refused: %(reason)s", reason=reason))


def _auction(item):
    auction = db.session.get(Auction, item.target_id)
    if auction is None:
        raise ModerationError(_l("This auction no longer exists."))
    return auction


def dismiss_flags(item, moderator, form, *, now, ip=""):
    """The flagged bids are innocent: the auction's open flags are resolved."""
    from app.blueprints.auctions.shill import resolve_flags

    auction = _auction(item)
    count = resolve_flags(auction.id, moderator, now=now)
    audit.record(moderator, "auction.dismiss_flags", "auction", auction.id,
                 before={"open_flags": count}, after={"open_flags": 0}, now=now, ip=ip)
    return str(_l("Flags dismissed."))


def flags_under_review(item, moderator, form, *, now, ip=""):
    """Hang UNDER REVIEW on the auction (bidding stops, AUC-3); the flags are resolved."""
    from app.blueprints.auctions.shill import resolve_flags
    from app.blueprints.moderation.signs import hang_sign

    auction = _auction(item)
    reason = (form.get("reason") or "").strip() or str(DEFAULT_REASONS["flags"])
    hang_sign("auction", auction.id, "under_review", moderator, reason, now=now, ip=ip)
    resolve_flags(auction.id, moderator, now=now)
    return str(_l("UNDER REVIEW hung on the auction."))


register_action("prohibited_hold", Action("approve", _l("Approve"), approve_hold, key="a",
                                          bulk=True, style="primary"))
register_action("prohibited_hold", Action("refuse", _l("Refuse"), refuse_hold,
                                          fields=("reason",), key="r", bulk=True,
                                          style="danger"))
register_action("shill_flag", Action("dismiss", _l("Dismiss"), dismiss_flags, key="d",
                                     bulk=True))
register_action("shill_flag", Action("under_review", _l("Hang UNDER REVIEW"),
                                     flags_under_review, fields=("reason",), key="u",
                                     style="danger"))
