"""Hostile input on every account form: a clear message, nothing stored wrong, nothing echoed
raw, no crash."""
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, csrf_from, post_form

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
    """ACC-1 under concurrency: the database, not luck, keeps e-mail addresses unique."""
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
    assert sorted(codes) == [302, 422, 422, 422]
    assert db.session.scalar(select(func.count(User.id))) == 1
