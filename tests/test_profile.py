"""The profile page: a member sees and edits their own details, nobody else's."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import LoginSession, User
from tests.conftest import PASSWORD, post_form


def test_profile_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_member_sees_their_own_details(client, make_member, login):
    member = make_member(email="lek@talat.example", display_name="Lek Amulets")
    make_member(email="other@talat.example", display_name="Someone Else")
    login(member.email)
    page = client.get("/account").get_data(as_text=True)
    assert "lek@talat.example" in page
    assert "other@talat.example" not in page


def test_member_edits_display_name_and_language(client, make_member, login):
    member = make_member()
    login(member.email)
    response = post_form(client, "/account", {"display_name": "Nok Amulets", "locale": "en"})
    assert response.status_code == 302
    user = db.session.get(User, member.id)
    assert (user.display_name, user.locale) == ("Nok Amulets", "en")
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


def test_profile_form_cannot_change_email_role_or_someone_else(client, make_member, login):
    member = make_member(email="lek@talat.example")
    other = make_member(email="other@talat.example", display_name="Other Member")
    login(member.email)
    post_form(client, "/account", {"display_name": "Lek Two", "locale": "th", "role": "admin",
                                   "email": "x@talat.example", "id": other.id})
    user = db.session.get(User, member.id)
    assert (user.email, user.role) == ("lek@talat.example", "member")
    assert db.session.get(User, other.id).display_name == "Other Member"


def test_profile_refuses_a_taken_display_name_and_keeps_input(client, make_member, login):
    member = make_member()
    make_member(display_name="Taken Name")
    login(member.email)
    client.set_cookie("lang", "en")
    response = post_form(client, "/account", {"display_name": "TAKEN name", "locale": "th"})
    assert response.status_code == 422
    assert 'value="TAKEN name"' in response.get_data(as_text=True)


def test_change_password_ends_other_sessions_but_not_this_one(app, client, make_member, login):
    member = make_member()
    other_device = app.test_client()
    login(member.email, target=other_device)
    login(member.email)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": "lotus-temple-bell-77",
        "password_confirm": "lotus-temple-bell-77"}, form_url="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    assert len(db.session.scalars(select(LoginSession)).all()) == 1


def test_change_password_needs_the_current_one(client, make_member, login):
    member = make_member()
    login(member.email)
    response = post_form(client, "/account/password", {
        "current_password": "wrong-password-1", "password": "lotus-temple-bell-77",
        "password_confirm": "lotus-temple-bell-77"}, form_url="/account")
    assert response.status_code == 422


NEW_PASSWORD = "lotus-temple-bell-77"


def _password_form(client):
    """The change-password form as the profile page sends it (its CSRF token included)."""
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/account").get_data(as_text=True))
    return {"csrf_token": token, "current_password": PASSWORD, "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD}


def test_change_password_form_sent_twice_lands_on_the_same_success(app, client, make_member,
                                                                    login):
    """A double tap sends the form twice: the second answer is the first one's success (not
    "current password incorrect"), and nothing is done twice (one notice e-mail)."""
    from app.models import EmailMessage

    member = make_member()
    login(member.email)
    form = _password_form(client)
    first = client.post("/account/password", data=form)
    second = client.post("/account/password", data=form)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    page = client.get("/account").get_data(as_text=True)
    assert "incorrect" not in page and "ไม่ถูกต้อง" not in page
    assert page.count("alert--success") >= 1
    assert db.session.scalar(select(User.password_changed_at).where(User.id == member.id))
    notices = db.session.scalars(select(EmailMessage).where(
        EmailMessage.to_address == member.email, EmailMessage.kind == "password_changed")).all()
    assert len(notices) == 1
    assert login(member.email, password=NEW_PASSWORD, target=app.test_client()
                 ).status_code == 302


def test_change_password_check_is_not_weakened_by_the_repeat(client, make_member, login):
    """Right after a change, a wrong current password is still refused unless the form's new
    password is the one now in force; and only for a short while after the change."""
    from datetime import timedelta

    from app.blueprints.accounts import services
    from app.database import utcnow

    member = make_member()
    login(member.email)
    assert client.post("/account/password", data=_password_form(client)).status_code == 302
    guess = _password_form(client)
    guess.update(current_password="wrong-password-1", password="another-guess-12",
                 password_confirm="another-guess-12")
    assert client.post("/account/password", data=guess).status_code == 422
    user = db.session.get(User, member.id)
    with pytest.raises(services.WrongCurrentPassword):
        services.change_password(user, "wrong-password-1", NEW_PASSWORD, keep_token=None,
                                 now=utcnow() + timedelta(
                                     seconds=services.PASSWORD_REPEAT_SECONDS + 1))
    with pytest.raises(services.WrongCurrentPassword):  # never before a first change
        services.change_password(make_member(), "wrong-password-1", PASSWORD, keep_token=None,
                                 now=utcnow())


def test_public_member_page_shows_display_name_not_email_acc_2(client, make_member):
    """ACC-2: the display name is public; the e-mail address is not."""
    member = make_member(email="secret@talat.example", display_name="Public Name")
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Public Name" in page
    assert "secret@talat.example" not in page
    assert client.get("/members/999999").status_code == 404


def test_a_kept_name_is_not_refused_for_a_reserved_word_learned_later_acc_2(
        client, make_member, login):
    """ACC-2: a member whose name the reserved-word check would now refuse can still change
    their language without being made to rename."""
    member = make_member(display_name="Adam Min")
    member.display_name, member.display_name_key = "Ad Min", "ad min"  # (registered before)
    db.session.commit()
    login(member.email)
    response = post_form(client, "/account", {"display_name": "Ad Min", "locale": "en"})
    assert response.status_code == 302
    assert db.session.get(User, member.id).locale == "en"
    refused = post_form(client, "/account", {"display_name": "Moderat0r", "locale": "en"})
    assert refused.status_code == 422


def _queries(run):
    """How many SQL statements ``run()`` makes."""
    from sqlalchemy import event

    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_notifications_and_member_pages_read_a_fixed_number_of_rows_sets(
        app, client, make_member, make_auction, login):
    """Found in review: the notifications page loaded each notice's auction, and a member's
    public page each rating's author, one query per row (50 notices, 20 ratings). The number
    of queries no longer grows with the rows."""
    from app.database import utcnow
    from app.models import Feedback, Notification, Sale

    member = make_member()
    login(member.email)

    def fill(count):
        for _ in range(count):
            auction = make_auction()
            db.session.add(Notification(user_id=member.id, kind="outbid", auction_id=auction.id,
                                        amount_satang=50_000, created_at=utcnow()))
            sale = Sale(auction_id=auction.id, buyer_id=member.id, seller_id=auction.seller_id,
                        price_satang=50_000, step="completed", created_at=utcnow(),
                        last_progress_at=utcnow())
            db.session.add(sale)
            db.session.flush()
            db.session.add(Feedback(sale_id=sale.id, from_user_id=auction.seller_id,
                                    to_user_id=member.id, rating="positive", comment="ok",
                                    automatic=False, created_at=utcnow()))
        db.session.commit()

    def pages():
        assert client.get("/notifications").status_code == 200
        assert client.get(f"/members/{member.id}").status_code == 200

    fill(2)
    few = _queries(pages)
    fill(8)
    assert _queries(pages) == few


def test_two_password_changes_at_once_do_not_both_succeed_acc_1(app, make_member):
    """Found in review (ACC-1): two tabs changing the password at the same moment both checked
    the old password and both succeeded, so the member believed the first one's password
    set while the second had replaced it. The member's row is read again under a lock, so
    the second change waits, finds the password changed and is refused."""
    import threading

    from sqlalchemy import text

    from app.blueprints.accounts import passwords, services
    from app.database import begin_immediate, utcnow

    member = make_member()
    first_tab_hash = passwords.hash_password(NEW_PASSWORD)
    with db.engine.connect() as other:  # the first tab's change, not committed yet
        other.execute(text("UPDATE users SET password_hash = :hash WHERE id = :id"),
                      {"hash": first_tab_hash, "id": member.id})
        timer = threading.Timer(0.5, other.commit)
        timer.start()
        try:
            with pytest.raises(services.WrongCurrentPassword):
                begin_immediate(db.session)  # as a form's request does (SQLite: waits)
                services.change_password(member, PASSWORD, "another-password-34",
                                         keep_token=None, now=utcnow())
        finally:
            timer.join()
            db.session.rollback()
    user = db.session.get(User, member.id, populate_existing=True)
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)


def test_a_double_tap_whose_twin_read_the_clock_later_is_the_same_change_acc_1(app, make_member):
    """ACC-1: the two requests of a double tap on "Change password" read the clock before the
    member's row is locked, so the one that waited may carry the earlier time; it is the same
    change all the same, not "current password incorrect"."""
    from datetime import timedelta

    from app.blueprints.accounts import services
    from app.database import utcnow

    member = make_member()
    now = utcnow()
    assert services.change_password(member, PASSWORD, NEW_PASSWORD, keep_token=None,
                                    now=now + timedelta(milliseconds=40))
    db.session.commit()
    assert services.change_password(member, PASSWORD, NEW_PASSWORD, keep_token=None,
                                    now=now) is False


def test_change_password_fields_say_new_and_hold_the_same_length_acc_1(client, make_member,
                                                                        login):
    """ACC-1 (found in review): the new-password field on /account was labelled just
    "Password" under "Current password", and only it had maxlength=200, so a long pasted
    passphrase was cut in one field and read as "passwords do not match"."""
    import re

    member = make_member()
    login(member.email)
    client.set_cookie("lang", "en")
    html = client.get("/account").get_data(as_text=True)
    form = html.split('action="/account/password', 1)[1].split("</form>", 1)[0]
    assert re.search(r'<label[^>]*for="password"[^>]*>\s*New password', form), form
    assert re.search(r'<label[^>]*for="password_confirm"[^>]*>\s*Repeat new password', form)
    inputs = {name: tag for tag, name in re.findall(r'(<input[^>]*name="([a-z_]+)"[^>]*>)',
                                                    form)}
    assert 'maxlength="200"' in inputs["password"]
    assert 'maxlength="200"' in inputs["password_confirm"]
