"""E-mail: queue a message with the change that caused it, deliver it after commit.

Delivery goes through SMTP when ``MAIL_SERVER`` is set; otherwise the message stays in the
outbox, readable by admins in the browser. Each account receives at most ``MAIL_HOURLY_CAP``
messages an hour (ACC-7): the rest wait in the queue for the delivery job, and one that has
waited longer than ``MAIL_MAX_WAIT_HOURS`` is dropped with a record.
"""
import smtplib
from datetime import timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import after_commit, begin_immediate, utcnow
from app.extensions import db
from app.models import EmailMessage, User

DELIVERED = ("sent", "outbox")


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
    after_commit(db.session, lambda: deliver_message(app, message_id))
    return message


def deliver_message(app, message_id, now=None):
    """Deliver one queued message if its account is under the hourly cap. Returns its status."""
    with app.app_context(), Session(db.engine) as session:
        begin_immediate(session)
        message = session.get(EmailMessage, message_id)
        if message is None or message.status != "queued":
            return message.status if message else None
        status = _deliver(app, session, message, now or utcnow())
        session.commit()
        return status


def deliver_pending(app, now=None):
    """The delivery job: retry queued messages oldest first. Returns counts by outcome."""
    now = now or utcnow()
    outcome = {}
    with app.app_context(), Session(db.engine) as session:
        ids = session.scalars(
            select(EmailMessage.id).where(EmailMessage.status == "queued")
            .order_by(EmailMessage.created_at, EmailMessage.id)).all()
    for message_id in ids:
        with app.app_context(), Session(db.engine) as session:
            begin_immediate(session)
            message = session.get(EmailMessage, message_id)
            if message is None or message.status != "queued":
                continue
            status = _deliver(app, session, message, now)
            session.commit()
            outcome[status] = outcome.get(status, 0) + 1
    return outcome


def delivered_last_hour(session, user_id, now):
    """How many messages the account was sent in the hour before ``now``."""
    return session.scalar(
        select(func.count(EmailMessage.id)).where(
            EmailMessage.user_id == user_id,
            EmailMessage.status.in_(DELIVERED),
            EmailMessage.delivered_at > now - timedelta(hours=1),
        ))


def _deliver(app, session, message, now):
    config = app.config
    if message.user_id is not None:
        # Serialise deliveries for one account so two workers cannot both take the last slot.
        session.execute(select(User.id).where(User.id == message.user_id).with_for_update())
        if delivered_last_hour(session, message.user_id, now) >= config["MAIL_HOURLY_CAP"]:
            if now - message.created_at > timedelta(hours=config["MAIL_MAX_WAIT_HOURS"]):
                message.status = "dropped"
                message.note = "dropped: hourly cap still reached after the maximum wait"
                app.logger.warning("mail %s dropped after waiting for the hourly cap", message.id)
            else:
                message.note = "waiting: hourly cap reached"
            return message.status
    message.attempts += 1
    if not config["MAIL_SERVER"]:
        message.status, message.delivered_at, message.note = "outbox", now, ""
        return message.status
    try:
        send_smtp(config, message)
    except smtplib.SMTPRecipientsRefused as error:
        message.status, message.note = "failed", f"refused: {error}"[:255]
    except (smtplib.SMTPException, OSError) as error:
        message.note = f"retrying: {error}"[:255]
        app.logger.warning("mail %s not delivered yet: %s", message.id, error)
    else:
        message.status, message.delivered_at, message.note = "sent", now, ""
    return message.status


def send_smtp(config, message):
    """Hand one message to the configured SMTP server."""
    mime = MimeMessage()
    mime["From"] = config["MAIL_DEFAULT_SENDER"]
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(domain="talat.local")
    mime.set_content(message.body_text)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                    timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(mime)
