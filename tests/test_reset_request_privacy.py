"""ACC-1 (privacy): the forgotten-password form does not tell who is a member, neither by its
answer nor by the work done before the answer.

The address is looked up, and a member's link made, only after the answer has gone
(``accounts/reset_requests.py``). These tests check what can be checked without a stopwatch:
the answers are the same byte for byte (CSRF tokens aside), the rate limit counts both
alike, and the request runs the very same SQL statements, hashes nothing and renders no
e-mail for either address; then the member, and only the member, is mailed a link.
"""
import re

import pytest
from sqlalchemy import func, select

from app.blueprints.accounts import reset_requests
from app.extensions import db
from app.models import EmailMessage, PasswordResetToken
from tests.conftest import post_form
from tests.privacy_helpers import Spy, answer

@pytest.fixture
def threaded_app(make_app, monkeypatch):
    """The app as in production (reset links and mail made by background threads), with a
    rate limit on the form; the addresses handed to the background are kept in
    ``app.handed_over`` instead of being handled, so a test decides when that happens."""
    app = make_app(MAIL_DELIVERY="thread", RATELIMIT_ENABLED=True, RATELIMIT_RESET="3 per hour",
                   RATELIMIT_PER_IP="1000 per minute", RATELIMIT_PER_ACCOUNT="1000 per minute")
    app.handed_over = []
    monkeypatch.setattr(app.extensions[reset_requests.WORKER], "add",
                        lambda item, wake=False: app.handed_over.append(item))
    with app.app_context():
        yield app


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_members_address_and_a_strangers_get_the_same_answer_acc_1(threaded_app, make_member,
                                                                      lang):
    """ACC-1 (privacy): status, headers (the rate limit's included), cookies, body and the
    page the answer leads to are the same for a member's address and an unknown one."""
    member = make_member(email="nok@talat.example")
    answers = []
    for email, ip in ((member.email, "203.0.113.1"), ("nobody@talat.example", "203.0.113.2")):
        client = threaded_app.test_client()
        client.set_cookie("lang", lang)
        response = post_form(client, "/password/forgot", {"email": email},
                             environ_base={"REMOTE_ADDR": ip})
        assert response.status_code == 302
        answers.append(answer(client, response))
    assert answers[0] == answers[1]
    assert dict(answers[0][1])["X-RateLimit-Remaining"] == "2"


def test_the_rate_limit_counts_a_members_address_and_a_strangers_alike_acc_1_acc_8(
        threaded_app, make_member):
    """ACC-1, ACC-8: every ask counts against the limit, known address or not, so the limit
    running out sooner cannot tell a member's address either."""
    member = make_member()
    for email, ip in ((member.email, "203.0.113.1"), ("nobody@talat.example", "203.0.113.2")):
        client = threaded_app.test_client()
        codes = [post_form(client, "/password/forgot", {"email": email},
                           environ_base={"REMOTE_ADDR": ip}).status_code for _ in range(4)]
        assert codes == [302, 302, 302, 429]


def test_the_request_does_the_same_work_for_a_member_and_a_stranger_acc_1(
        threaded_app, make_member, monkeypatch):
    """ACC-1 (privacy, timing): the request runs the very same SQL statements for both
    addresses, none of them a look-up of the address or a write of a link or an e-mail;
    nothing is hashed, no link is made and no e-mail rendered while it is served. Both
    addresses are handed over alike, for after the answer."""
    member = make_member(email="nok@talat.example")
    spy = Spy(monkeypatch, (reset_requests, "send_reset_link"),
              (reset_requests, "queue_mail"))
    known = spy.post(threaded_app.test_client(), "/password/forgot", {"email": member.email})
    unknown = spy.post(threaded_app.test_client(), "/password/forgot",
                       {"email": "nobody@talat.example"})
    assert known[0].status_code == unknown[0].status_code == 302
    assert known[1] == unknown[1]  # the same statements, in the same order
    touched = " ".join(known[1]).lower()
    for table in ("users", "password_reset_tokens", "email_messages", "pending_sign_ups"):
        assert not re.search(rf"\b{table}\b", touched), table
    assert known[2] == unknown[2] == []  # no hash, no link, no e-mail on the request
    assert threaded_app.handed_over == [("nok@talat.example", 1),
                                        ("nobody@talat.example", 1)]
    assert db.session.scalar(select(func.count(EmailMessage.id))) == 1  # (the welcome)


def test_after_the_answer_only_the_member_is_mailed_a_link_acc_1(threaded_app, make_member):
    """ACC-1: what was handed over is handled after the answer: the member's address gets a
    single-use link in the member's language, the stranger's address gets nothing."""
    member = make_member(email="nok@talat.example")
    member.locale = "en"
    db.session.commit()
    for email in (member.email, "nobody@talat.example"):
        post_form(threaded_app.test_client(), "/password/forgot", {"email": email})
    reset_requests.send_reset_links(threaded_app, threaded_app.handed_over)
    db.session.rollback()
    [mail] = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "password_reset")).all()
    assert mail.to_address == "nok@talat.example"
    assert mail.subject == "Choose a new Talat password"
    assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 1
    assert db.session.scalar(select(func.count(EmailMessage.id)).where(
        EmailMessage.to_address == "nobody@talat.example")) == 0


def test_the_background_sender_mails_the_link_by_itself_acc_1(make_app, make_member):
    """ACC-1: in production's mode the link is made by the background thread without anyone
    asking it to (no test hook): the member's mail reaches the outbox."""
    import time

    app = make_app(MAIL_DELIVERY="thread")
    with app.app_context():
        member = make_member()
        post_form(app.test_client(), "/password/forgot", {"email": member.email})
        query = select(EmailMessage.status).where(EmailMessage.kind == "password_reset")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.rollback()
            if db.session.scalar(query) == "outbox":
                break
            time.sleep(0.05)
        assert db.session.scalar(query) == "outbox"


def test_an_address_the_database_was_too_busy_for_is_tried_again_acc_1(
        threaded_app, make_member, monkeypatch):
    """ACC-1: a link not written because the database was busy is not lost at once: the
    address goes back to the background sender for another try, up to a limit."""
    from sqlalchemy.exc import OperationalError

    member = make_member()

    def busy(email, now):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(reset_requests, "send_reset_link", busy)
    reset_requests.send_reset_links(threaded_app, [(member.email, 1)])
    assert threaded_app.handed_over == [(member.email, 2)]
    reset_requests.send_reset_links(threaded_app, [(member.email, reset_requests.TRIES)])
    assert threaded_app.handed_over == [(member.email, 2)]  # given up after the last try


def test_addresses_held_at_exit_are_handled_acc_1(make_app, make_member, monkeypatch):
    """ACC-1 (found in review): the background sender holds addresses up to
    ``reset_requests.INTERVAL`` seconds and nothing handled them when the process exited
    (a restart lost the ask). A hook registered at exit, as the traffic log's writer's,
    now handles them."""
    import atexit

    registered = []
    monkeypatch.setattr(atexit, "register",
                        lambda function, *args: registered.append((function, args)))
    app = make_app(MAIL_DELIVERY="thread")
    worker = app.extensions[reset_requests.WORKER]
    hooks = [(function, args) for function, args in registered if args == (worker,)]
    assert len(hooks) == 1
    with app.app_context():
        member = make_member()
        db.session.commit()
        monkeypatch.setattr(worker, "_start_if_needed", lambda: None)  # no thread: only exit
        monkeypatch.setattr(app.extensions["mail_sender"], "add", lambda *args, **kw: None)
        worker.add((member.email, 1))
        function, args = hooks[0]
        assert function(*args) == 1
        db.session.rollback()
        assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 1
        assert db.session.scalar(select(func.count(EmailMessage.id)).where(
            EmailMessage.kind == "password_reset")) == 1
