"""ACC-6 with CMP-6: traffic-log entries at least 90 days old are purged by the job and by
``flask traffic purge``, except the entries of a member named in an IP-address request that is
pending or approved and not closed; closing the request (by a moderator, or by the clock)
releases them to the next purge."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.ip_requests import decisions, filing
from app.blueprints.moderation import queue
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS, run_jobs
from app.models import IpRequest, ReviewItem, TrafficLogEntry
from app.traffic import purge_traffic_log

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _log(member_id, days_ago, now, ip="203.0.113.7"):
    db.session.add(TrafficLogEntry(at=now - timedelta(days=days_ago), member_id=member_id,
                                   ip=ip, method="POST", action="x", target="/x", status=200))


def _count(member_id=None):
    query = select(func.count(TrafficLogEntry.id))
    if member_id is not None:
        query = query.where(TrafficLogEntry.member_id == member_id)
    return db.session.scalar(query)


@pytest.fixture
def setting(make_member):
    """A victim, an accused and a bystander, each with a fresh and an old (120 days) entry,
    and an anonymous old entry."""
    now = utcnow()
    victim, accused, other = (make_member(display_name=n) for n in ("Victim", "Accused",
                                                                   "Other"))
    for member in (victim, accused, other):
        _log(member.id, 1, now)
        _log(member.id, 120, now)
    _log(None, 120, now)
    db.session.commit()
    return victim, accused, other


def _file(victim, accused):
    request = filing.file_request(victim, {
        "accused": accused.display_name, "case_number": "9/2569", "police_station": "Bang Rak",
        "incident_date": date.today() - timedelta(days=100),
        "description": "Paid, never received anything."}, ("r.pdf", PDF), now=utcnow())
    db.session.commit()
    return request


def test_acc6_entries_of_90_days_are_purged_without_requests(app, setting):
    now = utcnow()
    _log(None, 90, now + timedelta(seconds=1))  # exactly 90 days old
    _log(None, 89, now)
    db.session.commit()
    assert purge_traffic_log(now + timedelta(seconds=2), 90) == 5
    db.session.commit()
    assert _count() == 4  # three fresh entries and the 89-day one


def test_acc6_purge_holds_the_accused_while_a_request_is_pending(app, setting):
    victim, accused, other = setting
    _file(victim, accused)
    assert purge_traffic_log(utcnow(), 90) == 3  # victim's, bystander's, anonymous
    db.session.commit()
    assert _count(accused.id) == 2
    assert _count(victim.id) == 1 and _count(other.id) == 1


def test_acc6_hold_lasts_while_approved_and_ends_when_a_moderator_closes(app, setting,
                                                                        moderator):
    victim, accused, _other = setting
    request = _file(victim, accused)
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "ip_request"))
    queue.decide(item, moderator, "approve", {}, now=utcnow())
    db.session.commit()
    JOBS["purge-traffic"](app, utcnow())
    assert _count(accused.id) == 2
    decisions.close(request, moderator, now=utcnow())
    db.session.commit()
    JOBS["purge-traffic"](app, utcnow())
    assert _count(accused.id) == 1


def test_acc6_rejected_request_holds_nothing(app, setting, moderator):
    victim, accused, _other = setting
    _file(victim, accused)
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "ip_request"))
    queue.decide(item, moderator, "reject", {"reason": "No police report number on it."},
                 now=utcnow())
    db.session.commit()
    assert purge_traffic_log(utcnow(), 90) == 4
    assert _count(accused.id) == 1


def test_acc6_approved_request_closes_by_itself_and_the_jobs_purge_then(app, setting,
                                                                       moderator):
    """The schedule (``flask jobs run``) closes a request HOLD_DAYS after approval, then the
    purge removes what it held."""
    victim, accused, _other = setting
    request = _file(victim, accused)
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "ip_request"))
    queue.decide(item, moderator, "approve", {}, now=utcnow())
    db.session.commit()
    lines = []
    run_jobs(app, ["close-ip-requests", "purge-traffic"], echo=lines.append)
    assert lines[0] == "close-ip-requests: 0"
    assert _count(accused.id) == 2
    request.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    run_jobs(app, ["close-ip-requests", "purge-traffic"], echo=lines.append)
    assert lines[2:] == ["close-ip-requests: 1", "purge-traffic: 1"]
    assert db.session.get(IpRequest, request.id).status == "closed"
    assert _count(accused.id) == 1
    run_jobs(app, ["close-ip-requests", "purge-traffic"], echo=lines.append)
    assert lines[4:] == ["close-ip-requests: 0", "purge-traffic: 0"]  # twice changes nothing


def test_acc6_flask_traffic_purge_command_respects_the_hold(app, runner, setting, moderator):
    victim, accused, _other = setting
    request = _file(victim, accused)
    result = runner.invoke(args=["traffic", "purge"])
    assert "Purged 3 traffic-log entries." in result.output
    assert _count(accused.id) == 2
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "ip_request"))
    queue.decide(item, moderator, "approve", {}, now=utcnow())
    decisions.close(request, moderator, now=utcnow())
    db.session.commit()
    result = runner.invoke(args=["traffic", "purge", "--days", "30"])  # never below 90
    assert "Purged 1 traffic-log entries." in result.output
    assert _count(accused.id) == 1
