"""E-mail delivered in batches (ACC-7): messages queued while serving requests go to the
worker's sender thread, which claims them in one transaction, sends them over one SMTP
connection and records the outcomes together; the hourly cap holds inside a batch."""
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app import mail
from app.extensions import db
from app.mail import deliver_batch, queue_mail
from app.models import EmailMessage
from tests.conftest import post_form
from tests.test_mail import Inbox, free_port, smtp_app, smtp_server, statuses  # noqa: F401 (fixtures)


class RefusingInbox(Inbox):
    """Refuses one recipient, takes the rest."""

    def __init__(self, refused):
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_smtp(make_app):
    inbox = RefusingInbox("gone@talat.example")
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        yield app, inbox
    controller.stop()


def queued(to_address, user=None, kind="n"):
    message = EmailMessage(user_id=user.id if user else None, to_address=to_address,
                           subject="s", body_text="b\n", kind=kind, status="queued",
                           created_at=mail.utcnow())
    db.session.add(message)
    db.session.flush()
    return message.id


def test_a_batch_goes_over_one_connection_and_a_refused_address_fails_alone_acc_7(
        refusing_smtp, make_member, monkeypatch):
    app, inbox = refusing_smtp
    member = make_member()
    inbox.messages.clear()
    ids = [queued(member.email, member), queued("gone@talat.example"),
           queued("visitor@talat.example")]
    db.session.commit()
    opened = []
    real = mail.smtp_connection
    monkeypatch.setattr(mail, "smtp_connection",
                        lambda config: opened.append(1) or real(config))
    assert deliver_batch(app, ids) == {ids[0]: "sent", ids[1]: "failed", ids[2]: "sent"}
    assert len(opened) == 1
    assert sorted(e.rcpt_tos[0] for e in inbox.messages) == [member.email,
                                                            "visitor@talat.example"]


def test_the_hourly_cap_holds_inside_one_batch_acc_7(app, make_member):
    """ACC-7: 60 an hour per account even when the 59th to 62nd are claimed together."""
    member, other = make_member(), make_member()  # each has had the welcome mail
    for i in range(57):
        queue_mail(member.email, "password_changed", user=member, kind=f"early-{i}")
    db.session.commit()
    ids = [queued(member.email, member, kind=f"late-{i}") for i in range(4)]
    ids.append(queued(other.email, other))
    db.session.commit()
    outcome = deliver_batch(app, ids)
    assert [outcome[i] for i in ids] == ["outbox", "outbox", "queued", "queued", "outbox"]
    assert statuses() == {"outbox": 62, "queued": 2}


def test_an_unreachable_server_leaves_the_whole_batch_queued_for_retry_acc_7(make_app, make_member):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT_SECONDS=2)
    with app.app_context():
        member = make_member()
        ids = [queued(member.email, member, kind=f"k{i}") for i in range(3)]
        db.session.commit()
        assert set(deliver_batch(app, ids).values()) == {"queued"}
        notes = db.session.scalars(select(EmailMessage.note).where(EmailMessage.id.in_(ids)))
        assert all(note.startswith("retrying") for note in notes)


def test_pages_hand_their_mail_to_the_sender_thread_acc_7(make_app, make_member,
                                                          monkeypatch):
    """While serving a request, mail goes to the worker's sender thread after commit: it is
    delivered from that thread, not inline in the request."""
    import threading

    app = make_app(MAIL_DELIVERY="thread")
    delivered_by = []
    real = mail.deliver_batch

    def recording(app_, ids, now=None):
        delivered_by.append(threading.current_thread().name)
        return real(app_, ids, now)

    monkeypatch.setattr(mail, "deliver_batch", recording)
    with app.app_context():
        member = make_member()  # the welcome mail: outside a request, inline
        assert delivered_by == [threading.current_thread().name]
        post_form(app.test_client(), "/password/forgot", {"email": member.email})
        reset = select(EmailMessage.status).where(EmailMessage.kind == "password_reset")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.rollback()
            if db.session.scalar(reset) == "outbox":
                break
            time.sleep(0.05)
        assert db.session.scalar(reset) == "outbox"
        assert delivered_by[1:] == ["mail-sender"]


def test_a_message_two_senders_take_is_claimed_once_acc_7(smtp_app, make_member):  # noqa: F811
    """The delivery job and a worker's sender thread may both take the same queued message:
    the second waits for the first's claim and then leaves it alone (no double e-mail)."""
    import threading

    from sqlalchemy.orm import Session

    from app.database import begin_immediate
    app, inbox = smtp_app
    member = make_member()
    message_id = queued(member.email, member)
    db.session.commit()
    inbox.messages.clear()
    outcome = {}
    with Session(db.engine) as first:  # the first sender, mid-claim
        begin_immediate(first)
        message = first.scalar(select(EmailMessage).where(EmailMessage.id == message_id)
                               .with_for_update())
        second = threading.Thread(
            target=lambda: outcome.update(deliver_batch(app, [message_id])))
        second.start()
        time.sleep(0.5)
        assert second.is_alive()  # waiting for the first claim
        message.status = "sending"
        first.commit()
    second.join(timeout=20)
    assert outcome == {message_id: "sending"} and inbox.messages == []


class PickyInbox(Inbox):
    """Refuses the content of one message (a 554 after DATA), takes the rest."""

    async def handle_DATA(self, server, session, envelope):
        if b"Subject: refuse me" in envelope.content:
            return "554 content refused"
        return await super().handle_DATA(server, session, envelope)


def test_a_refused_message_first_in_a_batch_fails_alone_acc_7(make_app, make_member):
    """A message the server refuses after DATA (or for its sender) is retried on its own;
    the messages after it in the batch are sent, not charged an attempt."""
    inbox = PickyInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        with app.app_context():
            member = make_member()
            inbox.messages.clear()
            first = queued(member.email, member)
            db.session.get(EmailMessage, first).subject = "refuse me"
            rest = [queued(member.email, member, kind=f"k{i}") for i in range(2)]
            db.session.commit()
            outcome = deliver_batch(app, [first, *rest])
            assert outcome == {first: "queued", rest[0]: "sent", rest[1]: "sent"}
            assert len(inbox.messages) == 2
    finally:
        controller.stop()


def test_a_broken_connection_charges_only_the_message_being_sent_acc_7(make_app, make_member,
                                                                       monkeypatch):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())

    class Breaking:
        sent = 0

        def send_message(self, mime):
            Breaking.sent += 1
            if Breaking.sent == 2:
                raise mail.smtplib.SMTPServerDisconnected("gone")

    from contextlib import contextmanager

    @contextmanager
    def connection(config):
        yield Breaking()

    monkeypatch.setattr(mail, "smtp_connection", connection)
    with app.app_context():
        member = make_member()
        ids = [queued(member.email, member, kind=f"k{i}") for i in range(3)]
        db.session.commit()
        Breaking.sent = 0  # the welcome mail went through it too
        assert deliver_batch(app, ids) == {ids[0]: "sent", ids[1]: "queued", ids[2]: "queued"}
        attempts = dict(db.session.execute(select(EmailMessage.id, EmailMessage.attempts)
                                           .where(EmailMessage.id.in_(ids))).all())
        assert attempts == {ids[0]: 1, ids[1]: 1, ids[2]: 0}
