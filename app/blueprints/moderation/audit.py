"""The append-only audit log (MOD-10): every moderator and admin action is one entry with
the values before and after. Entries are only ever added; nothing here updates or deletes."""
import json

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEntry


def _json(values):
    return json.dumps(values or {}, ensure_ascii=False, sort_keys=True, default=str)


def record(actor, action, target_type, target_id, *, before=None, after=None, note="", now,
           ip=""):
    """Add one audit entry: ``actor`` (a member, or None for the system) did ``action``
    (``sign.hang``, ``sanction.add``, ...) to the target; ``before``/``after`` are dicts of the
    fields that changed."""
    entry = AuditEntry(actor_id=actor.id if actor is not None else None, action=action,
                       target_type=target_type, target_id=target_id, before=_json(before),
                       after=_json(after), note=note or "", at=now, ip=ip or "")
    db.session.add(entry)
    return entry


def values(entry, side):
    """The before (``side="before"``) or after values of ``entry`` as a dict."""
    try:
        return json.loads(getattr(entry, side) or "{}")
    except ValueError:
        return {}


def guard_append_only(session, _context, _instances):
    """Refuse to flush a changed or deleted audit entry: the log is append-only."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("the audit log is append-only")


event.listen(Session, "before_flush", guard_append_only)
