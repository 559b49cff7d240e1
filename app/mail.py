"""E-mail: queue a message with the change that caused it, deliver it after commit.

Delivery goes through SMTP when ``MAIL_SERVER`` is set; otherwise the message stays in the
outbox, readable by admins in the browser. Each account receives at most ``MAIL_HOURLY_CAP``
messages an hour (ACC-7): the rest wait in the queue for the delivery job, and one that has
waited longer than ``MAIL_MAX_WAIT_HOURS`` is dropped with a record.
"""
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.database import after_commit, begin_immediate, utcnow
from app.extensions import db
from app.models import EmailMessage, User

DELIVERED = ("sent", "outbox", "sending")
STALE_SENDING_MINUTES = 15


def queue_mail(to_address, template, *, user=None, locale=None, kind=None, **context):
    """Add a message rendered from ``mail/<template>.txt`` in the recipient's language.

    The template's first line is the subject. Delivery is attempted once the current
    transaction commits; nothing is sent for a change that is rolled back.
    """
    lang = locale or (user.locale if user is not None else None) or "th"
    with force_locale(lang):
        rendered = render_template(f"mail/{template}.txt", user=user, **context)
    subject, _, body = rendered.strip().partition("\n")
    message = EmailMessage(
        user_id=user.id if user is not None else None,
        to_address=to_address,
        subject=subject.strip()[:200],
        body_text=body.strip() + "\n",
        kind=(kind or template)[:40],
        status="queued",
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    app = current_app._get_current_object()
    message_id = message.id
    after_commit(db.session, lambda: start_delivery(app, message_id))
    return message


def start_delivery(app, message_id):
    """Deliver after commit: in a background thread while serving a request (so no page waits
    for an SMTP server, and how long it takes reveals nothing), inline otherwise."""
    if has_request_context() and app.config["MAIL_DELIVERY"] == "thread":
        threading.Thread(target=deliver_message, args=(app, message_id), daemon=True).start()
    else:
        deliver_message(app, message_id)


def deliver_message(app, message_id, now=None):
    """Deliver one queued message if its account is under the hourly cap. Returns its status.

    Three steps, so no database lock is held while talking to the SMTP server: claim the
    message in a short transaction, send it with no transaction open, record the outcome.
    """
    now = now or utcnow()
    with app.app_context():
        claim = _claim(app, message_id, now)
        if not isinstance(claim, MimeMessage):
            return claim
        try:
            send_smtp(app.config, claim)
        except (smtplib.SMTPException, OSError) as error:
            return _record(app, message_id, error)
        return _record(app, message_id, None)


def deliver_pending(app, now=None):
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
    for message_id in ids:
        status = deliver_message(app, message_id, now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def delivered_last_hour(session, message, now):
    """How many messages the account (or, for mail to a non-member, the address) got in the
    hour before ``now``."""
    if message.user_id is not None:
        same_recipient = EmailMessage.user_id == message.user_id
    else:
        same_recipient = (EmailMessage.user_id.is_(None)) & (
            EmailMessage.to_address == message.to_address)
    return session.scalar(
        select(func.count(EmailMessage.id)).where(
            same_recipient,
            EmailMessage.status.in_(DELIVERED),
            EmailMessage.delivered_at > now - timedelta(hours=1),
        ))


def _claim(app, message_id, now):
    """Short transaction: check the cap and take the message for sending.

    Returns the MIME message to send, or the message's status when there is nothing to send.
    """
    config = app.config
    with Session(db.engine) as session:
        begin_immediate(session)
        message = session.get(EmailMessage, message_id)
        if message is None or message.status != "queued":
            return message.status if message else None
        if message.user_id is not None:
            # Serialise deliveries to one account so two workers cannot take the last slot.
            session.execute(select(User.id).where(User.id == message.user_id).with_for_update())
        if delivered_last_hour(session, message, now) >= config["MAIL_HOURLY_CAP"]:
            if now - message.created_at > timedelta(hours=config["MAIL_MAX_WAIT_HOURS"]):
                message.status = "dropped"
                message.note = "dropped: hourly cap still reached after the maximum wait"
                app.logger.warning("mail %s dropped after waiting for the hourly cap", message.id)
            else:
                message.note = "waiting: hourly cap reached"
            session.commit()
            return message.status
        message.attempts += 1
        message.delivered_at = now
        if not config["MAIL_SERVER"]:
            message.status, message.note = "outbox", ""
            session.commit()
            return "outbox"
        message.status = "sending"
        mime = _mime(config, message)
        session.commit()
        return mime


def _record(app, message_id, error):
    """Short transaction: record how sending went."""
    with Session(db.engine) as session:
        begin_immediate(session)
        message = session.get(EmailMessage, message_id)
        if error is None:
            message.status, message.note = "sent", ""
        elif isinstance(error, smtplib.SMTPRecipientsRefused) or (
                message.attempts >= app.config["MAIL_MAX_ATTEMPTS"]):
            message.status, message.note = "failed", f"failed: {error}"[:255]
        else:
            message.status, message.delivered_at = "queued", None
            message.note = f"retrying: {error}"[:255]
            app.logger.warning("mail %s not delivered yet: %s", message_id, error)
        session.commit()
        return message.status


def _mime(config, message):
    mime = MimeMessage()
    mime["From"] = config["MAIL_DEFAULT_SENDER"]
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(domain="talat.local")
    mime.set_content(message.body_text)
    return mime


def send_smtp(config, mime):
    """Hand one MIME message to the configured SMTP server."""
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                    timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(mime)
