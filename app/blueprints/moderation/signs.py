"""STOP signs on listings and auctions (MOD-1, MOD-2, MOD-5, MOD-6; effects AUC-3, AUC-4,
AUC-5, SHOP-7).

A moderator hangs a sign with a reason; the conclusion of a case replaces the current sign
(MOD-2). Effects reach the other domains only through their services: the auction is halted
(``auctions.lifecycle.set_sign``), the listing locked or made "fake"
(``shops.listing_services.apply_sign``). FAKE also strikes the owner and posts on a public
board. Nothing here commits.
"""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.auctions import lifecycle
from app.blueprints.boards import services as boards
from app.blueprints.moderation import audit, parties, queue, strikes
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.sign_texts import SIGN_LABELS  # noqa: F401 (contract)
from app.blueprints.shops import listing_services
from app.extensions import db
from app.models import Auction, Listing, StopSign
from app.models.moderation import DECISION_BASES, SIGN_KINDS, SIGN_TARGETS
from app.notifications import notify_about
from app.urls import MAX_ID, external_url

strike_count = strikes.strike_count
FAKE, AUTHENTIC = "fake", "authentic"
MAX_REASON = 2000
RESPONSE_KINDS = ("explanation", "lift_request")


def current_sign(target_type, target_id):
    """The sign now up on the target, or None."""
    return db.session.scalar(select(StopSign).where(
        StopSign.target_type == target_type, StopSign.target_id == target_id,
        StopSign.ended_at.is_(None)))


def load_target(target_type, target_id, *, lock=False, deleted_ok=False):
    """``(item, owner_id)`` for a listing or an auction that exists, or a refusal. With
    ``lock`` the item is re-read and locked (PostgreSQL ``FOR UPDATE``; SQLite write
    requests are one writer already), so a bid taken at the same moment is either before the
    sign or refused by it (AUC-3), and a second moderator's sign waits for the first and
    replaces it (MOD-2) instead of both finding no sign up. A listing its shop deleted
    takes no new sign, but with ``deleted_ok`` the sign still on it can be answered, kept
    or taken down (a shop may delete a listing under any sign but FAKE: SHOP-7)."""
    if target_type not in SIGN_TARGETS or not isinstance(target_id, int) \
            or not 0 < target_id <= MAX_ID:
        raise ModerationError(_l("A sign hangs on a listing or an auction."))
    if target_type == "listing":
        item = db.session.get(Listing, target_id, with_for_update=lock,
                              populate_existing=lock)
        if item is None or (item.status == "deleted" and not deleted_ok):
            raise ModerationError(_l("This listing does not exist."))
        return item, item.shop.owner_id
    item = db.session.get(Auction, target_id, with_for_update=lock, populate_existing=lock)
    if item is None:
        raise ModerationError(_l("This auction does not exist."))
    return item, item.seller_id


def item_url(target_type, target_id, external=False):
    """The page of a signed item."""
    endpoint, key = ("shops.listing", "listing_id") if target_type == "listing" \
        else ("auctions.auction", "auction_id")
    if external:
        return external_url(endpoint, **{key: target_id})
    return url_for(endpoint, **{key: target_id})


def _clean_basis(kind, item, target_type, old, decision_basis, expert_body, expert_verdict):
    """Check what the decision rests on (MOD-5, MOD-6); returns the tidied values."""
    if decision_basis not in DECISION_BASES:
        raise ModerationError(_l("Choose what the decision rests on."), field="decision_basis")
    expert_body = " ".join((expert_body or "").split())[:160]
    expert_verdict = (expert_verdict or "").strip()[:MAX_REASON]
    if decision_basis == "expert" and not (expert_body and expert_verdict):
        raise ModerationError(_l("Name the expert body and write down its verdict."),
                              field="expert_body")
    if decision_basis == "site_final" and not expert_verdict:
        raise ModerationError(_l("Write down the site's final decision and why."),
                              field="expert_verdict")
    if kind == FAKE and target_type == "listing" and item.certificate_issuer \
            and decision_basis not in ("expert", "site_final"):
        raise ModerationError(_l(
            "This item carries a certificate from %(issuer)s: sign it FAKE only on an outside "
            "expert body's verdict or as the site's final decision, recorded here (MOD-6).",
            issuer=item.certificate_issuer), field="decision_basis")
    if old is not None and old.decision_basis == "expert" \
            and decision_basis not in ("expert", "site_final"):
        raise ModerationError(_l(
            "This sign rests on the verdict of %(body)s, which prevails: change it only on "
            "another expert verdict or as the site's final decision (MOD-5).",
            body=old.expert_body), field="decision_basis")
    if decision_basis == "":
        expert_body = expert_verdict = ""
    return expert_body, expert_verdict


def _clean_reason(reason):
    reason = (reason or "").strip()[:MAX_REASON]
    if not reason:
        raise ModerationError(_l("Give the reason: the owner and the public read it."),
                              field="reason")
    return reason


def _apply(target_type, item, kind, now, *, restore_status=""):
    """The sign's effect on its item, through the item's own domain; returns the listing's
    status before (listings only)."""
    if target_type == "auction":
        lifecycle.set_sign(item, kind, now)
        return ""
    from app.blueprints.complaints.hiding import hidden_by_complaint, hidden_status_before

    hidden = hidden_by_complaint("listing", item.id)
    before = listing_services.apply_sign(item, kind, now, restore_status=restore_status,
                                         keep_hidden=hidden)
    if hidden and before == "hidden":
        # Hidden by a complaint (CMP-3): the status the sign gives back when it ends is the
        # one the listing had before the complaint, not "hidden" (restored meanwhile).
        before = hidden_status_before(item.id) or before
    return before


def _facts(sign, item, **more):
    return {"sign": sign.kind, "title": item.title, "reason": sign.reason, **more}


def _check_not_own(owner_id, moderator, target_type=None, target_id=None):
    """No moderator decides about their own listing or auction, nor about one whose trade
    they took part in (``parties``)."""
    if owner_id == moderator.id:
        raise ModerationError(_l("This is your own item: another moderator must decide "
                                 "about it."))
    if target_type is not None and parties.took_part(moderator.id, target_type, target_id):
        raise ModerationError(parties.TOOK_PART)


def hang_sign(target_type, target_id, kind, moderator, reason, *, now, ip="",
              decision_basis="", expert_body="", expert_verdict=""):
    """Hang a sign of ``kind`` on the target, replacing the current one (MOD-2), and apply
    its effects (AUC-3, AUC-4, AUC-5, SHOP-7). Returns the new :class:`StopSign`, or the
    current one, unchanged, when it is the same sign with the same reason and basis."""
    if kind not in SIGN_KINDS:
        raise ModerationError(_l("Choose a sign."), field="kind")
    item, owner_id = load_target(target_type, target_id, lock=True)
    _check_not_own(owner_id, moderator, target_type, target_id)
    reason = _clean_reason(reason)
    old = current_sign(target_type, target_id)
    expert_body, expert_verdict = _clean_basis(kind, item, target_type, old, decision_basis,
                                               expert_body, expert_verdict)
    if old is not None and (old.kind, old.reason, old.decision_basis, old.expert_body,
                            old.expert_verdict) == (kind, reason, decision_basis, expert_body,
                                                    expert_verdict):
        # The same sign sent again (a double tap on "Hang the sign", two moderators deciding
        # alike): it is up already; replacing it by itself would only tell the owner twice.
        return old
    if old is not None:
        old.ended_at, old.ended_by_id, old.end_reason = now, moderator.id, reason
        db.session.flush()
    sign = StopSign(target_type=target_type, target_id=target_id, owner_id=owner_id,
                    kind=kind, reason=reason, hung_by_id=moderator.id, hung_at=now,
                    decision_basis=decision_basis, expert_body=expert_body,
                    expert_verdict=expert_verdict, status_before="")
    db.session.add(sign)
    db.session.flush()
    was_fake = old is not None and old.kind == FAKE
    restore = old.status_before if was_fake else ""
    if old is not None:
        old.replaced_by_id = sign.id
        queue.close_open_items("sign", old.id, moderator, "sign_replaced", now=now,
                               kinds=RESPONSE_KINDS, ip=ip)
    status_before = _apply(target_type, item, kind, now, restore_status=restore)
    if kind == FAKE:
        sign.status_before = restore if was_fake else status_before
        if was_fake:
            strikes.move_strike(old, sign)
        else:
            _post_fake(target_type, item, sign, now)
            if target_type == "auction":  # AUC-4 (a shop's FAKE listings: SHOP-8 below)
                strikes.add_strike(sign, moderator, now=now, ip=ip)
    elif was_fake:
        strikes.withdraw_strike(old, moderator, reason, now=now, ip=ip)
    if target_type == "listing" and kind == FAKE and not was_fake:
        strikes.check_shop_fakes(item.shop, now=now)
    owner = sign.owner
    if old is None:
        notify_about(owner, "sign_hung", target_type="sign", target_id=sign.id,
                     facts=_facts(sign, item), now=now)
    else:
        notify_about(owner, "sign_replaced", target_type="sign", target_id=sign.id,
                     facts=_facts(sign, item, old=old.kind), now=now)
    audit.record(moderator, "sign.hang" if old is None else "sign.replace", target_type,
                 target_id, before={"sign": old.kind if old else None,
                                    "sign_id": old.id if old else None},
                 after={"sign": kind, "sign_id": sign.id, "reason": reason,
                        "decision_basis": decision_basis, "expert_body": expert_body,
                        "expert_verdict": expert_verdict}, now=now, ip=ip)
    return sign


def _post_fake(target_type, item, sign, now):
    """The automatic public post about a FAKE item (AUC-5, SHOP-7)."""
    board = "fake-auctions" if target_type == "auction" else "fake-shops"
    boards.post(board, item.title, sign.reason, target_type=target_type,
                target_id=item.id, sign_id=sign.id, now=now)


def end_sign(sign, moderator, reason, *, now, ip="", decision_basis=""):
    """Take ``sign`` down with nothing in its place (MOD-2, MOD-3): the item is free again and
    a FAKE sign's strike is withdrawn."""
    _check_not_own(sign.owner_id, moderator, sign.target_type, sign.target_id)
    # The item's lock first, then the sign as it is now: another moderator may have taken it
    # down or replaced it meanwhile, and the item must keep that moderator's sign (MOD-2).
    item, _owner = load_target(sign.target_type, sign.target_id, lock=True, deleted_ok=True)
    db.session.refresh(sign)
    if sign.ended_at is not None:
        raise ModerationError(_l("This sign is no longer up."))
    reason = _clean_reason(reason)
    if sign.decision_basis == "expert" and decision_basis not in ("expert", "site_final"):
        raise ModerationError(_l(
            "This sign rests on the verdict of %(body)s, which prevails: take it down only on "
            "another expert verdict or as the site's final decision (MOD-5).",
            body=sign.expert_body), field="decision_basis")
    sign.ended_at, sign.ended_by_id, sign.end_reason = now, moderator.id, reason
    db.session.flush()
    _apply(sign.target_type, item, None, now, restore_status=sign.status_before)
    if sign.kind == FAKE:
        strikes.withdraw_strike(sign, moderator, reason, now=now, ip=ip)
    queue.close_open_items("sign", sign.id, moderator, "sign_ended", now=now,
                           kinds=RESPONSE_KINDS, ip=ip)
    notify_about(sign.owner, "sign_ended", target_type="sign", target_id=sign.id,
                 facts={"sign": sign.kind, "title": item.title, "reason": reason}, now=now)
    audit.record(moderator, "sign.end", sign.target_type, sign.target_id,
                 before={"sign": sign.kind, "sign_id": sign.id}, after={"sign": None},
                 note=reason, now=now, ip=ip)


def signs_of_owner(user_id, limit=100):
    """The signs on a member's items, newest first (current and past)."""
    return db.session.scalars(select(StopSign).where(StopSign.owner_id == user_id)
                              .order_by(StopSign.hung_at.desc(), StopSign.id.desc())
                              .limit(limit)).all()


def item_titles(signs):
    """``{(target_type, target_id): title}`` for the items of ``signs`` (two queries)."""
    titles = {}
    for target_type, model in (("listing", Listing), ("auction", Auction)):
        ids = {s.target_id for s in signs if s.target_type == target_type}
        if ids:
            for item_id, title in db.session.execute(
                    select(model.id, model.title).where(model.id.in_(ids))):
                titles[(target_type, item_id)] = title
    return titles
