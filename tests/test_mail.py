"""E-mail: SMTP when configured, the admin's outbox otherwise, at most 60 an hour per account
(ACC-7)."""
import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.mail import deliver_message, deliver_pending, queue_mail
from app.models import EmailMessage
from tests.conftest import post_form


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        yield app, inbox


def statuses():
    return dict(db.session.execute(
        select(EmailMessage.status, func.count(EmailMessage.id))
        .group_by(EmailMessage.status)).all())


def test_password_reset_mail_reaches_a_real_smtp_server_acc_7(smtp_app, make_member):
    """The SMTP path: a real local SMTP server receives the reset mail, in Thai by default."""
    app, inbox = smtp_app
    member = make_member()
    inbox.messages.clear()  # the welcome mail
    client = app.test_client()
    post_form(client, "/password/forgot", {"email": member.email})
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == [member.email]
    mime = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "/password/reset/" in mime.get_content()
    assert mime["Subject"] == "ตั้งรหัสผ่านตลาดใหม่"  # Thai is the default language
    assert db.session.scalar(select(EmailMessage.status).where(
        EmailMessage.kind == "password_reset")) == "sent"


def test_without_mail_server_mail_stays_in_the_outbox_for_admins(app, make_member, login):
    admin = make_member(role="admin")
    client = app.test_client()
    login(admin.email, target=client)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert admin.email in page
    message_id = db.session.scalar(select(EmailMessage.id))
    assert client.get(f"/admin/outbox/{message_id}").status_code == 200


def test_members_cannot_read_the_outbox(client, make_member, login):
    member = make_member()
    login(member.email)
    assert client.get("/admin/outbox").status_code == 403


def send_notifications(member, count):
    for i in range(count):
        queue_mail(member.email, "password_changed", user=member, kind=f"notice-{i}")
    db.session.commit()


def test_at_most_60_mails_an_hour_reach_one_account_acc_7(smtp_app, make_member):
    """ACC-7: the 61st e-mail within an hour waits instead of being sent."""
    app, inbox = smtp_app
    member = make_member()  # the welcome mail is the first of the hour
    send_notifications(member, 60)
    assert len(inbox.messages) == 60
    assert statuses() == {"sent": 60, "queued": 1}
    waiting = db.session.scalar(select(EmailMessage).where(EmailMessage.status == "queued"))
    assert "hourly cap" in waiting.note


def test_waiting_mail_goes_out_when_the_hour_has_passed_acc_7(smtp_app, make_member):
    app, inbox = smtp_app
    member = make_member()
    send_notifications(member, 60)
    assert deliver_pending(app, utcnow()) == {"queued": 1}
    assert deliver_pending(app, utcnow() + timedelta(hours=1, minutes=1)) == {"sent": 1}
    assert len(inbox.messages) == 61


def test_mail_that_waits_too_long_is_dropped_with_a_record_acc_7(app, make_member):
    member = make_member()
    send_notifications(member, 60)
    later = utcnow() + timedelta(hours=app.config["MAIL_MAX_WAIT_HOURS"], minutes=1)
    # The account has received 60 within the hour before ``later`` too.
    db.session.execute(EmailMessage.__table__.update().where(EmailMessage.status == "outbox")
                       .values(delivered_at=later - timedelta(minutes=5)))
    db.session.commit()
    assert deliver_pending(app, later) == {"dropped": 1}
    dropped = db.session.scalar(select(EmailMessage).where(EmailMessage.status == "dropped"))
    assert "dropped" in dropped.note


def test_cap_is_per_account_acc_7(app, make_member):
    first, second = make_member(), make_member()
    send_notifications(first, 60)
    send_notifications(second, 3)
    counts = dict(db.session.execute(
        select(EmailMessage.user_id, func.count(EmailMessage.id))
        .where(EmailMessage.status == "outbox").group_by(EmailMessage.user_id)).all())
    assert counts == {first.id: 60, second.id: 4}


def test_no_mail_is_sent_for_a_change_that_is_rolled_back(smtp_app, make_member):
    app, inbox = smtp_app
    member = make_member()
    inbox.messages.clear()
    queue_mail(member.email, "password_changed", user=member)
    db.session.rollback()
    assert inbox.messages == []
    assert db.session.scalar(select(func.count(EmailMessage.id))) == 1  # the welcome mail only


def test_mail_queued_in_a_savepoint_that_rolls_back_is_never_sent_acc_7(
        smtp_app, make_member, caplog):
    """A decision undone inside a savepoint (bulk moderation) takes its e-mail with it; the
    outer change still commits, and nothing fails after the commit."""
    app, inbox = smtp_app
    member = make_member()
    db.session.commit()
    inbox.messages.clear()
    try:
        with db.session.begin_nested():
            queue_mail(member.email, "password_changed", user=member)
            raise RuntimeError("decision refused")
    except RuntimeError:
        pass
    queue_mail(member.email, "welcome", user=member)
    db.session.commit()
    assert len(inbox.messages) == 1
    assert not [r for r in caplog.records if "effect failed" in r.getMessage()]
    assert db.session.scalar(select(func.count(EmailMessage.id))) == 2  # welcome mails


def test_unreachable_smtp_server_keeps_the_mail_queued_for_retry(make_app, make_member):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT_SECONDS=2)
    with app.app_context():
        make_member()
        message = db.session.scalar(select(EmailMessage))
        assert message.status == "queued"
        assert message.note.startswith("retrying")
        assert deliver_message(app, message.id) == "queued"


def test_pages_do_not_wait_for_a_slow_smtp_server_acc_7(make_app, make_member):
    """Mail goes out in the background: a hanging SMTP server neither slows the page nor
    reveals whether an address has an account."""
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts connections, never answers
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1],
                       MAIL_TIMEOUT_SECONDS=3, MAIL_DELIVERY="thread")
        with app.app_context():
            member = make_member()
            client = app.test_client()
            started = time.monotonic()
            post_form(client, "/password/forgot", {"email": member.email})
            assert time.monotonic() - started < 2
            deadline = time.monotonic() + 15  # let the background send finish before teardown
            reset = select(EmailMessage).where(EmailMessage.kind == "password_reset")
            while time.monotonic() < deadline:
                db.session.commit()
                message = db.session.scalar(reset)
                if message is not None and message.attempts and message.status != "sending":
                    break
                time.sleep(0.2)
    finally:
        listener.close()


def test_mail_is_given_up_after_the_maximum_attempts(make_app, make_member):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT_SECONDS=1,
                   MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        make_member()  # first attempt fails at once: nothing listens
        assert deliver_pending(app) == {"failed": 1}
        assert db.session.scalar(select(EmailMessage.status)) == "failed"


def test_mail_to_non_members_is_capped_per_address_acc_7(app):
    for i in range(61):
        queue_mail("visitor@talat.example", "password_changed", user=None, kind=f"n{i}",
                   locale="en")
        db.session.commit()
    assert statuses() == {"outbox": 60, "queued": 1}


def test_a_send_cut_off_midway_is_retried_by_the_job(app, make_member):
    member = make_member()
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(EmailMessage.__table__.update().values(status="sending",
                                                              delivered_at=long_ago))
    db.session.commit()
    assert deliver_pending(app) == {"outbox": 1}
    assert member.email in db.session.scalars(select(EmailMessage.to_address)).all()


def test_a_sent_reset_link_is_not_kept_readable_in_the_outbox_acc_1(smtp_app, make_member):
    """ACC-1: once the reset mail has gone to the mail server, neither the admins' outbox page
    nor the stored copy holds the link's secret (an admin, or a copy of the database, could
    otherwise take over the account); the member's own link still works."""
    from tests.conftest import PASSWORD

    app, inbox = smtp_app
    member, admin = make_member(), make_member(role="admin")
    inbox.messages.clear()
    client = app.test_client()
    post_form(client, "/password/forgot", {"email": member.email})
    mime = email.message_from_bytes(inbox.messages[-1].content, policy=email.policy.default)
    link = next(line for line in mime.get_content().splitlines() if "/password/reset/" in line)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "password_reset")).one()
    db.session.refresh(stored)
    assert stored.status == "sent" and token not in stored.body_text
    assert "/password/reset/" in stored.body_text

    admin_client = app.test_client()
    post_form(admin_client, "/login", {"email": admin.email, "password": PASSWORD})
    page = admin_client.get(f"/admin/outbox/{stored.id}").get_data(as_text=True)
    assert token not in page

    response = post_form(client, f"/password/reset/{token}",
                         {"password": "new-kite-mango-2569", "password_confirm":
                          "new-kite-mango-2569"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_notifications_page_says_what_the_hourly_cap_holds_back_acc_7(
        app, client, make_member, login):
    """ACC-7: a member whose e-mails wait for the hourly cap, or were given up after waiting,
    is told so on the notifications page, with the cap; one with none is told only the cap."""
    member = make_member()
    login(member.email)
    client.set_cookie("lang", "en")
    page = client.get("/notifications").get_data(as_text=True)
    assert "at most 60 e-mails an hour" in page
    assert "data-mail-waiting" not in page and "data-mail-dropped" not in page

    send_notifications(member, 61)  # the welcome mail and 60 more: 2 wait
    other = make_member()
    send_notifications(other, 70)  # another account's waiting mail is not this member's
    page = client.get("/notifications").get_data(as_text=True)
    assert "2 e-mails to you are waiting" in page
    assert "data-mail-dropped" not in page

    later = utcnow() + timedelta(hours=app.config["MAIL_MAX_WAIT_HOURS"], minutes=1)
    db.session.execute(EmailMessage.__table__.update().where(
        EmailMessage.status == "outbox", EmailMessage.user_id == member.id)
        .values(delivered_at=later - timedelta(minutes=5)))
    db.session.commit()
    deliver_pending(app, later)
    page = client.get("/notifications").get_data(as_text=True)
    assert "2 e-mails to you in the past 7 days were not sent" in page
    assert "data-mail-waiting" not in page
