"""Traffic log (ACC-6): record every state-changing request; purge past the retention period."""
from datetime import timedelta

import click
from flask import current_app, g, request
from flask.cli import AppGroup
from flask_login import current_user
from sqlalchemy import delete, or_, select

from app.config import MIN_TRAFFIC_RETENTION_DAYS
from app.database import utcnow
from app.extensions import db
from app.forms import strip_control_characters
from app.models import IpRequest, TrafficLogEntry
from app.models.ip_requests import HOLDING_STATUSES
from app.net import client_ip
from app.traffic_writer import init_writer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _member_id():
    try:
        if current_user and current_user.is_authenticated:
            return current_user.id
    except Exception:  # a broken session must not stop the record being written
        return None
    return None


def remember_member():
    """before_request: note who made a state-changing request before the view runs
    (a log-out ends the session, but the record still names the member)."""
    if request.method not in SAFE_METHODS:
        g.traffic_member_before = _member_id()


#: URL parts that are secrets (reset tokens, later tracking codes): never written to the log.
SENSITIVE_ARGS = ("token", "code")


def record_refusal():
    """A view answering 429 itself (a log-in refused during an address block, ACC-4) asks for
    its request to be recorded: unlike a throttled flood, it is an attempt on an account."""
    g.traffic_record_refusal = True


def note_target_member(member_id):
    """Name the member a request acts on (the account a log-in attempt names) in its target."""
    g.traffic_target_member = member_id


def _target():
    """The request's path, with secret URL parts masked and no query string, and the member
    it acts on when the view named one."""
    path = request.path
    for name in SENSITIVE_ARGS:
        value = (request.view_args or {}).get(name)
        if value:
            path = path.replace(str(value), "[hidden]")
    member_id = g.get("traffic_target_member")
    if member_id is not None:
        path = f"{path} (member {int(member_id)})"
    return path[:500]


def record_request(response):
    """after_request: append one entry for a state-changing request, whatever its outcome.

    With a batch writer (``TRAFFIC_LOG_FLUSH_SECONDS`` > 0, the default) the row is handed to
    it; otherwise anything the view left uncommitted is discarded first (it would be at
    teardown anyway) and the row is committed at once, even when the request failed.
    """
    if request.method in SAFE_METHODS or (
            response.status_code == 429 and not g.get("traffic_record_refusal")):
        # A request the limiter throttled changed nothing, and a flood must not fill the log;
        # a view's own 429 (a blocked log-in attempt) is recorded (ACC-4, ACC-6).
        return response
    row = dict(
        at=utcnow(),
        member_id=_member_id() or g.get("traffic_member_before"),
        ip=strip_control_characters(client_ip())[:45],
        method=request.method[:8],
        action=(request.endpoint or "unknown")[:100],
        target=strip_control_characters(_target()),
        status=response.status_code,
        user_agent=strip_control_characters(request.user_agent.string or "")[:255],
    )
    writer = current_app.extensions.get("traffic_writer")
    if writer is not None:
        writer.add(row)
        return response
    try:
        db.session.rollback()
        db.session.add(TrafficLogEntry(**row))
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not write the traffic log")
    return response


def flush_traffic_log(app):
    """Write the entries the batch writer still holds (before reading or purging the log)."""
    writer = app.extensions.get("traffic_writer")
    return writer.flush() if writer is not None else 0


def held_member_ids():
    """The members whose entries are held back from the purge: those named as the accused in
    an IP-address request that is pending, or approved and not yet closed (CMP-6, ACC-6)."""
    return select(IpRequest.accused_id).where(IpRequest.status.in_(HOLDING_STATUSES))


def purge_traffic_log(now, retention_days):
    """Delete entries older than the retention period, never fewer than 90 days, except the
    entries of members under an open IP-address request (kept until it closes). Returns
    count."""
    days = max(MIN_TRAFFIC_RETENTION_DAYS, int(retention_days))
    cutoff = now - timedelta(days=days)
    not_held = or_(TrafficLogEntry.member_id.is_(None),
                   TrafficLogEntry.member_id.not_in(held_member_ids()))
    result = db.session.execute(delete(TrafficLogEntry).where(TrafficLogEntry.at < cutoff,
                                                              not_held))
    return result.rowcount


traffic_cli = AppGroup("traffic", help="Traffic log maintenance.")


@traffic_cli.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (at least 90).")
def purge_command(days):
    """Delete traffic-log entries older than the retention period."""
    retention = days if days is not None else current_app.config["TRAFFIC_RETENTION_DAYS"]
    if retention < MIN_TRAFFIC_RETENTION_DAYS:
        click.echo(f"Retention below {MIN_TRAFFIC_RETENTION_DAYS} days is not allowed; "
                   f"using {MIN_TRAFFIC_RETENTION_DAYS}.", err=True)
    flush_traffic_log(current_app)
    count = purge_traffic_log(utcnow(), retention)
    db.session.commit()
    click.echo(f"Purged {count} traffic-log entries.")


def init_traffic_log(app):
    """Install the request hooks and the CLI group."""
    app.extensions["traffic_writer"] = init_writer(app)
    app.before_request(remember_member)
    app.after_request(record_request)
    app.cli.add_command(traffic_cli)
