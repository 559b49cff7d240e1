"""Deciding a complaint (CMP-3, CMP-5): uphold it (each page it names is hidden, kept, and its
owner told why and how to answer), reject it (optionally as unfounded), or ask the complainant
for more. Hiding and restoring a page go through here too, for the counter-statements.

Services take ``now``, never commit and never read the request; e-mails are queued in the
transaction and leave after commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.moderation import audit
from app.database import after_commit
from app.extensions import db
from app.models import Auction, AuditEntry, Listing, Shop, User
from app.models.complaints import ComplaintEvent, ComplaintTarget
from app.notifications import TEXTS, register_link

TEXTS.update({
    "complaint_upheld": _l(
        "Publication of “%(title)s” is suspended: a complaint about it was upheld. Reason: "
        "%(reason)s Rule: %(rule)s. You may correct it, or send one counter-statement with "
        "evidence from the page this notice links to."),
    "complaint_restored": _l(
        "“%(title)s” is published again: a moderator accepted your counter-statement."),
    "complaint_kept": _l(
        "“%(title)s” stays suspended: a moderator read your counter-statement and kept the "
        "decision. %(reason)s"),
})
MODELS = {"listing": Listing, "auction": Auction, "shop": Shop}
MAX_TEXT = 2000


def _counter_link(target_id, external=False):
    from flask import url_for

    from app.urls import external_url

    if external:
        return external_url("complaints.counter", target_id=target_id)
    return url_for("complaints.counter", target_id=target_id)


register_link("complaint_target", _counter_link)


def target_object(target):
    """The listing, auction or shop a complaint target names (None if gone)."""
    return db.session.get(MODELS[target.target_type], target.target_id)


def title_of(obj):
    """A page's name for notices."""
    return getattr(obj, "title", None) or getattr(obj, "name", "") or ""


def add_event(complaint, step, note="", *, now, actor=None, internal=False):
    """One step on the complaint's status page."""
    event = ComplaintEvent(complaint_id=complaint.id, step=step, note=note or "", at=now,
                           internal=internal, actor_id=actor.id if actor is not None else None)
    db.session.add(event)
    return event


def _clear_page_cache():
    from app.pagecache import pages

    after_commit(db.session, pages.clear)


def _tell_open_pages(obj, target_type):
    """An auction's open pages redraw their live panel (halted while hidden) after commit."""
    if target_type != "auction":
        return
    from app.live import publish_after_commit

    obj.version += 1
    publish_after_commit(f"auction:{obj.id}", {"version": obj.version})


def _hidden_status_before(listing_id):
    """The status a listing goes back to when complaints stop hiding it: ``restore_to`` in
    the newest ``complaint.hide`` audit entry (the status before the first of several
    complaints hid it)."""
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "complaint.hide", AuditEntry.target_type == "listing",
        AuditEntry.target_id == listing_id).order_by(AuditEntry.id.desc()).limit(1))
    if entry is None:
        return None
    return audit.values(entry, "after").get("restore_to") or audit.values(
        entry, "before").get("status")


def _hide(obj, target_type, now, hidden_elsewhere=False):
    if target_type == "listing":
        before = {"status": obj.status}
        restore_to = obj.status
        if hidden_elsewhere and obj.status == "hidden":
            # Another upheld complaint hid it first: keep what that one will restore.
            restore_to = _hidden_status_before(obj.id) or obj.status
        if obj.status not in ("hidden", "deleted"):
            obj.status, obj.updated_at = "hidden", now
        return before, {"status": obj.status, "restore_to": restore_to}
    before = {"hidden_at": obj.hidden_at}
    obj.hidden_at = obj.hidden_at or now
    _tell_open_pages(obj, target_type)
    return before, {"hidden_at": obj.hidden_at}


def _show(obj, target_type):
    if target_type == "listing":
        before = {"status": obj.status}
        previous = _hidden_status_before(obj.id) or "active"
        if obj.status == "hidden" and previous != "hidden":
            if previous in ("active", "sold_out"):
                previous = "active" if obj.quantity > 0 else "sold_out"
            obj.status = previous
        return before, {"status": obj.status}
    before = {"hidden_at": obj.hidden_at}
    obj.hidden_at = None
    _tell_open_pages(obj, target_type)
    return before, {"hidden_at": None}


def hide_target(target, moderator, *, now, ip=""):
    """Suspend publication of the target's page (kept, not deleted); audited."""
    obj = target_object(target)
    target.outcome, target.hidden_at = "hidden", now
    if obj is None:
        return None
    before, after = _hide(obj, target.target_type, now, _still_hidden_elsewhere(target))
    audit.record(moderator, "complaint.hide", target.target_type, obj.id, before=before,
                 after=after, note=f"complaint #{target.complaint_id}", now=now, ip=ip)
    _clear_page_cache()
    return obj


def _still_hidden_elsewhere(target):
    return db.session.scalar(select(ComplaintTarget.id).where(
        ComplaintTarget.target_type == target.target_type,
        ComplaintTarget.target_id == target.target_id, ComplaintTarget.id != target.id,
        ComplaintTarget.outcome.in_(("hidden", "kept"))).limit(1)) is not None


def restore_target(target, moderator, *, now, ip=""):
    """Publish the page again (unless another upheld complaint still hides it); audited."""
    obj = target_object(target)
    target.outcome, target.restored_at = "restored", now
    if obj is None or _still_hidden_elsewhere(target):
        return obj
    before, after = _show(obj, target.target_type)
    audit.record(moderator, "complaint.restore", target.target_type, obj.id, before=before,
                 after=after, note=f"complaint #{target.complaint_id}", now=now, ip=ip)
    _clear_page_cache()
    return obj


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
    rule = _text(rule, "rule", _l("Name the rule the content breaks (for example SHOP-4)."))[:16]
    before = _decided(complaint, moderator, "upheld", reason, now)
    complaint.rule = rule
    owners = {}
    for target in complaint.targets:
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


def hidden_notice(target_type, target_id):
    """For the owner's banner: the newest complaint target hiding this page, or None."""
    return db.session.scalar(select(ComplaintTarget).where(
        ComplaintTarget.target_type == target_type, ComplaintTarget.target_id == target_id,
        ComplaintTarget.outcome.in_(("hidden", "kept")))
        .order_by(ComplaintTarget.id.desc()).limit(1))

