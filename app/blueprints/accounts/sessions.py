"""Log-in sessions kept on the server, so that logging out really ends a session and a
password reset ends them all. The browser holds only a random token; we store its hash."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, delete, select, update

from app.extensions import db
from app.models import LoginSession, User

#: Idle sessions are extended at most this often, to avoid a write on every request.
SLIDE_EVERY = timedelta(minutes=5)


def token_hash(token):
    """The stored form of a session or reset token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user, *, remember, ip, user_agent, now, device=""):
    """Create a session for ``user`` and return the token the browser keeps."""
    token = secrets.token_urlsafe(32)
    config = current_app.config
    lifetime = (config["PERMANENT_SESSION_LIFETIME"] if remember
                else timedelta(hours=config["SESSION_IDLE_HOURS"]))
    db.session.add(LoginSession(
        token_hash=token_hash(token), user_id=user.id, remember=remember, created_at=now,
        last_seen_at=now, expires_at=now + lifetime, ip=ip[:45], user_agent=user_agent[:255],
        device=device[:64]))
    db.session.flush()
    return token


@dataclass(frozen=True)
class LiveSession:
    """What a request needs of its log-in session."""

    id: int
    user: User
    remember: bool
    last_seen_at: datetime
    expires_at: datetime


def load_session(token, now):
    """The :class:`LiveSession` for ``token``, or None when there is none or it expired."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(_by_token(), {"token_hash": token_hash(token)}).first()
    if row is None or row.expires_at <= now:
        return None
    return LiveSession(row.id, row.User, row.remember, row.last_seen_at, row.expires_at)


@cache
def _by_token():
    """The session lookup every member's request makes, built once per process: the member
    and only the session's columns the request needs (loading the session as an entity
    too cost about as much as the query)."""
    return (select(User, LoginSession.id, LoginSession.remember, LoginSession.last_seen_at,
                   LoginSession.expires_at)
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.token_hash == bindparam("token_hash")))


def slide_due(login, now):
    """True when an idle-expiring session should have its expiry pushed back."""
    return not login.remember and now - login.last_seen_at > SLIDE_EVERY


def slide_statement(login_id, now):
    """The conditional UPDATE that pushes a session's idle expiry back (at most once)."""
    return (update(LoginSession)
            .where(LoginSession.id == login_id, LoginSession.last_seen_at <= now - SLIDE_EVERY)
            .values(last_seen_at=now,
                    expires_at=now + timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])))


def end_session(token):
    """Delete the session behind ``token`` (log out)."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def end_all_sessions(user, except_token=None):
    """Delete every session of ``user`` but the one behind ``except_token`` (password change)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if except_token:
        query = query.where(LoginSession.token_hash != token_hash(except_token))
    db.session.execute(query)


def purge_expired_sessions(now):
    """Job: delete expired sessions. Returns how many."""
    return db.session.execute(delete(LoginSession).where(LoginSession.expires_at <= now)).rowcount
