"""The audit log browser for admins (MOD-10): every moderator and admin action, newest first,
filterable by actor, action, target and dates, with the values before and after."""
from datetime import datetime, time, timedelta, timezone

from flask import request
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.blueprints.accounts.services import name_search_key
from app.blueprints.moderation import audit, audit_words, bp
from app.extensions import db
from app.forms import strip_control_characters
from app.htmx import render_page_or_fragment
from app.models import AuditEntry, User
from app.permissions import is_admin, require
from app.urls import MAX_ID

PAGE_SIZE = 50
BANGKOK = timezone(timedelta(hours=7))


def _id(value):
    """An id typed in the filters, or None when it cannot be one."""
    return value if value is not None and 0 <= value <= MAX_ID else None


def _date(text, end=False):
    """A Bangkok calendar date as the UTC instant it starts (or ends, with ``end``)."""
    try:
        day = datetime.strptime(text or "", "%Y-%m-%d").date()
        moment = datetime.combine(day + timedelta(days=1) if end else day, time(), BANGKOK)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        # (A date the calendar's edge cannot hold, 0001-01-01 or 9999-12-31: no bound.)
        return None


def _text(args, name, most):
    """A filter as typed, without control characters (PostgreSQL refuses a NUL)."""
    return strip_control_characters(args.get(name, "")).strip()[:most]


def _filters(args):
    return {"actor": _text(args, "actor", 40), "action": _text(args, "action", 40),
            "target_type": _text(args, "target_type", 16),
            "target_id": _id(args.get("target_id", type=int)),
            "since": args.get("since", "")[:10], "until": args.get("until", "")[:10],
            "before": _id(args.get("before", type=int))}


def _query(filters):
    query = select(AuditEntry).options(selectinload(AuditEntry.actor))
    if filters["actor"]:
        actor = filters["actor"]
        # The name as display names are told apart (any letter case, Thai SARA AM, spaces).
        ids = select(User.id).where(or_(User.display_name_key == name_search_key(actor),
                                        User.email == actor.lower()))
        query = query.where(AuditEntry.actor_id.in_(ids))
    if filters["action"]:
        prefixes = audit_words.group_prefixes(filters["action"]) or [filters["action"]]
        query = query.where(or_(*(AuditEntry.action.startswith(prefix, autoescape=True)
                                  for prefix in prefixes)))
    if filters["target_type"]:
        query = query.where(AuditEntry.target_type == filters["target_type"])
    if filters["target_id"] is not None:
        query = query.where(AuditEntry.target_id == filters["target_id"])
    since, until = _date(filters["since"]), _date(filters["until"], end=True)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    if filters["before"]:
        query = query.where(and_(AuditEntry.id < filters["before"]))
    return query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1)


@bp.route("/audit")
@require(is_admin)
def audit_log():
    """The audit log, newest first, 50 entries a page (keyset on the entry id)."""
    filters = _filters(request.args)
    entries = db.session.scalars(_query(filters)).all()
    following = entries[PAGE_SIZE - 1].id if len(entries) > PAGE_SIZE else None
    entries = entries[:PAGE_SIZE]
    words = audit_words.ValueWords(entries)
    rows = [(e, words.values(e, audit.values(e, "before")),
             words.values(e, audit.values(e, "after"))) for e in entries]
    args = {k: v for k, v in filters.items() if v not in ("", None) and k != "before"}
    target_names, field_names = audit_words.names()
    return render_page_or_fragment("moderation/audit_log.html", "moderation/_audit_rows.html",
                                   rows=rows, filters=filters, following=following, args=args,
                                   target_names=target_names, field_names=field_names,
                                   action_of=words.action, note=audit_words.note,
                                   action_choices=audit_words.action_choices(filters["action"]))


