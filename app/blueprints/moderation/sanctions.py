"""Sanctions on members, lightest first (MOD-8), each with real effects through the domains'
services, an audit entry (MOD-10) and a notice that states the rule broken, the facts, the
duration and until when an appeal is possible (MOD-9). Lifting undoes what can be undone."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.blueprints.accounts.deletion import is_deleted
from app.blueprints.moderation import audit
from app.blueprints.moderation.appeal_windows import appeal_deadline, member_restriction_periods
from app.blueprints.moderation.errors import ModerationError
from app.extensions import db
from app.permissions import staff_role
from app.models import Sanction
from app.models.moderation import SANCTION_KINDS
from app.notifications import (SUBJECTS, TEXTS, notify_about, register_labels, register_link,
                               register_variant)

SANCTION_LABELS = {
    "warning": _l("Warning"),
    "cancel_transactions": _l("Open transactions cancelled"),
    "cancel_bids": _l("Open bids cancelled"),
    "hold_payouts": _l("Payouts held"),
    "suspension": _l("Temporary suspension"),
    "closure": _l("Permanent closure"),
    "limits": _l("Limits on the account"),
    "fine": _l("Fine"),
}
#: Kinds that need an end: a suspension is temporary by definition.
NEEDS_END = ("suspension",)
#: Kinds that may run until a date (or until lifted).
TIMED = ("suspension", "hold_payouts", "limits")
MAX_DAYS = 3650

DURATION_LABELS = {"once": _l("takes effect once"), "until_lifted": _l("until lifted"),
                   "permanent": _l("permanent")}

TEXTS.update({
    "sanction": _l("A moderator imposed a sanction on your account: %(sanction)s (%(detail)s). "
                   "Rule broken: %(rule)s. What happened: %(facts)s. Duration: %(duration)s. "
                   "You may appeal until %(appeal_until)s from your sanctions page."),
    # A warning, suspension or closure has no amount or limits to give in brackets.
    "sanction_bare": _l("A moderator imposed a sanction on your account: %(sanction)s. "
                        "Rule broken: %(rule)s. What happened: %(facts)s. Duration: "
                        "%(duration)s. You may appeal until %(appeal_until)s from your "
                        "sanctions page."),
    # Imposed while a closure or a suspension with no end runs, which alone may be appealed
    # meanwhile (ACC-5): the 15 days start when it ends (appeal_deadline).
    "sanction_later": _l("A moderator imposed a sanction on your account: %(sanction)s "
                         "(%(detail)s). Rule broken: %(rule)s. What happened: %(facts)s. "
                         "Duration: %(duration)s. While your account is suspended or closed "
                         "you may appeal only that; once it ends, you will have 15 days to "
                         "appeal this sanction from your sanctions page."),
    "sanction_bare_later": _l("A moderator imposed a sanction on your account: %(sanction)s. "
                              "Rule broken: %(rule)s. What happened: %(facts)s. Duration: "
                              "%(duration)s. While your account is suspended or closed you "
                              "may appeal only that; once it ends, you will have 15 days to "
                              "appeal this sanction from your sanctions page."),
    "sanction_lifted": _l("Your sanction “%(sanction)s” has been lifted: %(reason)s"),
})
SUBJECTS.update({"sanction": _l("A sanction on your account: %(sanction)s"),
                 "sanction_lifted": _l("Your sanction “%(sanction)s” has been lifted")})
# ("-" was stored for "no detail" before there was a sentence without one.)
register_variant("sanction", lambda facts: (
    "sanction" if facts.get("detail") not in ("", "-") else "sanction_bare")
    + ("" if facts.get("appeal_until", "-") else "_later"))


class _Moments:
    """A notice's moments, stored as ISO text and shown in the reader's language and Bangkok
    time (a date written in the deciding moderator's language was stored before); other
    values through ``labels``. ``until`` words a moment as "until ..."."""

    def __init__(self, labels=None, until=False):
        self.labels, self.until = labels or {}, until

    def get(self, value, default=None):
        from datetime import datetime

        from flask_babel import gettext

        from app.i18n import format_datetime

        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return self.labels.get(value, default)
        shown = format_datetime(moment)
        return gettext("until %(when)s", when=shown) if self.until else shown


register_labels("sanction", SANCTION_LABELS)
register_labels("duration", _Moments(DURATION_LABELS, until=True))
register_labels("appeal_until", _Moments())


def _sanction_link(sanction_id, external=False):
    from flask import url_for

    from app.urls import external_url

    if external:
        return external_url("moderation.my_sanctions") + f"#sanction-{sanction_id}"
    return url_for("moderation.my_sanctions", _anchor=f"sanction-{sanction_id}")


register_link("sanction", _sanction_link)


def is_active(sanction, now):
    """Not lifted and not run out."""
    return sanction.lifted_at is None and (sanction.ends_at is None or sanction.ends_at > now)


def sanctions_of(user_id):
    """Every sanction of a member, newest first."""
    return db.session.scalars(select(Sanction).where(Sanction.user_id == user_id)
                              .order_by(Sanction.created_at.desc(), Sanction.id.desc())).all()


def _clean(kind, rule, facts, ends_at, fine_satang, limits, now):
    if kind not in SANCTION_KINDS:
        raise ModerationError(_l("Please choose a sanction from the list."), field="kind")
    rule = (rule or "").strip()
    if not rule or len(rule) > 16:
        raise ModerationError(_l("Name the rule broken (for example MKT-6)."), field="rule")
    facts = (facts or "").strip()
    if not facts or len(facts) > 2000:
        raise ModerationError(_l("State the facts (up to 2,000 characters)."), field="facts")
    if kind in NEEDS_END and ends_at is None:
        raise ModerationError(_l("A suspension needs an end."), field="days")
    if kind not in TIMED:
        ends_at = None
    if ends_at is not None and not now < ends_at <= now + timedelta(days=MAX_DAYS):
        raise ModerationError(_l("The end must be in the future, within ten years."),
                              field="days")
    if kind == "fine":
        if not isinstance(fine_satang, int) or not 0 < fine_satang <= 100_000_000_00:
            raise ModerationError(_l("A fine needs an amount above zero."), field="fine")
    else:
        fine_satang = None
    limits = (limits or "").strip()
    if kind == "limits" and not limits:
        raise ModerationError(_l("Say what the limits are."), field="limits")
    if kind != "limits":
        limits = ""
    if len(limits) > 300:
        raise ModerationError(_l("Limits take up to 300 characters."), field="limits")
    return rule, facts, ends_at, fine_satang, limits


def _apply(user, kind, now):
    """The sanction's effect through the domains' services; returns a short note."""
    from app.blueprints.accounts.services import set_restrictions

    if kind == "cancel_transactions":
        from app.blueprints.shops.order_services import cancel_orders_of

        return f"orders cancelled: {cancel_orders_of(user, now=now)}"
    if kind == "cancel_bids":
        from app.blueprints.auctions.moderation_services import withdraw_bids_of

        return f"auctions changed: {withdraw_bids_of(user.id, now)}"
    if kind == "suspension":
        set_restrictions(user, suspended_until=_suspension_end(user.id, now),
                         closed_at=user.closed_at, now=now)
    if kind == "closure":
        from app.blueprints.auctions.moderation_services import end_auctions_of
        from app.blueprints.shops.shop_services import close_shops_of

        set_restrictions(user, suspended_until=user.suspended_until, closed_at=now, now=now)
        return (f"shops closed: {close_shops_of(user, now)}, "
                f"auctions ended: {end_auctions_of(user.id, now)}")
    return ""


def _suspension_end(user_id, now):
    """The latest end of the member's running suspensions, or None."""
    db.session.flush()
    ends = db.session.scalars(select(Sanction.ends_at).where(
        Sanction.user_id == user_id, Sanction.kind == "suspension",
        Sanction.lifted_at.is_(None), or_(Sanction.ends_at.is_(None),
                                          Sanction.ends_at > now))).all()
    return max(ends) if ends else None


def _closure_start(user_id):
    """When the earliest closure of member ``user_id`` still in force was imposed, or None
    (closures have no end date: only lifting ends one)."""
    db.session.flush()
    return db.session.scalar(select(func.min(Sanction.created_at)).where(
        Sanction.user_id == user_id, Sanction.kind == "closure", Sanction.lifted_at.is_(None)))


def _isoformat(moment):
    """``moment`` as a notice stores it; "" for none (:data:`TEXTS` ``sanction_later``)."""
    return moment.isoformat() if moment is not None else ""


def _detail(sanction):
    from app.i18n import format_baht

    if sanction.kind == "fine":
        return format_baht(sanction.fine_satang)
    if sanction.kind == "limits":
        return sanction.limits
    return ""


def _duration(sanction):
    if sanction.ends_at is not None:
        return sanction.ends_at.isoformat()  # (worded by _Moments for each reader)
    if sanction.kind == "closure":
        return "permanent"
    if sanction.kind in TIMED:
        return "until_lifted"
    return "once"


def sanction_refusal(user, moderator):
    """Why ``moderator`` may not sanction ``user`` (a message), or None when they may. Staff
    answer to the level above: only an admin sanctions a moderator, and an admin is first
    made a member by another admin."""
    if moderator.id == user.id:
        return _l("You cannot sanction yourself.")
    role = staff_role(user)
    if role == "admin" or (role == "moderator" and moderator.role != "admin"):
        return _l("Only an admin can sanction a moderator, and admins cannot be sanctioned.")
    return None


def impose(user, kind, moderator, *, rule, facts, now, ends_at=None, fine_satang=None,
           limits="", ip="", automatic=False):
    """Impose a MOD-8 sanction on ``user`` with its effects, an audit entry and a notice.
    ``automatic``: imposed by a rule's count (CMP-4), not a moderator's judgment.
    Raises :class:`ModerationError` for a missing rule, facts, end or amount."""
    refusal = sanction_refusal(user, moderator)
    if refusal is not None:
        raise ModerationError(refusal)
    rule, facts, ends_at, fine_satang, limits = _clean(kind, rule, facts, ends_at, fine_satang,
                                                       limits, now)
    sanction = Sanction(user_id=user.id, kind=kind, rule=rule, facts=facts, starts_at=now,
                        ends_at=ends_at, fine_satang=fine_satang, limits=limits,
                        created_by_id=moderator.id, created_at=now, automatic=automatic)
    db.session.add(sanction)
    db.session.flush()
    effect = _apply(user, kind, now)
    audit.record(moderator, "sanction.add", "user", user.id, before={},
                 after={"sanction_id": sanction.id, "kind": kind, "rule": rule,
                        "automatic": automatic,
                        "ends_at": ends_at, "fine_satang": fine_satang, "limits": limits,
                        "suspended_until": user.suspended_until, "closed_at": user.closed_at},
                 note=(facts + (f" [{effect}]" if effect else ""))[:2000], now=now, ip=ip)
    notify_about(user, "sanction", target_type="sanction", target_id=sanction.id, now=now,
                 facts={"sanction": kind, "detail": _detail(sanction), "rule": rule,
                        "facts": facts, "duration": _duration(sanction),
                        "appeal_until": _isoformat(appeal_deadline(
                            sanction, member_restriction_periods(user.id)))})
    return sanction


def lift(sanction, moderator, reason, *, now, ip="", tell=True, by_appeal=False):
    """Lift ``sanction``: a suspension or closure ends at once (if no other one runs); held
    payouts and limits stop. Cancelled orders and bids stay cancelled. An appeal still
    waiting against it is closed as moot (unless ``by_appeal``: the appeal's own decision),
    so no moderator later tells the member the lifted sanction stands (MOD-9)."""
    from app.blueprints.accounts.services import set_restrictions

    if sanction.lifted_at is not None:
        raise ModerationError(_l("This sanction has already been lifted."))
    if moderator.id == sanction.user_id:
        raise ModerationError(_l("You cannot lift your own sanction: appeal it instead."))
    if staff_role(sanction.user) in ("moderator", "admin") and moderator.role != "admin":
        raise ModerationError(_l("Only an admin can lift a sanction on a moderator or an "
                                 "admin."))
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_l("Give a reason for lifting the sanction."), field="reason")
    user = sanction.user
    before = {"lifted_at": None, "suspended_until": user.suspended_until,
              "closed_at": user.closed_at}
    sanction.lifted_at, sanction.lifted_by_id = now, moderator.id
    sanction.lift_reason = reason[:2000]
    if sanction.kind == "suspension":
        set_restrictions(user, suspended_until=_suspension_end(user.id, now),
                         closed_at=user.closed_at, now=now)
    elif sanction.kind == "closure" and not is_deleted(user):
        # (found in review: lifting one of two closures reopened the account, though the
        # other still ran, and lifting a closure reopened an account its member had deleted)
        set_restrictions(user, suspended_until=user.suspended_until,
                         closed_at=_closure_start(user.id), now=now)
    audit.record(moderator, "sanction.lift", "sanction", sanction.id, before=before,
                 after={"lifted_at": now, "suspended_until": user.suspended_until,
                        "closed_at": user.closed_at}, note=reason, now=now, ip=ip)
    if not by_appeal:
        _close_waiting_appeal(sanction, moderator, now=now, ip=ip)
    if tell:
        notify_about(user, "sanction_lifted", target_type="sanction", target_id=sanction.id,
                     now=now, facts={"sanction": sanction.kind, "reason": reason})
    return sanction


def _close_waiting_appeal(sanction, moderator, *, now, ip):
    from app.blueprints.moderation import queue
    from app.models import Appeal

    for appeal in db.session.scalars(select(Appeal).where(Appeal.sanction_id == sanction.id,
                                                          Appeal.decision == "")):
        appeal.decision = "lifted"
    queue.close_open_items("sanction", sanction.id, moderator, "sanction_lifted", now=now,
                           kinds=("appeal",), ip=ip)
