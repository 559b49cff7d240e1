"""ACC-1: the sign-up form never tells whether an e-mail address already has an account.

A taken address gets the very answer a fresh one gets ("check your e-mail"); the address's
owner is e-mailed a warning instead of a sign-up link; the account of a fresh address opens
only from the link mailed to it.
"""
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, PendingSignUp, User
from tests.conftest import PASSWORD, confirm_sign_up, csrf_from, post_form, sign_up_link

CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value="|"X-CSRFToken": ")[^"]+"')


def sign_up(client, **fields):
    data = {"email": "nok@talat.example", "display_name": "Nok Collector",
            "birth_date": "1990-05-17", "password": PASSWORD, "password_confirm": PASSWORD}
    data.update(fields)
    return post_form(client, "/register", data)


def answer(client, response):
    """What a visitor sees of a sign-up: status, where it leads, its body and the page it
    leads to, CSRF tokens removed (each session has its own)."""
    def strip(text):
        return CSRF_VALUE.sub(r'\1"', text)

    landing = client.get(response.headers["Location"]) if response.status_code == 302 else None
    cookies = sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie"))
    return (response.status_code, response.headers.get("Location"), cookies,
            strip(response.get_data(as_text=True)),
            landing and (landing.status_code, strip(landing.get_data(as_text=True))))


def count_users():
    return db.session.scalar(select(func.count(User.id)))


def mails(kind):
    return db.session.scalars(select(EmailMessage).where(EmailMessage.kind == kind)).all()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_taken_address_gets_the_same_answer_as_a_fresh_one_acc_1(app, make_member, lang):
    """ACC-1 (privacy): signing up with a member's address answers exactly as a new address
    does (status, redirect, page), so the form cannot be used to find out who is a member."""
    make_member(email="taken@talat.example", display_name="Old Member")
    answers = []
    for email, name in (("fresh@talat.example", "New Person"),
                        ("taken@talat.example", "Another Person")):
        client = app.test_client()
        client.set_cookie("lang", lang)
        response = sign_up(client, email=email, display_name=name)
        assert response.status_code == 302
        answers.append(answer(client, response))
    assert answers[0] == answers[1]
    assert answers[0][1].endswith("/register/sent")


def test_the_address_in_another_letter_case_gets_the_same_answer_too_acc_1(app, make_member):
    """ACC-1: "NOK@Talat.Example" is the member's "nok@talat.example": same answer, and the
    owner is warned."""
    make_member(email="nok@talat.example")
    fresh, taken = app.test_client(), app.test_client()
    one = answer(fresh, sign_up(fresh, email="Someone@Talat.Example", display_name="Some One"))
    two = answer(taken, sign_up(taken, email="NOK@Talat.Example", display_name="Some Two"))
    assert one == two
    assert [m.to_address for m in mails("sign_up_taken")] == ["nok@talat.example"]


def test_the_owner_of_a_taken_address_is_warned_in_their_language_acc_1(client, make_member):
    """ACC-1: the real owner is told someone tried to open an account with the address, in
    the owner's own language, with a link to log in and one to choose a new password; no
    sign-up link is sent and no second account is made (the sign-up kept cannot be
    opened)."""
    owner = make_member(email="taken@talat.example", display_name="Old Member")
    owner.locale = "en"
    db.session.commit()
    client.set_cookie("lang", "th")  # (the person signing up reads Thai)
    assert sign_up(client, email="taken@talat.example", display_name="Someone New") \
        .status_code == 302
    [warning] = mails("sign_up_taken")
    assert warning.to_address == "taken@talat.example" and warning.user_id == owner.id
    assert warning.subject == "Someone tried to sign up to Talat with your e-mail address"
    assert "Hello Old Member," in warning.body_text
    assert "/login" in warning.body_text and "/password/forgot" in warning.body_text
    assert "Someone New" not in warning.body_text
    assert mails("sign_up_confirm") == [] and sign_up_link("taken@talat.example") is None
    assert count_users() == 1
    # The sign-up is kept, as a new address's is (a log-in with its password then answers
    # alike for both, test_sign_up_waiting), but with a link nobody is sent.
    assert db.session.scalar(select(func.count(PendingSignUp.id))) == 1


def test_the_warning_is_in_thai_for_a_thai_member_acc_1(client, make_member):
    """ACC-1: Thai is the default language of the warning too."""
    make_member(email="taken@talat.example", display_name="Old Member")
    client.set_cookie("lang", "en")
    sign_up(client, email="taken@talat.example", display_name="Someone New")
    from flask_babel import force_locale, gettext

    [warning] = mails("sign_up_taken")
    with force_locale("th"):
        assert warning.subject == gettext("Someone tried to sign up to Talat with your e-mail "
                                          "address")
    assert "สวัสดี คุณ Old Member" in warning.body_text and "ทีมงานตลาด" in warning.body_text


def test_the_owner_is_warned_only_a_few_times_an_hour_acc_1(client, make_member):
    """ACC-1: the form cannot be used to flood a member's inbox; the answer stays the same."""
    make_member(email="taken@talat.example")
    codes = [sign_up(client, email="taken@talat.example",
                     display_name=f"Someone {n}").status_code for n in range(5)]
    assert codes == [302] * 5
    assert len(mails("sign_up_taken")) == 3


def test_a_fresh_address_opens_its_account_only_from_the_mailed_link_acc_1(client, login):
    """ACC-1: a new address is mailed a link; until it is opened there is no account (the
    log-in form refuses); the link's button opens the account and logs the member in."""
    client.set_cookie("lang", "en")
    assert sign_up(client).status_code == 302
    assert count_users() == 0
    [message] = mails("sign_up_confirm")
    assert message.to_address == "nok@talat.example"
    assert message.subject == "Confirm your e-mail address to finish signing up to Talat"
    assert login("nok@talat.example").status_code == 422
    page = client.get(sign_up_link("nok@talat.example"))
    assert page.status_code == 200 and count_users() == 0  # opening the link changes nothing
    response = confirm_sign_up(client, "nok@talat.example")
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert (user.email, user.display_name) == ("nok@talat.example", "Nok Collector")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    home = client.get("/").get_data(as_text=True)
    assert "Welcome to Talat, Nok Collector!" in home
    assert [m.to_address for m in mails("welcome")] == ["nok@talat.example"]
    client.post("/logout", data={"csrf_token": csrf_from(home)})
    assert login("nok@talat.example").status_code == 302


def test_a_used_link_does_not_open_a_second_account_acc_1(client, app):
    """ACC-1: the link works once; another link mailed to the same address stops working
    when one of them opens the account."""
    sign_up(client)
    first = sign_up_link("nok@talat.example")
    sign_up(app.test_client(), display_name="Nok Again")
    second = sign_up_link("nok@talat.example")
    assert first != second
    assert confirm_sign_up(client, "nok@talat.example").status_code == 302
    assert db.session.scalar(select(User.display_name)) == "Nok Again"
    other = app.test_client()
    assert other.get(first).status_code == 400
    assert count_users() == 1


def test_a_double_tapped_activation_lands_on_the_same_welcome_acc_1(client, app):
    """ACC-1: the activation button pressed twice: the second press lands on the welcome as
    well, logged in, with one account."""
    sign_up(client)
    link = sign_up_link("nok@talat.example")
    page = client.get(link).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "password": PASSWORD, "display_name": "Nok Collector"}
    twin = app.test_client()
    twin.set_cookie("talat_session", client.get_cookie("talat_session").value)
    assert client.post(link, data=data).status_code == 302
    second = twin.post(link, data=data)
    assert second.status_code == 302 and second.headers["Location"].endswith("/")
    assert twin.get("/account").status_code == 200
    assert count_users() == 1


def test_an_expired_or_unknown_link_is_refused_acc_1(client):
    """ACC-1: the link lasts 48 hours."""
    sign_up(client)
    link = sign_up_link("nok@talat.example")
    db.session.execute(PendingSignUp.__table__.update().values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(link).status_code == 400
    assert client.get("/register/confirm/not-a-token").status_code == 400
    assert count_users() == 0


def test_a_name_taken_before_the_link_is_opened_can_be_changed_acc_1_acc_2(
        client, make_member):
    """ACC-1, ACC-2: display names stay unique: one taken between the sign-up and the link
    is said on the activation page, where another can be chosen."""
    client.set_cookie("lang", "en")
    sign_up(client)
    make_member(display_name="Nok Collector")
    response = confirm_sign_up(client, "nok@talat.example")
    assert response.status_code == 422
    assert "display name is taken" in response.get_data(as_text=True)
    assert confirm_sign_up(client, "nok@talat.example", "Nok Second").status_code == 302
    assert db.session.scalar(select(User.email).where(User.display_name_key == "nok second")) \
        == "nok@talat.example"


def test_an_address_that_got_an_account_meanwhile_is_not_given_a_second_acc_1(
        client, make_member):
    """ACC-1: a link for an address that has meanwhile got an account opens nothing."""
    sign_up(client)
    make_member(email="nok@talat.example", display_name="First Nok")
    response = confirm_sign_up(client, "nok@talat.example")
    assert response.status_code == 400
    assert count_users() == 1


def test_mistakes_are_still_told_at_once_and_kept_acc_1(client, make_member):
    """ACC-1: a malformed address, a weak password, a taken display name are said at once,
    with what was typed kept (not the password); a taken address is never among them."""
    make_member(email="taken@talat.example", display_name="Old Member")
    client.set_cookie("lang", "en")
    response = sign_up(client, email="taken@talat.example", display_name="Old Member",
                       password="short", password_confirm="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at least 10" in html and "display name is taken" in html
    assert "already" not in html.split("display name is taken")[0].split("<main")[-1]
    assert "An account with this e-mail address already exists" not in html
    assert 'value="taken@talat.example"' in html and 'value="Old Member"' in html
    assert 'value="short"' not in html
    bad = sign_up(client, email="somchai@gmail", display_name="Some Chai")
    assert bad.status_code == 422
    assert "Please enter a valid e-mail address" in bad.get_data(as_text=True)
    assert 'value="somchai@gmail"' in bad.get_data(as_text=True)
    assert mails("sign_up_taken") == [] and mails("sign_up_confirm") == []


def test_refused_forms_answer_alike_for_taken_and_fresh_addresses_acc_1(app, make_member):
    """ACC-1: a form refused for another mistake does not tell a taken address either."""
    make_member(email="taken@talat.example")
    answers = []
    for email in ("fresh@talat.example", "taken@talat.example"):
        client = app.test_client()
        response = sign_up(client, email=email, password_confirm="something-else-1")
        assert response.status_code == 422
        answers.append(answer(client, response)[3].replace(email, "ADDRESS"))
    assert answers[0] == answers[1]


def test_an_under_18_sign_up_asks_the_guardian_once_the_address_is_confirmed_acc_1_acc_3(
        client):
    """ACC-1, ACC-3: the guardian is e-mailed only once the member's own address is
    confirmed (a stranger's sign-up does not mail a guardian), then the account waits for
    the guardian's consent."""
    from datetime import date

    today = date.today()
    born = date(today.year - 15, today.month, min(today.day, 28))
    assert sign_up(client, birth_date=born.isoformat(), guardian_name="Somsri Jaidee",
                   guardian_email="somsri@talat.example", guardian_consent="y") \
        .status_code == 302
    assert mails("guardian_consent") == []
    assert confirm_sign_up(client, "nok@talat.example").status_code == 302
    user = db.session.scalar(select(User))
    assert user.guardian_email == "somsri@talat.example" and user.guardian_consent_at is None
    [ask] = mails("guardian_consent")
    assert ask.to_address == "somsri@talat.example" and "/guardian/" in ask.body_text


def test_the_sign_up_link_is_masked_once_the_mail_is_sent_acc_1(app):
    """ACC-1: like a reset link, the stored copy of a sent sign-up link loses its secret."""
    from app.mail import forget_secrets

    message = EmailMessage(body_text="Open https://talat.example/register/confirm/abcDEF_123-x\n")
    forget_secrets(message)
    assert "abcDEF" not in message.body_text and "/register/confirm/" in message.body_text


def test_expired_sign_ups_are_purged_acc_1(client):
    """ACC-1: a sign-up never confirmed (a password hash, a birth date) does not stay."""
    from app.blueprints.accounts.signup import purge_expired

    sign_up(client)
    assert purge_expired(utcnow()) == 0
    assert purge_expired(utcnow() + timedelta(hours=49)) == 1


def test_simultaneous_sign_ups_and_activations_make_one_account_acc_1(app):
    """ACC-1 under concurrency: four sign-ups with one address at once all get the same
    answer and send three links (the hourly cap); the links pressed at once open one account
    and every press lands on its welcome, none on an error page."""
    clients = [app.test_client() for _ in range(4)]
    tokens = [csrf_from(c.get("/register").get_data(as_text=True)) for c in clients]
    barrier = threading.Barrier(len(clients))
    codes = []

    failures = []

    def run(index, url, data):
        barrier.wait()
        try:
            codes.append(clients[index].post(url, data={"csrf_token": tokens[index], **data})
                         .status_code)
        except Exception as error:  # noqa: BLE001 (a deadlock or 500 must fail the test)
            failures.append(repr(error))

    def all_at_once(jobs):
        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    all_at_once([(i, "/register", {
        "email": "race@talat.example", "display_name": f"Racer {i}", "birth_date": "1990-05-17",
        "password": PASSWORD, "password_confirm": PASSWORD}) for i in range(4)])
    assert not failures and codes == [302] * 4
    bodies = db.session.scalars(select(EmailMessage.body_text).where(
        EmailMessage.kind == "sign_up_confirm")).all()
    links = [re.search(r"(/register/confirm/\S+)", body).group(1) for body in bodies]
    db.session.rollback()  # (end this session's read, or SQLite keeps showing its snapshot)
    assert len(links) == 3  # three mails an hour per address, however many at once
    codes.clear()
    barrier = threading.Barrier(len(links))
    all_at_once([(i, link, {"password": PASSWORD, "display_name": f"Racer {i}"})
                 for i, link in enumerate(links)])
    # One opens the account; the others, of the same address, land on its welcome.
    assert not failures and codes == [302] * len(links)
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_without_a_mail_server_the_sent_page_says_the_message_is_in_the_outbox_acc_1(
        make_app):
    """ACC-1: on a site with no mail server (the demo) the "check your e-mail" page says the
    message waits in the outbox for an administrator; with one, it does not."""
    without = make_app(MAIL_SERVER="")
    page = without.test_client().get("/register/sent").get_data(as_text=True)
    assert "data-no-mail-server" in page
    with_server = make_app(MAIL_SERVER="smtp.talat.example")
    page = with_server.test_client().get("/register/sent").get_data(as_text=True)
    assert "data-no-mail-server" not in page
