"""Asking for a password reset link (ACC-1) without the answer, or the time it takes, telling
whether the address has an account.

The form answers every well-formed address alike. The work behind the answer must not differ
either: for a member's address a reset link is made (older links cancelled, the new one's
hash stored, the e-mail rendered and queued: several writes and a template), for a stranger's
nothing, and a stopwatch on the response would see those milliseconds. Sign-up evens out its
two branches by doing alike work in both (one password hash, at most one e-mail each); a
reset cannot, since a stranger's address has no row to write and is sent no mail, and rows
written only to spend time would be false records. So the request does no work that depends
on the address at all: :func:`request_password_reset` checks that the text is an e-mail
address and hands it over once the request's transaction has committed, and the address is
looked up, and its link made, only after the answer has left (:func:`send_reset_link`):

* with ``MAIL_DELIVERY`` "thread" (production) by a background thread of the worker process
  that wakes every :data:`INTERVAL` seconds, so the work starts after the response has been
  written, on another thread, and never lands on the request that asked for it;
* with "inline" (the tests, the CLI) at once after the commit, as e-mail is.

The request then runs the same statements for a member's address and a stranger's (no
look-up; no writes but the traffic log's), spends the same time hashing (none) and counts
the same against the rate limit (every post, ``views.forgot_password``). What is given up:
the link leaves up to :data:`INTERVAL` seconds later; a process that exits normally
(gunicorn's worker restarts and shutdowns included) handles what it holds at exit
(:func:`flush_at_exit`), and one killed outright in that moment loses the ask (the person asks
again, as after a lost e-mail). The link made later in
the background can still take some shared CPU or database time from another request; that
is a few milliseconds of noise on a different answer, a far weaker signal than on the
answer itself.
"""
import atexit
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.background import BatchWorker
from app.blueprints.accounts import sessions
from app.blueprints.accounts.services import cancel_reset_links, normalise_email
from app.database import after_commit, begin_immediate, one_at_a_time, utcnow
from app.extensions import db
from app.mail import by_sender_thread, queue_mail
from app.models import PasswordResetToken, User
from app.urls import external_url

log = logging.getLogger(__name__)

#: Where the app keeps its background sender of reset links (None: sent inline).
WORKER = "password_reset_sender"
#: Seconds the background sender gathers addresses before handling them.
INTERVAL = 0.5
#: Tries for an address whose link could not be written (the database busy).
TRIES = 3


def init_reset_requests(app):
    """The background sender of reset links, when mail is delivered in the background; what
    it holds is handled when the process exits (as the traffic log's writer is)."""
    worker = BatchWorker("password-reset", INTERVAL, lambda items: send_reset_links(app, items)) \
        if app.config["MAIL_DELIVERY"] == "thread" else None
    app.extensions[WORKER] = worker
    if worker is not None:
        atexit.register(flush_at_exit, worker)


def flush_at_exit(worker):
    """Handle every address ``worker`` holds, retries of a busy database included (up to
    :data:`TRIES` rounds: each try of an address comes back at most that often). Returns how
    many were handled. (A link's e-mail the sender thread has no time left for stays queued
    for the delivery job, as every message does, ``mail.init_mail``.)"""
    handled = 0
    for _ in range(TRIES):
        done = worker.flush()
        handled += done
        if not done:
            break
    return handled


def request_password_reset(email, *, now):
    """Take a forgotten-password form: raise :class:`AccountError` if ``email`` is no e-mail
    address at all ("somchai@gmail", a typo: no account can have it, since sign-up refuses
    it alike, so saying so tells nothing about who is a member, and the newcomer does not
    wait for a mail that never comes). Otherwise hand the address over, once the
    transaction commits, to :func:`send_reset_link`, which e-mails a link if it belongs to
    a member. Returns None: whether it does is decided after the answer (module doc)."""
    email = normalise_email(email)
    app = current_app._get_current_object()
    after_commit(db.session, lambda: _hand_over(app, email))


def _hand_over(app, email):
    worker = app.extensions.get(WORKER)
    if worker is not None:
        worker.add((email, 1))
    else:
        send_reset_links(app, [(email, 1)])


def send_reset_links(app, items):
    """Make and mail the reset link of each ``(address, try)`` that belongs to a member, each
    in a transaction of its own; an address the database was too busy for is tried again
    at the next round, up to :data:`TRIES` times."""
    for email, attempt in items:
        with app.app_context(), by_sender_thread():
            try:
                begin_immediate(db.session)
                send_reset_link(email, now=utcnow())
                db.session.commit()
            except OperationalError:
                db.session.rollback()
                worker = app.extensions.get(WORKER)
                if worker is not None and attempt < TRIES:
                    worker.add((email, attempt + 1))
                else:
                    log.exception("password reset link not sent (database busy)")
            except Exception:  # one address's failure must not lose the others'
                db.session.rollback()
                log.exception("password reset link not sent")


def send_reset_link(email, *, now):
    """E-mail a single-use reset link if the (normalised) address ``email`` belongs to a
    member, cancelling the member's older links; silent otherwise. Returns the link's token,
    or None. Asks for one address are handled one after the other (PostgreSQL; SQLite has
    one writer), so two at once never leave two links alive."""
    one_at_a_time(db.session, f"password_reset:{email}")
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        return None
    cancel_reset_links(user, now)
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(PasswordResetToken(token_hash=sessions.token_hash(token), user_id=user.id,
                                      created_at=now, expires_at=now + timedelta(minutes=minutes)))
    db.session.flush()
    link = external_url("accounts.reset_password", token=token)
    queue_mail(user.email, "password_reset", user=user, link=link, minutes=minutes)
    return token
