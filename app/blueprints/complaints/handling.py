"""Deciding a complaint (CMP-3, CMP-5): uphold it (each page it names is hidden, kept, and its
owner told why and how to answer), reject it (optionally as unfounded), or ask the complainant
for more. Hiding and restoring the pages themselves is in ``hiding``.

Services take ``now``, never commit and never read the request; e-mails are queued in the
transaction and leave after commit."""
from flask_babel import lazy_gettext as _l

from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.complaints.hiding import hide_target, title_of
from app.blueprints.moderation import audit
from app.extensions import db
from app.models import User
from app.models.complaints import ComplaintEvent
from app.notifications import SUBJECTS, TEXTS, register_link

TEXTS.update({
    "complaint_upheld": _l(
        "Publication of “%(title)s” is suspended: a complaint about it was upheld. Reason: "
        "%(reason)s Rule: %(rule)s. You may correct it, or send one counter-statement with "
        "evidence from the page this notice links to."),
    "complaint_restored": _l(
        "“%(title)s” is published again: a moderator accepted your counter-statement."),
    "complaint_restored_held": _l(
        "A moderator accepted your counter-statement about “%(title)s”, but it stays "
        "suspended: another upheld complaint about it is still in force."),
    "complaint_restored_gone": _l(
        "A moderator accepted your counter-statement about “%(title)s”, but it is not "
        "published again: you deleted it."),
    "complaint_kept": _l(
        "“%(title)s” stays suspended: a moderator read your counter-statement and kept the "
        "decision. %(reason)s"),
})
SUBJECTS.update({
    "complaint_upheld": _l("“%(title)s” is suspended after a complaint"),
    "complaint_restored": _l("“%(title)s” is published again"),
    "complaint_restored_held": _l("Your counter-statement about “%(title)s” was accepted"),
    "complaint_restored_gone": _l("Your counter-statement about “%(title)s” was accepted"),
    "complaint_kept": _l("“%(title)s” stays suspended"),
})
MAX_TEXT = 2000
#: The rule broken is stored in this many characters (``Complaint.rule``, ``Sanction.rule``).
MAX_RULE = 16


def _counter_link(target_id, external=False):
    from flask import url_for

    from app.urls import external_url

    if external:
        return external_url("complaints.counter", target_id=target_id)
    return url_for("complaints.counter", target_id=target_id)


register_link("complaint_target", _counter_link)


def add_event(complaint, step, note="", *, now, actor=None, internal=False):
    """One step on the complaint's status page."""
    event = ComplaintEvent(complaint_id=complaint.id, step=step, note=note or "", at=now,
                           internal=internal, actor_id=actor.id if actor is not None else None)
    db.session.add(event)
    return event


def _text(value, field, message):
    text = (value or "").strip()
    if not text:
        raise ComplaintError(message, field=field)
    return text[:MAX_TEXT]


def _check_open(complaint):
    if complaint.status != "received":
        raise ComplaintError(_l("This complaint is not waiting for a decision."))


def _decided(complaint, moderator, status, reason, now):
    before = {"status": complaint.status}
    complaint.status, complaint.decided_at = status, now
    complaint.decided_by_id = moderator.id
    complaint.decision_reason = reason
    return before


def uphold(complaint, moderator, reason, rule, *, now, ip=""):
    """Uphold: every page named is hidden, each owner is told the reason, the rule and how to
    answer; the complainant is told the outcome (CMP-5); CMP-4 may suspend an owner."""
    from app.blueprints.complaints import outcome, repeat
    from app.notifications import notify_about

    _check_open(complaint)
    reason = _text(reason, "reason", _l("Give the reason the owner and complainant will read."))
    rule = _text(rule, "rule", _l("Name the rule the content breaks (for example SHOP-4)."))
    if len(rule) > MAX_RULE:
        raise ComplaintError(_l("Name the rule by its code, in at most %(num)d characters (for "
                                "example SHOP-4); explain the rest in the reason.",
                                num=MAX_RULE), field="rule")
    before = _decided(complaint, moderator, "upheld", reason, now)
    complaint.rule = rule
    owners = {}
    # Pages are locked in one order (hiding.target_object) so two upholds never deadlock.
    for target in sorted(complaint.targets, key=lambda t: (t.target_type, t.target_id)):
        obj = hide_target(target, moderator, now=now, ip=ip)
        owner = db.session.get(User, target.owner_id) if target.owner_id else None
        if owner is None:
            continue
        owners[owner.id] = owner
        notify_about(owner, "complaint_upheld", target_type="complaint_target",
                     target_id=target.id, now=now,
                     facts={"title": title_of(obj) if obj is not None else target.url,
                            "reason": reason, "rule": rule})
    add_event(complaint, "upheld", reason, now=now, actor=moderator)
    audit.record(moderator, "complaint.uphold", "complaint", complaint.id, before=before,
                 after={"status": "upheld", "rule": rule}, note=reason, now=now, ip=ip)
    outcome.tell_complainant(complaint)
    db.session.flush()
    for owner in owners.values():
        repeat.suspend_if_repeated(owner, moderator, now=now, ip=ip)
    return complaint


def reject(complaint, moderator, reason, *, unfounded=False, now, ip=""):
    """Reject with a reason; ``unfounded`` counts towards restricting the complainant."""
    from app.blueprints.complaints import outcome

    _check_open(complaint)
    reason = _text(reason, "reason", _l("Give the reason the complainant will read."))
    before = _decided(complaint, moderator, "rejected", reason, now)
    complaint.unfounded = bool(unfounded)
    add_event(complaint, "rejected", reason, now=now, actor=moderator)
    audit.record(moderator, "complaint.reject", "complaint", complaint.id, before=before,
                 after={"status": "rejected", "unfounded": complaint.unfounded}, note=reason,
                 now=now, ip=ip)
    outcome.tell_complainant(complaint)
    return complaint


def ask_for_more(complaint, moderator, question, *, now, ip=""):
    """Ask the complainant for more: the complaint waits (``needs_info``) until they answer
    on the status page, which opens a queue item again."""
    from app.blueprints.complaints import outcome

    _check_open(complaint)
    question = _text(question, "question", _l("Write the question for the complainant."))
    complaint.status = "needs_info"
    add_event(complaint, "info_requested", question, now=now, actor=moderator)
    audit.record(moderator, "complaint.ask", "complaint", complaint.id,
                 before={"status": "received"}, after={"status": "needs_info"}, note=question,
                 now=now, ip=ip)
    outcome.ask_complainant(complaint, question)
    return complaint
