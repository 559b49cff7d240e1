"""ACC-5: a suspended or closed member cannot bid, sell, post or file appeals (except the
appeal against the suspension itself) until the suspension ends or is lifted; nor can a member
under 18 before their guardian agrees (ACC-3). Browsing stays possible. Domain services call
:func:`check_can_act` before they change anything."""
from flask_babel import lazy_gettext as _l

from app.blueprints.moderation.errors import Suspended
from app.permissions import awaiting_guardian, is_member, is_suspended


def suspension_message(user):
    """The sentence telling ``user`` why they cannot act and how to appeal."""
    from app.i18n import format_datetime

    if user.closed_at is not None:
        return _l("Your account has been closed by the moderators. You can still browse, and "
                  "you may appeal from your sanctions page.")
    return _l("Your account is suspended until %(until)s. You can still browse, but not bid, "
              "sell or post. You may appeal from your sanctions page.",
              until=format_datetime(user.suspended_until))


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
    """:func:`check_can_act` as a value: the :class:`Suspended` error, or None."""
    if is_member(user) and is_suspended(user, now):
        return Suspended(suspension_message(user))
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
