"""Appeals against sanctions (MOD-9): within 15 days of the sanction, decided by another
moderator than the one who imposed it. A suspended member may appeal only the suspension (or
closure) itself (ACC-5)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.moderation import queue
from app.blueprints.moderation.enforcement import check_can_act
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.queue import Action, register_action
from app.blueprints.moderation.appeal_windows import (
    RESTRICTING, appeal_deadline, member_restriction_periods)
from app.blueprints.moderation.sanctions import is_active, lift
from app.extensions import db
from app.i18n import Counts
from app.models import Appeal, Sanction
from app.notifications import SUBJECTS, TEXTS, notify_about

BODY_MAX = 5000

TEXTS.update({
    "appeal_upheld": _l("Your appeal against “%(sanction)s” was decided: the sanction stands. "
                        "%(reason)s"),
    "appeal_overturned": _l("Your appeal against “%(sanction)s” was accepted: the sanction is "
                            "lifted. %(reason)s"),
})
SUBJECTS.update({
    "appeal_upheld": _l("Your appeal against “%(sanction)s”: the sanction stands"),
    "appeal_overturned": _l("Your appeal against “%(sanction)s” was accepted"),
})


#: An appeal's state as moderators read it on a member's page.
APPEAL_STATE_LABELS = {"upheld": _l("upheld: the sanction stands"),
                       "overturned": _l("overturned: the sanction was lifted"),
                       "lifted": _l("not needed: the sanction was lifted meanwhile")}


def appeals_by_sanction(sanction_ids):
    """``{sanction id: its latest appeal}`` for a page of sanctions, in one query."""
    if not sanction_ids:
        return {}
    found = {}
    for appeal in db.session.scalars(select(Appeal).where(
            Appeal.sanction_id.in_(sanction_ids)).order_by(Appeal.id)):
        found[appeal.sanction_id] = appeal
    return found


def appeal_of(sanction_id):
    """The appeal filed against a sanction, if any."""
    return db.session.scalar(select(Appeal).where(Appeal.sanction_id == sanction_id)
                             .order_by(Appeal.id.desc()).limit(1))


def waits_for_suspension(sanction, member, now):
    """True while ``member`` is suspended or closed and ``sanction`` is not the running
    suspension (or closure) itself: ACC-5 lets them appeal only that one for now, so their
    sanctions page offers no appeal form on the others (:func:`file_appeal` refuses it)."""
    from app.blueprints.moderation.enforcement import suspension_refusal

    if sanction.kind in RESTRICTING and is_active(sanction, now):
        return False
    return suspension_refusal(member, now) is not None


def file_appeal(sanction, appellant, body, *, now):
    """File ``appellant``'s appeal against their ``sanction`` and raise it on the queue,
    barred to the moderator who imposed it. Refused after 15 days, naming the day the window
    closed, and while suspended unless this is the suspension itself (the days of such a
    suspension do not count towards the 15: :func:`~.appeal_windows.appeal_deadline`)."""
    from app.i18n import format_datetime

    if sanction.user_id != appellant.id:
        raise ModerationError(_l("You can appeal only your own sanctions."))
    # The sanction locked and read as it is now: an appeal sent twice at once (a double tap)
    # waits for the first and is refused as a repeat, instead of both finding none (PostgreSQL).
    db.session.refresh(sanction, with_for_update=True)
    if not (sanction.kind in RESTRICTING and is_active(sanction, now)):
        check_can_act(appellant, now)
    if sanction.lifted_at is not None:
        raise ModerationError(_l("This sanction has already been lifted."))
    deadline = appeal_deadline(sanction, member_restriction_periods(appellant.id))
    if deadline is not None and now > deadline:
        raise ModerationError(_l("The time to appeal this sanction closed on %(date)s (15 days "
                                 "after it was imposed, not counting days your account was "
                                 "suspended or closed by another sanction).",
                                 date=format_datetime(deadline)))
    if appeal_of(sanction.id) is not None:
        raise ModerationError(_l("You have already appealed this sanction."))
    body = (body or "").strip()
    if not body:
        raise ModerationError(_l("Please say why the sanction should be lifted."),
                              field="body")
    if len(body) > BODY_MAX:
        raise ModerationError(Counts(_l("Please keep your appeal to %(n)d characters."),
                                     n=BODY_MAX), field="body")
    appeal = Appeal(sanction_id=sanction.id, appellant_id=appellant.id, body=body,
                    created_at=now)
    db.session.add(appeal)
    db.session.flush()
    queue.open_item("appeal", "sanction", sanction.id, now=now, subject_user_id=appellant.id,
                    source_id=appeal.id, summary=body[:300],
                    excluded_moderator_id=sanction.created_by_id)
    return appeal


def _appeal_and_sanction(item):
    sanction = db.session.get(Sanction, item.target_id)
    appeal = db.session.get(Appeal, item.source_id) if item.source_id else None
    if sanction is None or appeal is None:
        raise ModerationError(_l("This appeal no longer exists."))
    return appeal, sanction


def _reason(form):
    reason = (form.get("reason") or "").strip()
    if not reason:
        raise ModerationError(_l("Give the reason for the decision; the member will read it."),
                              field="reason")
    return reason[:2000]


def _uphold(item, moderator, form, *, now, ip):
    appeal, sanction = _appeal_and_sanction(item)
    if sanction.lifted_at is not None:
        raise ModerationError(_l("This sanction has already been lifted."))
    reason = _reason(form)
    appeal.decision = "upheld"
    notify_about(sanction.user, "appeal_upheld", target_type="sanction",
                 target_id=sanction.id, now=now,
                 facts={"sanction": sanction.kind, "reason": reason})
    return reason


def _overturn(item, moderator, form, *, now, ip):
    appeal, sanction = _appeal_and_sanction(item)
    reason = _reason(form)
    appeal.decision = "overturned"
    if sanction.lifted_at is None:
        lift(sanction, moderator, reason, now=now, ip=ip, tell=False, by_appeal=True)
    notify_about(sanction.user, "appeal_overturned", target_type="sanction",
                 target_id=sanction.id, now=now,
                 facts={"sanction": sanction.kind, "reason": reason})
    return reason


# The member reads the reason (``_reason`` refuses it empty): the keys wait for it.
register_action("appeal", Action("uphold", _l("Uphold the sanction"), _uphold,
                                 fields=("reason",), key="u",
                                 extra={"required": ("reason",)}))
register_action("appeal", Action("overturn", _l("Overturn and lift"), _overturn,
                                 fields=("reason",), key="o", style="danger",
                                 extra={"required": ("reason",)}))
