"""ACC-1 (security): the activation page asks for the password chosen at sign-up.

Without it, someone could sign up with another person's address and their own password; the
address's owner, pressing "Activate" in the mail, would open an account tied to the owner's
address whose password the one who signed up knows (an account taken over before it
existed). Also: a used sign-up no longer answers a log-in "not active yet" (ACC-1, ACC-9).
"""
import html as html_module

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.blueprints.accounts import deletion, passwords, signup
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, PendingSignUp, User
from tests.conftest import PASSWORD, confirm_sign_up, csrf_from, post_form, sign_up_link

EMAIL = "nok@talat.example"
MAKERS_PASSWORD = "makers-pass-77"
WRONG = ("This is not the password chosen when signing up. If you did not sign up on Talat, "
         "ignore the e-mail; no account is opened.")


def sign_up(client, password=PASSWORD, **fields):
    data = {"email": EMAIL, "display_name": "Nok Collector", "birth_date": "1990-05-17",
            "password": password, "password_confirm": password}
    data.update(fields)
    assert post_form(client, "/register", data).status_code == 302


def press_activate(client, link, **data):
    page = client.get(link).get_data(as_text=True)
    return client.post(link, data={"csrf_token": csrf_from(page), **data})


def log_in(client, password):
    return post_form(client, "/login", {"email": EMAIL, "password": password})


def count_users():
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_owner_pressing_activate_does_not_open_someone_elses_sign_up_acc_1(app, lang):
    """ACC-1 (account pre-takeover): a sign-up made with the owner's address and someone
    else's password; the owner opens the mailed link and presses "Activate" with the owner's
    own password, or none. No account is opened, the page says to ignore the e-mail, and the
    one who signed up cannot log in."""
    maker, owner = app.test_client(), app.test_client()
    owner.set_cookie("lang", lang)
    sign_up(maker, password=MAKERS_PASSWORD)
    link = sign_up_link(EMAIL)
    page = owner.get(link).get_data(as_text=True)
    assert 'name="password"' in page and 'type="password"' in page
    for typed in (PASSWORD, ""):
        response = press_activate(owner, link, password=typed, display_name="Nok Collector")
        assert response.status_code == 422
        if typed:
            with force_locale(lang):
                assert html_module.escape(gettext(WRONG), quote=False) in \
                    response.get_data(as_text=True)
    assert count_users() == 0
    assert db.session.scalar(select(PendingSignUp.used_at)) is None
    assert log_in(maker, MAKERS_PASSWORD).status_code != 302
    assert maker.get("/account").status_code == 302  # not logged in


def test_the_password_chosen_at_sign_up_opens_the_account_acc_1(client):
    """ACC-1: the newcomer types the password chosen at sign-up and is logged in."""
    sign_up(client)
    assert confirm_sign_up(client, EMAIL).status_code == 302
    assert client.get("/account").status_code == 200 and count_users() == 1


def test_a_wrong_password_keeps_what_was_typed_and_costs_one_verification_acc_1(
        client, monkeypatch):
    """ACC-1: a wrong password comes back on the form with the display name as typed (the
    password itself never), after exactly one password verification."""
    client.set_cookie("lang", "en")
    sign_up(client)
    link = sign_up_link(EMAIL)
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password",
                        lambda stored, typed: calls.append(typed) or real(stored, typed))
    response = press_activate(client, link, password="not-mine-at-all-9",
                              display_name="Nok Renamed")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and calls == ["not-mine-at-all-9"]
    assert 'value="Nok Renamed"' in page and "not-mine-at-all-9" not in page
    assert html_module.escape(WRONG, quote=False) in page
    calls.clear()
    assert press_activate(client, link, password=PASSWORD,
                          display_name="Nok Renamed").status_code == 302
    assert calls == [PASSWORD]
    assert db.session.scalar(select(User.display_name)) == "Nok Renamed"


def test_a_double_tap_needs_the_password_too_acc_1(client, app):
    """ACC-1: the second press of a link that just opened its account lands on the welcome
    only with the sign-up's password."""
    sign_up(client)
    link = sign_up_link(EMAIL)
    assert confirm_sign_up(client, EMAIL).status_code == 302
    stranger = app.test_client()
    wrong = press_activate(stranger, link, password="guess-guess-77", display_name="Nok")
    assert wrong.status_code == 400 and stranger.get("/account").status_code == 302
    right = press_activate(stranger, link, password=PASSWORD, display_name="Nok")
    assert right.status_code == 302 and stranger.get("/account").status_code == 200


def test_wrong_passwords_are_limited_per_link_acc_1_acc_8(limited_link_app):
    """ACC-1, ACC-8: wrong passwords on one link are capped whatever the address they come
    from (``RATELIMIT_SIGNUP_LINK``, on top of the page's per-address limit); the right one
    is not counted, and another link is not affected."""
    app = limited_link_app
    sign_up(app.test_client())
    link = sign_up_link(EMAIL)
    codes = []
    for n in range(3):
        client = app.test_client()
        page = client.get(link, environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
        codes.append(client.post(link, environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
                                 data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                       "password": f"guess-number-{n}-x",
                                       "display_name": "Nok"}).status_code)
    assert codes == [422, 422, 429]
    assert count_users() == 0
    sign_up(app.test_client(), email="ploy@talat.example", display_name="Ploy")
    other = app.test_client()
    response = press_activate(other, sign_up_link("ploy@talat.example"), password=PASSWORD,
                              display_name="Ploy")
    assert response.status_code == 302


@pytest.fixture
def limited_link_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP_LINK="2 per hour",
                   RATELIMIT_PER_IP="1000 per minute", RATELIMIT_PER_ACCOUNT="1000 per minute")
    with app.app_context():
        yield app


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_sign_up_mail_says_the_activation_asks_for_the_password_acc_1(client, lang):
    """ACC-1: the mail says the page asks for the password chosen at sign-up, and what to do
    for someone who did not sign up."""
    client.set_cookie("lang", lang)
    sign_up(client)
    body = db.session.scalar(select(EmailMessage.body_text).where(
        EmailMessage.kind == "sign_up_confirm"))
    with force_locale(lang):
        for text in ("The page asks for the password you chose when signing up: type it to "
                     "open your account.",
                     "If you did not sign up on Talat, ignore this e-mail: no account is "
                     "opened without this link and that password."):
            assert gettext(text) in body


def test_a_used_sign_up_does_not_answer_the_old_password_not_active_yet_acc_1(client):
    """ACC-1: a member who changed the password and types the old one within the sign-up's
    48 hours is told "incorrect", not that the account is not active yet."""
    client.set_cookie("lang", "en")
    sign_up(client)
    assert confirm_sign_up(client, EMAIL).status_code == 302
    changed = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": "new-lotus-river-88",
        "password_confirm": "new-lotus-river-88"}, form_url="/account")
    assert changed.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(
        client.get("/account").get_data(as_text=True))})
    page = log_in(client, PASSWORD).get_data(as_text=True)
    assert "data-sign-up-waiting" not in page
    assert "The e-mail address or password is incorrect." in page
    assert log_in(client, "new-lotus-river-88").status_code == 302


def test_a_deleted_account_leaves_no_sign_up_and_no_not_active_yet_acc_9(client):
    """ACC-9: deleting the account deletes the sign-ups of its address (a password hash, a
    birth date); the old password then gets "incorrect", not "not active yet"."""
    client.set_cookie("lang", "en")
    sign_up(client)
    assert confirm_sign_up(client, EMAIL).status_code == 302
    user = db.session.scalar(select(User))
    deletion.request_deletion(user, PASSWORD, now=utcnow())
    db.session.commit()
    assert db.session.scalar(select(func.count(PendingSignUp.id))) == 0
    page = log_in(client, PASSWORD).get_data(as_text=True)
    assert "data-sign-up-waiting" not in page
    assert "The e-mail address or password is incorrect." in page


def test_another_link_of_the_address_opens_nothing_once_it_has_an_account_acc_1(
        client, app, monkeypatch):
    """ACC-1: only the link that opened the account is marked used; another link of the
    address opens no second account, and says why (links go only to the address, so whoever
    holds one holds the address)."""
    sign_up(client)
    first = sign_up_link(EMAIL)
    sign_up(app.test_client(), display_name="Nok Again")
    assert confirm_sign_up(client, EMAIL).status_code == 302  # the newest link
    assert db.session.scalar(select(func.count(PendingSignUp.id)).where(
        PendingSignUp.used_at.is_(None))) == 1
    monkeypatch.setattr(signup, "REPEAT_SECONDS", -1)  # long after (no double tap)
    other = app.test_client()
    other.set_cookie("lang", "en")
    response = press_activate(other, first, password=PASSWORD, display_name="Nok Third")
    assert response.status_code == 400
    assert "already has a Talat account" in response.get_data(as_text=True)
    assert count_users() == 1 and other.get("/account").status_code == 302
