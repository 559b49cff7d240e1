"""The owner's answer to an upheld complaint (CMP-3): once per hidden page, a statement and
evidence files; a moderator then restores the page or keeps it hidden, and the owner (and, on
restore, the complainant) is told. A restore may end the owner's CMP-4 suspension."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.complaints import handling, hiding, outcome, repeat
from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.moderation import audit, queue
from app.extensions import db
from app.i18n import Counts
from app.models import User
from app.models.complaints import Complaint, CounterStatement
from app.notifications import notify_about

MAX_BODY = 5000


def statement_of(target):
    """The counter-statement already sent about ``target``, or None."""
    return db.session.scalar(select(CounterStatement).where(
        CounterStatement.target_id == target.id))


def may_counter(user, target):
    """Only the page's owner, while it is hidden by an upheld complaint, and only once."""
    return (user is not None and user.is_authenticated and target.owner_id == user.id
            and target.outcome == "hidden" and statement_of(target) is None)


def file_counter(target, author, body, files=(), *, now, held=()):
    """Record the owner's counter-statement with its evidence (``files``, and those ``held``
    from an earlier try of the form) and raise a queue item."""
    if not may_counter(author, target):
        raise ComplaintError(_l("You can answer only once, about your own page, while it is "
                                "suspended."))
    body = (body or "").strip()
    if not body:
        raise ComplaintError(_l("Write your counter-statement."), field="body")
    if len(body) > MAX_BODY:
        raise ComplaintError(Counts(_l("A counter-statement takes up to %(num)d characters."),
                                    num=MAX_BODY), field="body")
    complaint = db.session.get(Complaint, target.complaint_id)
    statement = CounterStatement(complaint_id=complaint.id, target_id=target.id,
                                 author_id=author.id, body=body, created_at=now)
    db.session.add(statement)
    db.session.flush()
    if files or held:
        from app.blueprints.complaints.evidence import store_evidence

        store_evidence(complaint, files, counter_statement=statement, held=held, now=now)
    handling.add_event(complaint, "counter_statement", now=now, actor=author)
    # Review items' target_type holds 16 characters: "counter" names a counter-statement.
    queue.open_item("counter_statement", "counter", statement.id, now=now,
                    subject_user_id=author.id, source_id=complaint.id, summary=body[:300])
    return statement


def _step_note(target, reason):
    """A decision's step names its page, then the moderator's reason: a complaint may name
    several pages, each answered and decided on its own (CMP-5)."""
    return f"{target.url}\n{reason}" if reason else target.url


def decide(statement, moderator, decision, reason, *, now, ip=""):
    """``restored``: the page is published again (unless another upheld complaint still
    hides it, or its owner deleted it), owner and complainant told; ``kept``: it stays hidden
    (a reason is required), the owner told."""
    if statement.decision:
        raise ComplaintError(_l("This counter-statement has already been decided."))
    reason = (reason or "").strip()[:2000]
    if decision == "kept" and not reason:
        raise ComplaintError(_l("Give the owner the reason the page stays hidden."),
                             field="reason")
    complaint = db.session.get(Complaint, statement.complaint_id)
    target = statement.target
    owner = db.session.get(User, statement.author_id)
    statement.decision, statement.decided_at = decision, now
    if decision == "restored":
        obj = hiding.restore_target(target, moderator, now=now, ip=ip)
        # The owner deleted the page while it was hidden: nothing is published again, and
        # owner and complainant are told that, not "published again" (CMP-5).
        gone = statement.gone = hiding.page_gone(target.target_type, obj)
        # Another upheld complaint may still hide the page: owner and complainant are told
        # so, not that it is published again (CMP-5).
        held = not gone and hiding.hidden_by_complaint(target.target_type, target.target_id)
        if gone:
            target.held_by_other = False  # a deleted page is never released: none to wait for
        step = "restored_gone" if gone else "restored_held" if held else "restored"
        handling.add_event(complaint, step, _step_note(target, reason), now=now,
                           actor=moderator)
        outcome.tell_restored(complaint, target, held=held, gone=gone)
        if not held:
            # The last hold lifted: complainants told "stays suspended for now" hear of it
            # (that the page is published again, or that its owner deleted it).
            outcome.tell_released(target, now=now, actor=moderator, gone=gone)
        kind = ("complaint_restored_gone" if gone else
                "complaint_restored_held" if held else "complaint_restored")
    else:
        target.outcome = "kept"
        obj = hiding.target_object(target)
        handling.add_event(complaint, "kept_hidden", _step_note(target, reason), now=now,
                           actor=moderator)
        kind = "complaint_kept"
    audit.record(moderator, f"complaint.{decision}", "counter", statement.id,
                 before={"decision": ""}, after={"decision": decision,
                                                 "outcome": target.outcome},
                 note=reason, now=now, ip=ip)
    notify_about(owner, kind, target_type="complaint_target", target_id=target.id, now=now,
                 facts={"title": hiding.title_of(obj) if obj is not None else target.url,
                        "reason": reason})
    if decision == "restored":
        # CMP-4: the restored page no longer counts; a suspension it helped cause may end.
        db.session.flush()
        statement.lifted = repeat.lift_if_no_longer_repeated(owner, moderator, now=now, ip=ip)
    return statement
