"""Strikes for FAKE signs and what they lead to (AUC-4, SHOP-8).

One strike per FAKE sign on an auction. At 3 active strikes the seller's auction rights are
suspended at once, with a notice saying why and how to ask for them back (a ``reinstatement``
review item, also raised when withdrawn strikes leave fewer than 3); at 6 moderators are
prompted to revoke them (``strike_revoke``). A shop with more than 3 FAKE listings is flagged
for permanent closure (``shop_fakes``).
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.blueprints.auctions import lifecycle
from app.blueprints.moderation import audit, queue
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.sign_texts import DEFAULT_REASONS
from app.blueprints.shops import shop_services
from app.extensions import db
from app.models import Auction, Listing, Shop, StopSign, Strike, User
from app.notifications import notify_about

SUSPEND_AT = 3
REVOKE_PROMPT_AT = 6
SHOP_FAKES_OVER = 3


def strike_count(user_id):
    """How many strikes stand against the member (withdrawn ones do not count)."""
    return db.session.scalar(select(func.count(Strike.id)).where(
        Strike.user_id == user_id, Strike.withdrawn_at.is_(None))) or 0


def strikes_of(user_id):
    """Every strike of the member, newest first, with its sign."""
    return db.session.scalars(select(Strike).where(Strike.user_id == user_id)
                              .order_by(Strike.created_at.desc(), Strike.id.desc())).all()


def _title(sign):
    model = Listing if sign.target_type == "listing" else Auction
    return db.session.scalar(select(model.title).where(model.id == sign.target_id)) or ""


def add_strike(sign, moderator, *, now, ip=""):
    """Strike the owner of a FAKE-signed item (AUC-4) and apply the thresholds."""
    strike = Strike(user_id=sign.owner_id, sign_id=sign.id, created_at=now)
    db.session.add(strike)
    db.session.flush()
    count = strike_count(sign.owner_id)
    owner = db.session.get(User, sign.owner_id)
    notify_about(owner, "strike", target_type="strike", target_id=strike.id,
                 facts={"title": _title(sign), "count": count}, now=now)
    audit.record(moderator, "strike.add", "user", owner.id, before={"strikes": count - 1},
                 after={"strikes": count, "sign_id": sign.id}, now=now, ip=ip)
    _apply_thresholds(owner, count, strike, moderator, now=now, ip=ip)
    return strike


def _apply_thresholds(owner, count, strike, moderator, *, now, ip):
    if count >= SUSPEND_AT and owner.auction_rights == "active":
        before = lifecycle.set_auction_rights(owner, "suspended")
        notify_about(owner, "rights_suspended", target_type="strike", target_id=strike.id,
                     facts={"count": count}, now=now)
        audit.record(moderator, "user.auction_rights", "user", owner.id,
                     before={"auction_rights": before}, after={"auction_rights": "suspended"},
                     note=f"automatic at {SUSPEND_AT} strikes (AUC-4)",  # audit_words.note
                     now=now, ip=ip)
    if count >= REVOKE_PROMPT_AT and owner.auction_rights != "revoked":
        queue.open_item("strike_revoke", "user", owner.id, now=now, subject_user_id=owner.id)


def move_strike(old, new):
    """A FAKE sign replaced by another FAKE sign (say, on an expert verdict) keeps its one
    strike, now pointing at the new sign."""
    strike = db.session.scalar(select(Strike).where(Strike.sign_id == old.id,
                                                    Strike.withdrawn_at.is_(None)))
    if strike is not None:
        strike.sign_id = new.id
        db.session.flush()


def withdraw_strike(sign, moderator, reason, *, now, ip=""):
    """Withdraw the strike of a FAKE sign that was lifted or replaced (AUC-4)."""
    strike = db.session.scalar(select(Strike).where(Strike.sign_id == sign.id,
                                                    Strike.withdrawn_at.is_(None)))
    if strike is None:
        return None
    strike.withdrawn_at, strike.withdrawn_reason = now, (reason or "")[:300]
    db.session.flush()
    count = strike_count(sign.owner_id)
    notify_about(sign.owner, "strike_withdrawn", target_type="strike", target_id=strike.id,
                 facts={"title": _title(sign), "count": count}, now=now)
    audit.record(moderator, "strike.withdraw", "user", sign.owner_id,
                 before={"strikes": count + 1}, after={"strikes": count, "sign_id": sign.id},
                 note=reason, now=now, ip=ip)
    owner = sign.owner
    if count < SUSPEND_AT and owner.auction_rights == "suspended" and \
            queue.open_item_for("reinstatement", "user", owner.id) is None:
        # The strikes that suspended the rights no longer add up to 3: a moderator decides
        # whether to give them back (they may have been suspended for more than strikes).
        # (No summary: the row words it in the moderator's language; a member's own request
        # carries their words.)
        queue.open_item("reinstatement", "user", owner.id, now=now, subject_user_id=owner.id)
    return strike


def fake_listing_count(shop_id):
    """How many of the shop's listings carry a FAKE sign now."""
    return db.session.scalar(select(func.count(StopSign.id)).where(
        StopSign.target_type == "listing", StopSign.kind == "fake",
        StopSign.ended_at.is_(None),
        StopSign.target_id.in_(select(Listing.id).where(Listing.shop_id == shop_id)))) or 0


def check_shop_fakes(shop, *, now):
    """Flag a shop with more than 3 FAKE listings to moderators (SHOP-8)."""
    count = fake_listing_count(shop.id)
    if count > SHOP_FAKES_OVER and shop.status == "open":
        queue.open_item("shop_fakes", "shop", shop.id, now=now, subject_user_id=shop.owner_id)


def request_reinstatement(user, body, *, now):
    """A member whose auction rights were suspended asks for them back (AUC-4); not while
    their account is suspended or closed (ACC-5: only the suspension itself is appealed)."""
    from app.blueprints.moderation.enforcement import check_can_act

    if user.auction_rights != "suspended":
        raise ModerationError(_l("Your auction rights are not suspended."))
    check_can_act(user, now)
    body = " ".join((body or "").split())
    if not 10 <= len(body) <= 300:
        raise ModerationError(_l("Tell the moderators in 10 to 300 characters why your "
                                 "rights should be restored."), field="body")
    if queue.open_item_for("reinstatement", "user", user.id) is not None:
        raise ModerationError(_l("Your request is already waiting for a moderator."))
    return queue.open_item("reinstatement", "user", user.id, now=now, subject_user_id=user.id,
                           summary=body)


def _note(form):
    return " ".join((form.get("reason") or form.get("note") or "").split())[:1000]


def _user(item):
    user = db.session.get(User, item.target_id)
    if user is None:
        raise ModerationError(_l("This member no longer exists."))
    return user


def _set_rights(item, moderator, rights, kind, *, now, ip, form):
    user = _user(item)
    note = _note(form) or str(DEFAULT_REASONS["decided"])  # (read in the reader's language)
    before = lifecycle.set_auction_rights(user, rights)
    notify_about(user, kind, target_type="strike", target_id=0,
                 facts={"note": note, "count": strike_count(user.id)}, now=now)
    audit.record(moderator, "user.auction_rights", "user", user.id,
                 before={"auction_rights": before}, after={"auction_rights": rights},
                 note=note, now=now, ip=ip)
    return note


def _restore(item, moderator, form, *, now, ip=""):
    return _set_rights(item, moderator, "active", "rights_restored", now=now, ip=ip, form=form)


def _refuse(item, moderator, form, *, now, ip=""):
    user = _user(item)
    note = _note(form) or str(DEFAULT_REASONS["decided"])  # (read in the reader's language)
    notify_about(user, "rights_refused", target_type="strike", target_id=0,
                 facts={"note": note}, now=now)
    return note


def _revoke(item, moderator, form, *, now, ip=""):
    return _set_rights(item, moderator, "revoked", "rights_revoked", now=now, ip=ip, form=form)


def _keep(item, moderator, form, *, now, ip=""):
    return _note(form)


def _close_shop(item, moderator, form, *, now, ip=""):
    shop = db.session.get(Shop, item.target_id)
    if shop is None:
        raise ModerationError(_l("This shop no longer exists."))
    note = _note(form)
    if shop.status == "closed":  # closed meanwhile (a closure sanction): nothing to do
        queue.close_item(item, moderator, "shop_closed", note, now=now, ip=ip)
        return _l("This shop was already closed; nothing changed and its owner was not told "
                  "again.")
    queue.close_item(item, moderator, "close", note, now=now, ip=ip)
    before = shop_services.close_shop(shop, now)
    notify_about(shop.owner, "shop_closed", target_type="shop", target_id=shop.id,
                 facts={"name": shop.name, "note": note}, now=now)
    audit.record(moderator, "shop.close", "shop", shop.id, before={"status": before},
                 after={"status": "closed"}, note=note, now=now, ip=ip)
    return note


queue.register_action("reinstatement", queue.Action(
    "restore", _l("Restore auction rights"), _restore, fields=("reason",), key="r",
    style="primary"))
queue.register_action("reinstatement", queue.Action(
    "refuse", _l("Keep them suspended"), _refuse, fields=("reason",), key="p"))
queue.register_action("strike_revoke", queue.Action(
    "revoke", _l("Revoke auction rights permanently"), _revoke, fields=("reason",), key="v",
    style="danger", extra={"ask_first": True}))
queue.register_action("strike_revoke", queue.Action(
    "keep", _l("Keep as they are"), _keep, fields=("reason",), key="p"))
queue.register_action("shop_fakes", queue.Action(
    "close", _l("Close the shop permanently"), _close_shop, fields=("reason",), key="q",
    style="danger", extra={"ask_first": True}))
queue.register_action("shop_fakes", queue.Action(
    "keep", _l("Keep it open"), _keep, fields=("reason",), key="p"))
