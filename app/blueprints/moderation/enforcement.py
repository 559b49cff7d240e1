"""ACC-5: a suspended or closed member cannot bid, sell, post or file appeals (except the
appeal against the suspension itself) until the suspension ends or is lifted; nor can a member
under 18 before their guardian agrees (ACC-3). Browsing stays possible. Domain services call
:func:`check_can_act` before they change anything."""
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.blueprints.moderation.errors import Suspended
from app.permissions import awaiting_guardian, is_member, is_suspended


@dataclass(frozen=True)
class SuspensionNotice:
    """What a suspended or closed member is told up front (ACC-5): since when they may not
    act and until when (``until``: None when closed), and where their appeal stands.
    ``appeal_sanction_id``: the running suspension (or closure) they may still appeal (none
    filed yet, within the 15 days); ``appeal_pending_since``: when the appeal they filed
    against it, still waiting for a moderator, was sent. Pages show this in place of a form
    the services would refuse."""

    closed: bool
    until: object = None
    appeal_sanction_id: int | None = None
    appeal_pending_since: object = None


def suspension_notice(user, now):
    """The :class:`SuspensionNotice` for ``user`` at ``now``, or None when they are not
    suspended or closed. An appeal already filed is not invited again (MOD-9, ACC-5)."""
    if not (is_member(user) and is_suspended(user, now)):
        return None
    from sqlalchemy import select

    from app.blueprints.moderation.appeals import appeals_by_sanction
    from app.blueprints.moderation.appeal_windows import (
        RESTRICTING, appeal_deadline, restriction_periods)
    from app.blueprints.moderation.sanctions import is_active
    from app.extensions import db
    from app.models import Sanction

    closed = user.closed_at is not None
    kind = "closure" if closed else "suspension"
    restrictions = db.session.scalars(select(Sanction).where(
        Sanction.user_id == user.id, Sanction.kind.in_(RESTRICTING)).order_by(Sanction.id)).all()
    running = [s for s in restrictions if s.kind == kind and is_active(s, now)]
    appeals = appeals_by_sanction([s.id for s in running])
    periods = restriction_periods(restrictions)
    appealable = [s.id for s in running if s.id not in appeals and _open(
        appeal_deadline(s, periods), now)]
    pending = [a.created_at for a in appeals.values() if not a.decision]
    return SuspensionNotice(closed=closed, until=None if closed else user.suspended_until,
                            appeal_sanction_id=appealable[-1] if appealable else None,
                            appeal_pending_since=max(pending) if pending else None)


def _open(deadline, now):
    """Whether an appeal window with this last moment (None: no end yet) is open at ``now``."""
    return deadline is None or now <= deadline


def suspension_message(user, notice=None):
    """The sentence telling ``user`` why they cannot act and, while they may still appeal,
    how; an appeal already waiting for a moderator is said instead (``notice``: their
    :class:`SuspensionNotice`, read when not given)."""
    from app.i18n import format_datetime

    if notice is None:
        from app.database import utcnow

        notice = suspension_notice(user, utcnow())
    may_appeal = notice is None or notice.appeal_sanction_id is not None
    if user.closed_at is not None:
        if may_appeal:
            return _l("Your account has been closed by the moderators. You can still browse, "
                      "and you may appeal from your sanctions page.")
        first = _l("Your account has been closed by the moderators. You can still browse.")
    else:
        if may_appeal:
            return _l("Your account is suspended until %(until)s. You can still browse, but "
                      "not bid, sell or post. You may appeal from your sanctions page.",
                      until=format_datetime(user.suspended_until))
        first = _l("Your account is suspended until %(until)s. You can still browse, but not "
                   "bid, sell or post.", until=format_datetime(user.suspended_until))
    if notice.appeal_pending_since is None:
        return first
    waiting = _l("Your appeal of %(date)s is waiting for a moderator.",
                 date=format_datetime(notice.appeal_pending_since))
    return LazyString(lambda: f"{first} {waiting}")


def guardian_message(user):
    """Why a member under 18 cannot act yet (ACC-3)."""
    return _l("Your parent or guardian has not agreed to your registration yet. We e-mailed "
              "them at %(email)s. Until they agree you can browse, but not bid, buy, sell or "
              "post.", email=user.guardian_email)


def check_can_act(user, now):
    """Raise :class:`Suspended` when ``user`` is suspended or closed at ``now`` (ACC-5), or
    under 18 and still waiting for a guardian's consent (ACC-3)."""
    refusal = suspension_refusal(user, now)
    if refusal is not None:
        raise refusal


def suspension_refusal(user, now):
    """:func:`check_can_act` as a value: the :class:`Suspended` error, or None. A suspension
    carries its :class:`SuspensionNotice` (``notice``), so a page can show the appeal link
    or say the appeal is being reviewed (``moderation/_cannot_act.html``)."""
    if is_member(user) and is_suspended(user, now):
        notice = suspension_notice(user, now)
        return Suspended(suspension_message(user, notice), notice=notice)
    if awaiting_guardian(user, now):
        return Suspended(guardian_message(user))
    return None


def payouts_held(user_id, now):
    """The running "hold payouts" sanction on member ``user_id`` (MOD-8), or None."""
    from sqlalchemy import or_, select

    from app.extensions import db
    from app.models import Sanction

    return db.session.scalar(select(Sanction).where(
        Sanction.user_id == user_id, Sanction.kind == "hold_payouts",
        Sanction.lifted_at.is_(None),
        or_(Sanction.ends_at.is_(None), Sanction.ends_at > now)).limit(1))


def payouts_held_refusal(owner_id, now):
    """Why nobody may order from a shop of ``owner_id`` now (their payouts are held), or None."""
    if payouts_held(owner_id, now) is None:
        return None
    from app.blueprints.shops.errors import ShopError

    return ShopError(_l("This shop cannot take orders at the moment: the moderators are "
                        "holding its payouts."))
