"""E-mail: queue a message with the change that caused it, deliver it after commit.

Delivery goes through SMTP when ``MAIL_SERVER`` is set; otherwise the message stays in the
outbox, readable by admins in the browser. Each account receives at most ``MAIL_HOURLY_CAP``
messages an hour (ACC-7): the rest wait in the queue for the delivery job, and one that has
waited longer than ``MAIL_MAX_WAIT_HOURS`` is dropped with a record.
"""
import re
import smtplib
import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid
from functools import cache

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.background import BatchWorker
from app.database import after_commit, begin_immediate, utcnow
from app.extensions import db
from app.models import EmailMessage, User

DELIVERED = ("sent", "outbox", "sending")
STALE_SENDING_MINUTES = 15
#: Messages claimed together. Small enough that a batch sent at the slowest a relay may go
#: without timing out (about 40 s a message) is done long before a claim counts as stale.
BATCH = 10
#: Seconds the sender thread gathers messages before claiming them.
SEND_INTERVAL = 0.5
#: A link that is a key to an account (a password reset, a sign-up's confirmation). Once its
#: message has left for the mail server (or been given up), the stored copy keeps the link's
#: path but not its secret: neither an admin reading the outbox nor a copy of the database can
#: take over the account with it (the tokens themselves are stored only as hashes).
SECRET_LINK = re.compile(r"(/password/reset/|/register/confirm/)[A-Za-z0-9_-]+")
SECRET_MASK = r"\1[…]"
#: The note on a message the hourly cap holds back (ACC-7); app.mail_cap counts them.
CAP_WAITING_NOTE = "waiting: hourly cap reached"


def forget_secrets(message):
    """Mask the secret links of a message that is done with (sent, failed or dropped)."""
    if SECRET_LINK.search(message.body_text or ""):
        message.body_text = SECRET_LINK.sub(SECRET_MASK, message.body_text)


class NotAttempted(Exception):
    """The connection broke before this message's turn: retried, not counted as an attempt."""


def queue_mail(to_address, template, *, user=None, locale=None, kind=None, **context):
    """Add a message rendered from ``mail/<template>.txt`` in the recipient's language.

    The template's first line is the subject. Delivery is attempted once the current
    transaction commits; nothing is sent for a change that is rolled back. Returns the
    message's id.
    """
    lang = locale or (user.locale if user is not None else None) or "th"
    with force_locale(lang):
        rendered = render_template(f"mail/{template}.txt", user=user, **context)
    subject, _, body = rendered.strip().partition("\n")
    # A table INSERT (no ORM unit of work: a queued message is not changed by the request
    # that writes it, and a bidding war mails an outbid notice with many of its bids).
    message_id = db.session.execute(_insert_message(), dict(
        user_id=user.id if user is not None else None, to_address=to_address,
        subject=subject.strip()[:200], body_text=body.strip() + "\n",
        kind=(kind or template)[:40], status="queued", created_at=utcnow())).scalar_one()
    app = current_app._get_current_object()
    # A message queued inside a savepoint that rolled back is gone by then: delivering an id
    # finds nothing to claim (and an id SQLite gave again later is the same new message).
    after_commit(db.session, lambda: start_delivery(app, message_id))
    return message_id


@cache
def _insert_message():
    table = EmailMessage.__table__
    return insert(table).returning(table.c.id)


def deliver_in_batches(app, message_ids, now=None, batch=BATCH):
    """Deliver ``message_ids`` ``batch`` at a time, each batch claimed in one transaction
    and sent over one SMTP connection (the sender thread's work, and the delivery job's).
    Returns ``{id: status}``."""
    statuses = {}
    for first in range(0, len(message_ids), batch):
        statuses.update(deliver_batch(app, message_ids[first:first + batch], now))
    return statuses


#: Set by :func:`by_sender_thread`: mail queued here goes by the sender thread, as a request's.
_BY_SENDER = ContextVar("talat_mail_by_sender", default=False)


@contextmanager
def by_sender_thread():
    """Mail queued inside is delivered by the sender thread, as a request's is: for work a
    background thread does on a request's behalf (a password reset link), which must not
    wait for an SMTP server either."""
    token = _BY_SENDER.set(True)
    try:
        yield
    finally:
        _BY_SENDER.reset(token)


def start_delivery(app, message_id):
    """Deliver after commit: by the worker's sender thread while serving a request (so no page
    waits for an SMTP server, and how long it takes reveals nothing) or inside
    :func:`by_sender_thread`, inline otherwise."""
    sender = app.extensions.get("mail_sender")
    if sender is not None and (has_request_context() or _BY_SENDER.get()):
        # Not at once: what gathers within the sender's interval goes in one claim (a busy
        # bidding war writes an outbid notice a bid; one claim each cost a tenth of a bid).
        sender.add(message_id)
    else:
        deliver_message(app, message_id)


def init_mail(app):
    """The sender thread when mail is delivered in the background (``MAIL_DELIVERY`` "thread");
    messages it still holds at exit stay queued for the delivery job."""
    threaded = app.config["MAIL_DELIVERY"] == "thread"
    app.extensions["mail_sender"] = BatchWorker(
        "mail-sender", SEND_INTERVAL, lambda ids: deliver_in_batches(app, ids)) \
        if threaded else None


def deliver_message(app, message_id, now=None):
    """Deliver one queued message if its account is under the hourly cap. Returns its status."""
    return deliver_batch(app, [message_id], now).get(message_id)


def deliver_batch(app, message_ids, now=None):
    """Deliver the queued messages among ``message_ids`` whose accounts are under the hourly
    cap. Returns ``{id: status}``.

    Three steps, so no database lock is held while talking to the SMTP server: claim the
    messages in one short transaction, send them over one connection with no transaction
    open, record the outcomes.
    """
    now = now or utcnow()
    with app.app_context():
        statuses, claimed = _claim(app, message_ids, now)
        if claimed:
            outcomes = _send(app.config, claimed)
            for attempt in range(3):  # left "sending", they would go again in 15 minutes
                try:
                    statuses.update(_record(app, outcomes))
                    break
                except OperationalError:
                    if attempt == 2:
                        raise
                    time.sleep(0.5)
    return statuses


def deliver_pending(app, now=None, batch=BATCH):
    """The delivery job: retry queued messages oldest first. Returns counts by outcome."""
    now = now or utcnow()
    outcome = {}
    with app.app_context(), Session(db.engine) as session:
        begin_immediate(session)
        session.execute(update(EmailMessage).where(
            EmailMessage.status == "sending",
            EmailMessage.delivered_at < now - timedelta(minutes=STALE_SENDING_MINUTES))
            .values(status="queued", delivered_at=None, note="retrying: sending was cut off"))
        session.commit()
        ids = session.scalars(
            select(EmailMessage.id).where(EmailMessage.status == "queued")
            .order_by(EmailMessage.created_at, EmailMessage.id)).all()
    for status in deliver_in_batches(app, ids, now, batch).values():
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def _recipient(message):
    """Whom the hourly cap counts for: the account, or for mail to a non-member the address."""
    return ("user", message.user_id) if message.user_id is not None else (
        "address", message.to_address)


def _delivered_last_hour(session, messages, now):
    """``{recipient: messages delivered in the hour before now}`` for the messages'
    recipients (see :func:`_recipient`), in two grouped queries."""
    since = EmailMessage.delivered_at > now - timedelta(hours=1)
    delivered = EmailMessage.status.in_(DELIVERED)
    user_ids = {m.user_id for m in messages if m.user_id is not None}
    addresses = {m.to_address for m in messages if m.user_id is None}
    counts = {}
    if user_ids:
        counts.update({("user", uid): n for uid, n in session.execute(
            select(EmailMessage.user_id, func.count(EmailMessage.id))
            .where(EmailMessage.user_id.in_(user_ids), delivered, since)
            .group_by(EmailMessage.user_id))})
    if addresses:
        counts.update({("address", address): n for address, n in session.execute(
            select(EmailMessage.to_address, func.count(EmailMessage.id))
            .where(EmailMessage.user_id.is_(None), EmailMessage.to_address.in_(addresses),
                   delivered, since)
            .group_by(EmailMessage.to_address))})
    return counts


def _claim(app, message_ids, now):
    """Short transaction: check the cap and take the messages for sending.

    Returns ``({id: status} for messages not to send now, [(id, MIME message)] to send)``.
    """
    config = app.config
    statuses, claimed = {}, []
    with Session(db.engine) as session:
        begin_immediate(session)
        # Locked (PostgreSQL; SQLite has one writer at a time), so a message the delivery job
        # and a sender thread both pick up is claimed once: the second sees it taken.
        messages = session.scalars(select(EmailMessage).where(
            EmailMessage.id.in_(set(message_ids))).order_by(EmailMessage.id)
            .with_for_update(key_share=True)).all()
        statuses.update({m.id: m.status for m in messages if m.status != "queued"})
        messages = [m for m in messages if m.status == "queued"]
        user_ids = sorted({m.user_id for m in messages if m.user_id is not None})
        if user_ids:
            # Serialise deliveries to one account so two workers cannot take the last slot
            # (rows locked in id order, so two batches cannot deadlock; NO KEY UPDATE, so
            # bids, notices and mail that reference the member are not held up).
            session.execute(select(User.id).where(User.id.in_(user_ids))
                            .order_by(User.id).with_for_update(key_share=True))
        delivered = _delivered_last_hour(session, messages, now)
        for message in messages:
            recipient = _recipient(message)
            if delivered.get(recipient, 0) >= config["MAIL_HOURLY_CAP"]:
                if now - message.created_at > timedelta(hours=config["MAIL_MAX_WAIT_HOURS"]):
                    message.status = "dropped"
                    message.note = "dropped: hourly cap still reached after the maximum wait"
                    forget_secrets(message)
                    app.logger.warning("mail %s dropped after waiting for the hourly cap",
                                       message.id)
                else:
                    message.note = CAP_WAITING_NOTE
                statuses[message.id] = message.status
                continue
            delivered[recipient] = delivered.get(recipient, 0) + 1
            message.attempts += 1
            message.delivered_at = now
            if not config["MAIL_SERVER"]:
                message.status, message.note = "outbox", ""
                statuses[message.id] = "outbox"
                continue
            try:
                mime = _mime(config, message)
            except (ValueError, TypeError) as error:  # a header no MIME message can carry
                message.status, message.note = "failed", f"failed: {error}"[:255]
                forget_secrets(message)
                statuses[message.id] = "failed"
                continue
            message.status = "sending"
            claimed.append((message.id, mime))
        session.commit()
    return statuses, claimed


#: A message the server refuses (its address, size or content) while the connection stays up.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException,
           smtplib.SMTPNotSupportedError)


def _send(config, claimed):
    """Send the claimed messages over one SMTP connection. Returns ``[(id, error or None)]``.
    A message the server refuses fails alone; when the server cannot be reached every
    message has the error, and when the connection breaks midway the one being sent has it
    and the rest are :class:`NotAttempted`."""
    outcomes, connected = [], False
    try:
        with smtp_connection(config) as smtp:
            connected = True
            for message_id, mime in claimed:
                try:
                    smtp.send_message(mime)
                except REFUSED as error:
                    outcomes.append((message_id, error))
                    continue
                outcomes.append((message_id, None))
    except (smtplib.SMTPException, OSError) as error:
        done = {message_id for message_id, _ in outcomes}
        rest = [message_id for message_id, _ in claimed if message_id not in done]
        if connected and rest:  # it broke midway: the first of the rest was being sent
            outcomes.append((rest[0], error))
            outcomes += [(message_id, NotAttempted(str(error))) for message_id in rest[1:]]
        else:
            outcomes += [(message_id, error) for message_id in rest]
    return outcomes


def _record(app, outcomes):
    """Short transaction: record how sending went. Returns ``{id: status}``."""
    errors = dict(outcomes)
    statuses = {}
    with Session(db.engine) as session:
        begin_immediate(session)
        for message in session.scalars(select(EmailMessage).where(
                EmailMessage.id.in_(errors)).order_by(EmailMessage.id)):
            error = errors[message.id]
            if error is None:
                message.status, message.note = "sent", ""
            elif isinstance(error, NotAttempted):
                message.status, message.delivered_at = "queued", None
                message.attempts = max(0, message.attempts - 1)
                message.note = f"retrying: not sent, the connection broke ({error})"[:255]
            elif isinstance(error, smtplib.SMTPRecipientsRefused) or (
                    message.attempts >= app.config["MAIL_MAX_ATTEMPTS"]):
                message.status, message.note = "failed", f"failed: {error}"[:255]
            else:
                message.status, message.delivered_at = "queued", None
                message.note = f"retrying: {error}"[:255]
                app.logger.warning("mail %s not delivered yet: %s", message.id, error)
            if message.status in ("sent", "failed"):
                forget_secrets(message)
            statuses[message.id] = message.status
        session.commit()
    return statuses


def _mime(config, message):
    mime = MimeMessage()
    mime["From"] = config["MAIL_DEFAULT_SENDER"]
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(domain="talat.local")
    mime.set_content(message.body_text)
    return mime


@contextmanager
def smtp_connection(config):
    """A connection to the configured SMTP server, logged in when credentials are set."""
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                    timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp
