"""Deciding and closing IP-address requests, and releasing the addresses (CMP-6, ACC-6).

Approval sets the period released. By default it starts 30 days before the incident date
(the accused usually set up the listing or the conversation in the weeks before) and ends at
the decision (anything the accused did since, such as logging in again, helps the police too);
the traffic log holds nothing older than its retention anyway. A moderator can narrow or widen
it. An approved request closes by itself ``HOLD_DAYS`` after approval, or earlier when a
moderator closes it; closing ends the release and the hold on the accused's traffic log.

Only moderators and the requester see a request; the addresses only while it is approved.
Every showing of them is one audit entry naming what was shown (MOD-10).
"""
from datetime import datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.blueprints.ip_requests.errors import IpRequestError
from app.blueprints.moderation import audit
from app.extensions import db
from app.i18n import BANGKOK
from app.models import IpRequest, TrafficLogEntry
from app.notifications import notify_about
from app.permissions import can_moderate, is_member
from app.typed_dates import UNREADABLE_DATE, read_typed_date

DAYS_BEFORE_INCIDENT = 30
HOLD_DAYS = 30


def _bangkok_start(day):
    return datetime.combine(day, time.min, tzinfo=BANGKOK).astimezone(timezone.utc)


def parse_day(text, field):
    """A date typed in the queue, or None when blank: day/month/year as Thai moderators write
    it, or year-month-day; Thai digits count as digits, and a Buddhist-era year (2569) is
    taken as its Christian-era year (2026) (:func:`app.typed_dates.read_typed_date`)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = read_typed_date(text)
    except ValueError:
        raise IpRequestError(UNREADABLE_DATE, field=field) from None
    if not 2000 <= day.year <= 2100:
        raise IpRequestError(_l("Give a date between the years 2000 and 2100."), field=field)
    return day


def default_period(request, now):
    """From 30 days before the incident date (Bangkok midnight) to ``now``."""
    start = _bangkok_start(request.incident_date - timedelta(days=DAYS_BEFORE_INCIDENT))
    return start, now


def _check_pending(request, moderator):
    if request.status != "pending":
        raise IpRequestError(_l("This request has already been decided."))
    if moderator.id in (request.requester_id, request.accused_id):
        raise IpRequestError(_l("You filed this request or it names you; another moderator "
                                "must decide it."))


def _notify(request, outcome, now):
    notify_about(request.requester, f"ip_request_{outcome}", target_type="ip_request",
                 target_id=request.id,
                 facts={"case": request.case_number, "note": request.reason}, now=now)


def approve(request, moderator, *, now, first_day=None, last_day=None, reason="", ip=""):
    """Approve: the addresses of ``first_day`` … ``last_day`` (Bangkok dates; defaults in the
    module docstring) become visible to the requester and the moderators."""
    _check_pending(request, moderator)
    start, end = default_period(request, now)
    if first_day is not None:
        start = _bangkok_start(first_day)
    if last_day is not None:
        end = min(now, _bangkok_start(last_day + timedelta(days=1)))
    if start >= end:
        raise IpRequestError(_l("The period released must start before it ends, and not in "
                                "the future."))
    request.status = "approved"
    request.decided_by_id = moderator.id
    request.decided_at = now
    request.reason = (reason or "").strip()
    request.period_from, request.period_to = start, end
    request.closes_at = now + timedelta(days=HOLD_DAYS)
    audit.record(moderator, "ip_request.approve", "ip_request", request.id,
                 before={"status": "pending"},
                 after={"status": "approved", "period_from": start, "period_to": end,
                        "closes_at": request.closes_at}, note=request.reason, now=now, ip=ip)
    _notify(request, "approved", now)
    return request


def reject(request, moderator, *, reason, now, ip=""):
    """Reject, with the reason the requester reads; nothing is ever released for it."""
    _check_pending(request, moderator)
    reason = (reason or "").strip()
    if not reason:
        raise IpRequestError(_l("Write the reason the requester will read."), field="reason")
    request.status = "rejected"
    request.decided_by_id = moderator.id
    request.decided_at = now
    request.reason = reason
    audit.record(moderator, "ip_request.reject", "ip_request", request.id,
                 before={"status": "pending"}, after={"status": "rejected"}, note=reason,
                 now=now, ip=ip)
    _notify(request, "rejected", now)
    return request


def close(request, moderator, *, now, note="", ip=""):
    """Close an approved request (``moderator`` None: closed by the clock): the addresses are
    no longer shown and the accused's traffic log is no longer held (ACC-6)."""
    if request.status != "approved":
        raise IpRequestError(_l("Only an approved request can be closed."))
    if moderator is not None and moderator.id in (request.requester_id, request.accused_id):
        raise IpRequestError(_l("You filed this request or it names you; another moderator "
                                "must decide it."))
    request.status = "closed"
    request.closed_at = now
    request.closed_by_id = moderator.id if moderator is not None else None
    audit.record(moderator, "ip_request.close", "ip_request", request.id,
                 before={"status": "approved"}, after={"status": "closed"}, note=note,
                 now=now, ip=ip)
    if moderator is not None:  # before its time: the requester loses the addresses early
        _notify(request, "closed", now)
    return request


def close_due(now):
    """Job: close approved requests whose time is up. Returns how many."""
    due = db.session.scalars(select(IpRequest).where(
        IpRequest.status == "approved", IpRequest.closes_at <= now)
        .order_by(IpRequest.id)).all()
    for request in due:
        close(request, None, now=now, note="automatic")  # (audit_words.note)
    return len(due)


def may_see(user, request):
    """Moderators and the requester see a request; nobody else (not even the accused, be
    they a moderator)."""
    return is_member(user) and user.id != request.accused_id and (
        can_moderate(user) or user.id == request.requester_id)


def may_see_addresses(user, request, now):
    """The addresses are shown only on an approved request before it closes: at
    ``closes_at`` by the clock, even if the closing job has not run yet."""
    return (may_see(user, request) and request.status == "approved"
            and (request.closes_at is None or now < request.closes_at))


def addresses(request):
    """The accused's distinct addresses in the period: ``[(ip, first_seen, last_seen,
    count)]``, most recently seen first. The caller writes the entries its worker still
    holds first (:func:`app.traffic.flush_traffic_log`), before this transaction begins."""
    rows = db.session.execute(
        select(TrafficLogEntry.ip, func.min(TrafficLogEntry.at), func.max(TrafficLogEntry.at),
               func.count(TrafficLogEntry.id))
        .where(TrafficLogEntry.member_id == request.accused_id,
               TrafficLogEntry.at >= request.period_from, TrafficLogEntry.at < request.period_to)
        .group_by(TrafficLogEntry.ip)
        .order_by(func.max(TrafficLogEntry.at).desc())).all()
    return [tuple(row) for row in rows]


def release(request, viewer, *, now, ip=""):
    """The addresses, for ``viewer`` who may see them, with the audit entry of this showing."""
    if not may_see_addresses(viewer, request, now):
        raise IpRequestError(_l("The addresses are not available for this request."))
    found = addresses(request)
    audit.record(viewer, "ip_request.release", "ip_request", request.id,
                 after={"ips": [row[0] for row in found], "period_from": request.period_from,
                        "period_to": request.period_to, "viewer": viewer.role
                        if viewer.id != request.requester_id else "requester"},
                 now=now, ip=ip)
    return found
