"""Login lockout per address (ACC-4): more than ``LOGIN_MAX_FAILURES`` failed log-ins from one IP
address within the window block log-ins from that address for ``LOGIN_BLOCK_MINUTES``.

Only the address is blocked, never the account, so an attacker cannot lock a member out from
the member's own network. An admin can lift a block early.
"""
import ipaddress
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models import LoginBlock, LoginFailure


def address_key(ip):
    """What is counted and blocked: the address, or for IPv6 its /64 network, since one
    household or attacker usually holds a whole /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:45]
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def active_block(ip, now):
    """The block in force for ``ip`` at ``now``, or None."""
    ip = address_key(ip)
    return db.session.scalar(
        select(LoginBlock).where(LoginBlock.ip == ip, LoginBlock.blocked_until > now,
                                 LoginBlock.lifted_at.is_(None))
        .order_by(LoginBlock.blocked_until.desc()).limit(1))


def record_failure(ip, email_tried, now):
    """Count a failed log-in; return the new block if this failure crossed the limit."""
    config = current_app.config
    ip = address_key(ip)
    db.session.add(LoginFailure(ip=ip, email_tried=email_tried[:254], at=now))
    db.session.flush()
    window_start = now - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    failures = db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.ip == ip, LoginFailure.at > window_start, LoginFailure.cleared.is_(False)))
    if failures <= config["LOGIN_MAX_FAILURES"]:
        return None
    block = active_block(ip, now)
    if block is None:
        block = LoginBlock(ip=ip, created_at=now, failures=failures,
                           blocked_until=now + timedelta(minutes=config["LOGIN_BLOCK_MINUTES"]))
        db.session.add(block)
    else:
        block.failures = failures
    db.session.flush()
    return block


def lift_block(block, admin, now, ip=""):
    """End ``block`` early and forget the failures that caused it (audited, MOD-10)."""
    from app.blueprints.moderation import audit

    lift_blocks_for(block.ip, now, admin)
    audit.record(admin, "login_block.lift", "login_block", block.id,
                 before={"ip": block.ip, "blocked_until": block.blocked_until},
                 after={"lifted_at": now}, now=now, ip=ip)


def purge_old_records(now, keep_days=30):
    """Job: forget failures and ended blocks older than ``keep_days``. Returns how many."""
    cutoff = now - timedelta(days=keep_days)
    failures = db.session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff)).rowcount
    blocks = db.session.execute(
        delete(LoginBlock).where(LoginBlock.blocked_until < cutoff)).rowcount
    return failures + blocks


def lift_blocks_for(ip, now, admin=None):
    """Lift every block in force on ``ip`` (the ``flask users lift-block`` command)."""
    lifted = 0
    while (block := active_block(ip, now)) is not None:
        block.lifted_at, block.lifted_by_id = now, admin.id if admin else None
        db.session.execute(update(LoginFailure).where(LoginFailure.ip == block.ip,
                                                      LoginFailure.at <= now)
                           .values(cleared=True))
        db.session.flush()
        lifted += 1
    return lifted


def current_blocks(now, limit=200):
    """Blocks in force now, newest first, for the admin page."""
    return db.session.scalars(
        select(LoginBlock).where(LoginBlock.blocked_until > now, LoginBlock.lifted_at.is_(None))
        .order_by(LoginBlock.created_at.desc()).limit(limit)).all()
