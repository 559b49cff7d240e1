"""Hostile input on every account form: a clear message, nothing stored wrong, nothing echoed
raw, no crash."""
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, confirm_sign_up, csrf_from, post_form

SCRIPT = '<script>alert("x")</script>'
HOSTILE_VALUES = [SCRIPT, "a" * 5000, "' OR 1=1 --", "\x00\x01", "😀" * 50, ""]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_login_form_survives_hostile_values(client, value):
    for fields in ({"email": value, "password": PASSWORD}, {"email": "a@talat.example",
                                                            "password": value}):
        response = post_form(client, "/login", fields)
        assert response.status_code in (400, 422)
        assert SCRIPT not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_forgot_password_form_survives_hostile_values(client, value):
    response = post_form(client, "/password/forgot", {"email": value})
    assert response.status_code in (302, 400, 422)
    assert SCRIPT not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_profile_form_refuses_hostile_display_names(client, make_member, login, value):
    member = make_member(display_name="Calm Name")
    login(member.email)
    response = post_form(client, "/account", {"display_name": value, "locale": "th"})
    assert response.status_code in (400, 422)
    assert SCRIPT not in response.get_data(as_text=True)
    assert db.session.get(User, member.id).display_name == "Calm Name"


def test_profile_refuses_an_unknown_language(client, make_member, login):
    member = make_member()
    login(member.email)
    response = post_form(client, "/account", {"display_name": "Calm Name", "locale": "xx"})
    assert response.status_code == 422
    assert db.session.get(User, member.id).locale == "th"


def test_two_simultaneous_sign_ups_with_one_email_make_one_account_acc_1(app):
    """ACC-1 under concurrency: the database, not luck, keeps e-mail addresses unique. Every
    sign-up gets the same answer (the form never says an address is taken); the account
    opens from the link mailed (tests/test_signup_privacy.py presses several at once)."""
    clients = [app.test_client() for _ in range(4)]
    tokens = [csrf_from(c.get("/register").get_data(as_text=True)) for c in clients]
    barrier = threading.Barrier(len(clients))
    codes = []

    def sign_up(index):
        barrier.wait()
        response = clients[index].post("/register", data={
            "csrf_token": tokens[index], "email": "race@talat.example",
            "display_name": f"Racer {index}", "birth_date": "1990-05-17",
            "password": PASSWORD, "password_confirm": PASSWORD})
        codes.append(response.status_code)

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * len(clients)
    db.session.rollback()
    assert confirm_sign_up(clients[0], "race@talat.example").status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_simultaneous_logins_on_sqlite_and_postgresql_all_succeed_acc_1(app, make_member):
    """Writers queue instead of failing with "database is locked" (ARCHITECTURE: traps)."""
    emails = [make_member().email for _ in range(6)]
    clients = [app.test_client() for _ in emails]
    tokens = [csrf_from(c.get("/login").get_data(as_text=True)) for c in clients]
    barrier = threading.Barrier(len(clients))
    codes = []

    def log_in(index):
        barrier.wait()
        codes.append(clients[index].post("/login", data={
            "csrf_token": tokens[index], "email": emails[index],
            "password": PASSWORD}).status_code)

    threads = [threading.Thread(target=log_in, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * len(clients)


@pytest.mark.parametrize("url", ["/members/99999999999999999999", "/members/0",
                                 "/members/2147483648", "/admin/outbox/99999999999999",
                                 "/listings/9999999999999"])
def test_huge_ids_in_urls_are_404_not_500(client, url):
    assert client.get(url).status_code in (404, 302)


def test_display_name_that_folds_longer_is_refused_not_a_crash(client, make_member, login):
    member = make_member()
    login(member.email)
    response = post_form(client, "/account", {"display_name": "ß" * 40, "locale": "th"})
    assert response.status_code == 422


@pytest.mark.parametrize("name", ["Admin", "แอดมิน ตลาด", "ผู้ดูแลระบบ", "TALAT", "ตลาด",
                                  "Super Moderator"])
def test_names_that_impersonate_the_site_are_refused_acc_2(client, name):
    """ACC-2: display names are public, so they may not pass a member off as staff."""
    response = post_form(client, "/register", {
        "email": "imp@talat.example", "display_name": name, "birth_date": "1990-05-17",
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_birth_year_typed_in_the_buddhist_era_is_understood_acc_3(client):
    response = post_form(client, "/register", {
        "email": "be@talat.example", "display_name": "Buddhist Era", "birth_date": "2533-05-17",
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302
    assert confirm_sign_up(client, "be@talat.example").status_code == 302
    assert db.session.scalar(select(User.birth_date)).year == 1990


def test_no_csrf_flood_gets_throttled_and_is_not_logged_row_by_row_acc_8(make_app):
    from app.models import TrafficLogEntry

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PER_IP="20 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={}).status_code for _ in range(30)]
    assert codes[:20] == [400] * 20 and set(codes[20:]) == {429}
    with app.app_context():
        assert db.session.scalar(select(func.count(TrafficLogEntry.id))) == 20


def test_reset_tokens_never_reach_the_traffic_log_acc_6(client, make_member):
    from app.blueprints.accounts.reset_requests import send_reset_link
    from app.database import utcnow
    from app.models import TrafficLogEntry

    member = make_member()
    token = send_reset_link(member.email, now=utcnow())
    db.session.commit()
    post_form(client, f"/password/reset/{token}", {"password": "x", "password_confirm": "x"})
    targets = db.session.scalars(select(TrafficLogEntry.target)).all()
    assert targets == ["/password/reset/[hidden]"]
