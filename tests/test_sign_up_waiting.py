"""ACC-1: logging in before the sign-up link is opened, sending the link again, and a display
name taken while the link waited.

Whoever types the password of a sign-up is told the account is not active yet, where the link
went and until when it works (Bangkok time), and may have it sent again within the sign-up
mails an address may get an hour; anyone else gets the usual "incorrect", after the same
work. Neither tells whether the address has an account, not even to whoever made the
sign-up with someone else's address (``accounts/unconfirmed.py``).
"""
import html as html_module
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.blueprints.accounts import signup, unconfirmed
from app.database import utcnow
from app.extensions import db
from app.i18n import format_datetime
from app.models import EmailMessage, LoginFailure, PendingSignUp, User
from tests.conftest import PASSWORD, confirm_sign_up, csrf_from, post_form, sign_up_link
from tests.privacy_helpers import Spy, answer, strip_csrf

EMAIL = "nok@talat.example"
PROOF_RE = re.compile(r'name="proof" type="hidden" value="([^"]+)"')
#: A moment as pages show it ("26 Nov 2026, 21:25", "26 พ.ย. 2569 21:25").
MOMENT_RE = re.compile(r"\d{1,2} [^\s<]+ \d{4},? \d{2}:\d{2}")


def sign_up(client, **fields):
    data = {"email": EMAIL, "display_name": "Nok Collector", "birth_date": "1990-05-17",
            "password": PASSWORD, "password_confirm": PASSWORD}
    data.update(fields)
    response = post_form(client, "/register", data)
    assert response.status_code == 302
    return response


def log_in(client, email=EMAIL, password=PASSWORD):
    return post_form(client, "/login", {"email": email, "password": password})


def newest_sign_up():
    return db.session.scalar(select(PendingSignUp).order_by(PendingSignUp.id.desc()))


def links_mailed():
    return db.session.scalar(select(func.count(EmailMessage.id)).where(
        EmailMessage.kind == "sign_up_confirm"))


def send_again(client, page_html, **overrides):
    """Press "Send the link again" on the log-in answer ``page_html``."""
    proof = html_module.unescape(PROOF_RE.search(page_html).group(1))
    data = {"csrf_token": csrf_from(page_html), "proof": proof}
    data.update(overrides)
    return client.post("/register/again", data=data)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_password_of_a_waiting_sign_up_is_told_the_account_is_not_active_yet_acc_1(
        client, lang):
    """ACC-1: logging in with the password of a sign-up whose link was not opened says so:
    not active yet, the link went to this address and works until when (Bangkok time), with
    a "Send the link again" button; not "incorrect e-mail or password"."""
    client.set_cookie("lang", lang)
    sign_up(client)
    response = log_in(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    pending = newest_sign_up()
    with force_locale(lang):
        for text in ("Your account is not active yet.", "Send the link again",
                     "The e-mail address or password is incorrect."):
            shown = html_module.escape(gettext(text), quote=False) in page
            assert shown is (text != "The e-mail address or password is incorrect."), text
    assert EMAIL in page and "data-sign-up-waiting" in page
    assert format_datetime(pending.expires_at, lang) in page  # Bangkok time, in ``lang``
    assert 'action="/register/again"' in page and PROOF_RE.search(page)
    assert client.get("/account").status_code == 302  # not logged in
    if lang == "th":
        bangkok = pending.expires_at + timedelta(hours=7)
        assert f"{bangkok.year + 543} {bangkok:%H:%M}\u00a0น." in page


def test_without_the_password_a_waiting_sign_up_gets_the_usual_answer_acc_1(
        app, make_member, monkeypatch):
    """ACC-1 (privacy): a wrong password for an address with a waiting sign-up, for a
    member's address and for an unknown one get the same answer (status, cookies, page) and
    cost the same work: the same SQL statements and exactly two password verifications,
    nothing hashed."""
    make_member(email="kob@talat.example")  # (addresses of one length: same sizes)
    sign_up(app.test_client())
    spy = Spy(monkeypatch)
    seen = []
    for email in (EMAIL, "kob@talat.example", "tom@talat.example"):
        client = app.test_client()
        client.set_cookie("lang", "en")
        response, statements, calls = spy.post(client, "/login", {
            "email": email, "password": "not-the-password-9"})
        status, headers, cookies, body, _ = answer(client, response)
        assert "The e-mail address or password is incorrect." in body
        seen.append((status, headers, cookies, body.replace(email, "ADDRESS"), statements,
                     calls))
    assert seen[0] == seen[1] == seen[2]
    assert seen[0][0] == 422 and seen[0][5] == ["verify_password", "verify_password"]


def test_the_right_password_costs_the_same_work_as_a_wrong_one_acc_1(app, monkeypatch):
    """ACC-1 (timing): the log-in that finds the waiting sign-up's password does the same
    password work as one that does not (two verifications, nothing hashed) and records the
    same failure; only its answer, for the password's holder, differs."""
    sign_up(app.test_client())
    spy = Spy(monkeypatch)
    right = spy.post(app.test_client(), "/login", {"email": EMAIL, "password": PASSWORD})
    wrong = spy.post(app.test_client(), "/login", {"email": EMAIL, "password": "wrong-one-9x"})
    assert right[0].status_code == wrong[0].status_code == 422
    assert right[2] == wrong[2] == ["verify_password", "verify_password"]
    assert [s for s in right[1] if s.startswith("INSERT")] == \
        [s for s in wrong[1] if s.startswith("INSERT")]  # the failure, the traffic log


def test_a_members_own_password_logs_in_despite_a_sign_up_with_the_address_acc_1_acc_4(
        app, client, make_member):
    """ACC-1, ACC-4: someone signing up with a member's address (a sign-up is kept for it,
    unopenable) does not lock the member out: the member's own password logs in."""
    make_member(email=EMAIL)
    sign_up(app.test_client(), password="intruder-pass-77", password_confirm="intruder-pass-77")
    assert log_in(client).status_code == 302


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_sign_up_with_a_members_address_answers_its_maker_as_a_new_address_does_acc_1(
        app, make_member, monkeypatch, lang):
    """ACC-1 (privacy): whoever signs up with someone else's address knows the password they
    chose. Logging in with it, then pressing "Send the link again", answers exactly alike
    whether or not the address has an account (status, cookies, pages, the same statements
    and verifications); only the mail differs, and it goes to the address: a link to a new
    address, a warning to a member (and never a link that could open a second account)."""
    make_member(email="kob@talat.example", display_name="Kob Member")
    spy = Spy(monkeypatch)
    seen = []
    for email in ("kob@talat.example", "tom@talat.example"):  # (one length: same sizes)
        client = app.test_client()
        client.set_cookie("lang", lang)
        sign_up(client, email=email, display_name=f"Maker {email[:3]}",
                password="makers-pass-77", password_confirm="makers-pass-77")
        response, statements, calls = spy.post(client, "/login", {
            "email": email, "password": "makers-pass-77"})
        page = response.get_data(as_text=True)
        status, headers, cookies, body, _ = answer(client, response)
        again = answer(client, send_again(client, page))
        seen.append((status, headers, cookies, re.sub(PROOF_RE, "PROOF", body),
                     statements, calls, again))
        seen[-1] = tuple(MOMENT_RE.sub("MOMENT", str(part).replace(email, "ADDRESS"))
                         for part in seen[-1])  # (the two ran a moment apart)
    assert seen[0] == seen[1]
    assert "data-sign-up-waiting" in seen[0][3]
    kinds = dict(db.session.execute(select(EmailMessage.to_address, func.count(EmailMessage.id))
                                    .where(EmailMessage.kind == "sign_up_confirm")
                                    .group_by(EmailMessage.to_address)).all())
    assert kinds == {"tom@talat.example": 2}
    assert [m.to_address for m in db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "sign_up_taken"))] == ["kob@talat.example"] * 2
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_an_expired_sign_ups_password_gets_the_usual_answer_acc_1(client):
    """ACC-1: a sign-up whose link has expired is no longer waiting: "incorrect"."""
    client.set_cookie("lang", "en")
    sign_up(client)
    db.session.execute(PendingSignUp.__table__.update().values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    page = log_in(client).get_data(as_text=True)
    assert "The e-mail address or password is incorrect." in page
    assert "data-sign-up-waiting" not in page


def test_the_password_of_the_newest_sign_up_is_the_one_recognised_acc_1(client, app):
    """ACC-1: of several sign-ups of one address only the newest is checked (one
    verification whatever the address): its password is recognised; an older one's gets
    "incorrect" (its link still works)."""
    client.set_cookie("lang", "en")
    sign_up(client, password="first-password-41", password_confirm="first-password-41")
    sign_up(app.test_client())
    assert "data-sign-up-waiting" in log_in(client).get_data(as_text=True)
    older = log_in(client, password="first-password-41").get_data(as_text=True)
    assert "The e-mail address or password is incorrect." in older


def test_a_log_in_to_a_waiting_sign_up_still_counts_as_a_failed_one_acc_1_acc_4(
        app, client):
    """ACC-1, ACC-4: no session is opened, so the log-in counts towards the address block as
    it did; past the limit the block is said, not the sign-up."""
    sign_up(client)
    client.set_cookie("lang", "en")
    max_failures = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(max_failures):
        assert log_in(client).status_code == 422
    assert db.session.scalar(select(func.count(LoginFailure.id))) == max_failures
    blocked = log_in(client)
    assert blocked.status_code == 429
    assert "data-sign-up-waiting" not in blocked.get_data(as_text=True)


def test_send_the_link_again_mails_a_fresh_link_that_opens_the_account_acc_1(client, app):
    """ACC-1: "Send the link again" mails the address a new link (in the reader's language)
    to the same sign-up: it opens the account with the name and password chosen at
    sign-up."""
    client.set_cookie("lang", "en")
    sign_up(client)
    first = sign_up_link(EMAIL)
    response = send_again(client, log_in(client).get_data(as_text=True))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    fresh = newest_sign_up()
    landing = client.get("/login").get_data(as_text=True)
    assert f"We have sent a new link to {EMAIL}" in landing
    assert format_datetime(fresh.expires_at, "en") in landing
    assert links_mailed() == 2 and sign_up_link(EMAIL) != first
    [newest] = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "sign_up_confirm").order_by(EmailMessage.id.desc()).limit(1))
    assert newest.to_address == EMAIL
    assert newest.subject == "Confirm your e-mail address to finish signing up to Talat"
    assert confirm_sign_up(client, EMAIL).status_code == 302
    user = db.session.scalar(select(User))
    assert (user.email, user.display_name) == (EMAIL, "Nok Collector")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(
        as_text=True))})
    assert log_in(app.test_client()).status_code == 302


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_link_is_sent_at_most_three_times_an_hour_and_says_when_again_acc_1(
        client, lang):
    """ACC-1: sign-ups and links sent again share the limit of three mails an hour to an
    address; past it the answer says so, in the reader's language, and from when it can be
    asked again (Bangkok time). No fourth mail goes out."""
    client.set_cookie("lang", lang)
    sign_up(client)
    page = log_in(client).get_data(as_text=True)
    assert send_again(client, page).status_code == 302
    assert send_again(client, page).status_code == 302
    assert links_mailed() == 3
    first_sent = db.session.scalar(select(func.min(PendingSignUp.created_at)))
    refused = send_again(client, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "data-resend-problem" in html
    assert format_datetime(first_sent + timedelta(hours=1), lang) in html
    with force_locale(lang):
        said = str(signup.SignUpMailLimit(first_sent + timedelta(hours=1)).message)
    assert html_module.escape(said, quote=False) in html
    assert 'value="nok@talat.example"' in html  # the log-in form, ready for later
    assert links_mailed() == 3
    if lang == "en":
        assert "already been sent 3 links in the past hour" in html


def test_send_the_link_again_needs_the_proof_of_the_password_acc_1(client, app):
    """ACC-1: the button cannot be used to mail an address without having typed the sign-up's
    password moments before: no proof, a forged proof, or one older than its minutes sends
    nothing; without the CSRF token neither."""
    client.set_cookie("lang", "en")
    sign_up(client)
    page = log_in(client).get_data(as_text=True)
    for proof in ("", "forged", unconfirmed.URLSafeTimedSerializer(
            "another-secret", salt="talat.accounts.sign-up-resend").dumps(
            [newest_sign_up().id, EMAIL, newest_sign_up().created_at.isoformat()])):
        response = send_again(client, page, proof=proof)
        assert response.status_code == 302
        assert "Please log in again" in client.get("/login").get_data(as_text=True)
    proof = html_module.unescape(PROOF_RE.search(page).group(1))
    assert client.post("/register/again", data={"proof": proof}).status_code == 400
    assert links_mailed() == 1
    with app.test_request_context():
        assert unconfirmed.sign_up_from_proof(proof, utcnow()).email == EMAIL
        with pytest.raises(unconfirmed.ResendProofInvalid):
            unconfirmed.sign_up_from_proof(
                proof, utcnow() + timedelta(minutes=unconfirmed.PROOF_MINUTES + 1))


def test_the_owner_opening_the_account_does_not_change_what_the_sign_ups_maker_sees_acc_1(
        app):
    """ACC-1 (privacy): someone signs up with an address after its owner did; the owner opens
    the account from the owner's own link. The other sign-up's password answers "not active
    yet" before and after, alike, so its maker cannot tell that the account was opened; the
    owner logs in with the owner's password."""
    owner, maker = app.test_client(), app.test_client()
    for client in (owner, maker):
        client.set_cookie("lang", "en")
    sign_up(owner)
    owners_link = sign_up_link(EMAIL)
    sign_up(maker, display_name="Someone Else", password="makers-pass-77",
            password_confirm="makers-pass-77")

    def makers_view():
        response = log_in(maker, password="makers-pass-77")
        return response.status_code, re.sub(PROOF_RE, "PROOF", strip_csrf(
            response.get_data(as_text=True)))

    before = makers_view()
    page = owner.get(owners_link).get_data(as_text=True)
    assert owner.post(owners_link, data={"csrf_token": csrf_from(page), "password": PASSWORD,
                                         "display_name": "Nok Collector"}).status_code == 302
    assert db.session.scalar(select(User.display_name)) == "Nok Collector"
    assert makers_view() == before and "data-sign-up-waiting" in before[1]
    assert log_in(app.test_client()).status_code == 302  # the owner's own password


def test_send_the_link_again_for_an_address_that_has_an_account_now_warns_the_owner_acc_1(
        client, app):
    """ACC-1: once the address has an account (here opened on another device from this very
    sign-up), the button does what signing up again would: it answers as ever and warns the
    account's owner; no link that could open a second account is sent."""
    client.set_cookie("lang", "en")
    sign_up(client)
    page = log_in(client).get_data(as_text=True)
    assert confirm_sign_up(app.test_client(), EMAIL).status_code == 302  # another device
    response = send_again(client, page)
    assert response.status_code == 302
    assert f"We have sent a new link to {EMAIL}" in client.get("/login").get_data(as_text=True)
    assert links_mailed() == 1
    [warning] = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "sign_up_taken")).all()
    assert warning.to_address == EMAIL


def test_a_name_taken_while_the_link_waited_is_said_on_the_activation_page_acc_1_acc_2(
        client, make_member):
    """ACC-1, ACC-2: the display name chosen at sign-up, taken by someone else before the
    link was opened, is said as soon as the page opens; another one finishes the sign-up."""
    client.set_cookie("lang", "en")
    sign_up(client)
    make_member(display_name="nok collector")  # (names are unique in any letter case)
    page = client.get(sign_up_link(EMAIL))
    assert page.status_code == 200
    assert "Someone else took the display name you chose" in page.get_data(as_text=True)
    response = confirm_sign_up(client, EMAIL, "Nok Second")
    assert response.status_code == 302
    assert db.session.scalar(select(User.display_name).where(User.email == EMAIL)) \
        == "Nok Second"


def test_a_name_taken_at_the_moment_of_activation_gives_the_form_not_an_error_acc_1_acc_2(
        client, make_member, monkeypatch):
    """ACC-1, ACC-2: a name taken by another request between the check and the account's
    creation (the database's unique key refuses it) comes back as the form with the name
    to change, not an error page."""
    client.set_cookie("lang", "en")
    sign_up(client)
    make_member(display_name="Nok Collector")
    link = sign_up_link(EMAIL)
    page = client.get(link).get_data(as_text=True)
    real_key, missed = signup.display_name_key, []

    def key_missing_the_first_check(name):  # as if the other member came in after it
        if not missed:
            missed.append(name)
            return "no member has this key"
        return real_key(name)

    monkeypatch.setattr(signup, "display_name_key", key_missing_the_first_check)
    response = client.post(link, data={"csrf_token": csrf_from(page), "password": PASSWORD,
                                       "display_name": "Nok Collector"})
    assert missed and response.status_code == 422
    assert "This display name is taken" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert confirm_sign_up(client, EMAIL, "Nok Again").status_code == 302
