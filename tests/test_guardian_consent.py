"""A guardian gives consent themselves (ACC-3): a member under 18 can log in and browse at
once, but cannot bid, buy, sell or post until the parent or guardian opens the e-mailed link
and agrees; a guardian who does not agree has the account deleted (ACC-9)."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.blueprints.accounts import guardian
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, Notification, Shop, User
from tests.conftest import PASSWORD, csrf_from, post_form


def fifteen():
    today = date.today()
    return date(today.year - 15, 1, 1)


@pytest.fixture
def child(app, make_member):
    return make_member(email="kid@talat.example", display_name="น้องเล็ก Kid",
                       birth_date=fifteen(), guardian_name="Somsri Jaidee",
                       guardian_email="somsri@talat.example", guardian_consent=True,
                       guardian_agrees=False)


@pytest.fixture
def client(client):
    """The guardian's browser, reading English."""
    client.set_cookie("lang", "en")
    return client


def link_path(user):
    mail = db.session.scalar(select(EmailMessage).where(
        EmailMessage.user_id == user.id, EmailMessage.kind == "guardian_consent")
        .order_by(EmailMessage.id.desc()))
    assert mail.to_address == "somsri@talat.example"
    return re.search(r"https?://[^/\s]+(/guardian/\S+)", mail.body_text)[1]


def open_shop(client):
    return post_form(client, "/shops/new", {"name": "ร้านน้องเล็ก", "slug": "kid-shop"})


def test_a_minor_waits_for_the_guardian_and_can_browse_but_not_act_acc_3(child, client_for):
    client = client_for(child)
    page = client.get("/").get_data(as_text=True)
    assert "has not agreed to your registration yet" in page and "somsri@talat.example" in page
    response = open_shop(client)
    assert response.status_code in (403, 422)
    assert "has not agreed to your registration yet" in response.get_data(as_text=True)
    assert db.session.scalar(select(Shop.id)) is None


def test_the_guardian_agrees_from_the_link_and_the_minor_may_act_acc_3(child, client_for,
                                                                         client):
    page = client.get(link_path(child))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Somsri Jaidee" in html
    assert f"born in {fifteen().year}," in html  # (in Thai, the Buddhist-era year)
    client.set_cookie("lang", "th")
    assert f"พ.ศ. {fifteen().year + 543}" in client.get(link_path(child)).get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "น้องเล็ก Kid" in html
    response = post_form(client, link_path(child), {"decision": "agree"})
    assert response.status_code == 200 and "You have agreed" in response.get_data(as_text=True)
    db.session.refresh(child)
    assert child.guardian_consent_at is not None
    notice = db.session.scalar(select(Notification).where(Notification.user_id == child.id))
    assert notice.kind == "guardian_agreed"
    kid = client_for(child)
    assert "has not agreed" not in kid.get("/").get_data(as_text=True)
    assert open_shop(kid).status_code == 302 and db.session.scalar(select(Shop.id))
    again = client.get(link_path(child)).get_data(as_text=True)
    assert "You have already agreed" in again and 'value="agree"' not in again


def test_a_guardian_who_does_not_agree_has_the_account_deleted_acc_3_acc_9(child, client):
    """ACC-3, ACC-9: "I do not agree: delete the account" sits beside "I agree"; one tap on it
    deleted the child's account for good (found driving it on a phone). It now asks once
    more, and only the confirmation deletes."""
    link = link_path(child)
    response = post_form(client, link, {"decision": "refuse"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-confirm-refusal" in html
    assert "cannot be undone" in html and 'value="refuse_confirmed"' in html
    db.session.expire_all()
    assert not db.session.get(User, child.id).email.endswith("@deleted.invalid")
    response = post_form(client, link, {"decision": "refuse_confirmed"})
    assert response.status_code == 200
    assert "The account has been deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, child.id)
    assert user.email.endswith("@deleted.invalid") and user.guardian_email is None
    assert client.get(link).status_code == 400  # the link is for an account that is gone
    login = post_form(client, "/login", {"email": "kid@talat.example", "password": PASSWORD})
    assert login.status_code != 302


def test_a_guardian_link_that_is_forged_expired_or_for_another_address_fails_acc_3(
        child, client, monkeypatch):
    good = link_path(child)
    forged = client.get(good[:-3] + "abc")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)
    assert "/password/forgot" not in forged.get_data(as_text=True)  # (not a password link)
    assert post_form(client, good[:-3] + "abc", {"decision": "agree"},
                     form_url=good).status_code == 400
    child.guardian_email = "other@talat.example"  # (an address changed since the mail)
    db.session.commit()
    page = client.get(good)
    assert page.status_code == 400 and "no longer" in page.get_data(as_text=True)
    child.guardian_email = "somsri@talat.example"
    db.session.commit()
    monkeypatch.setattr(guardian, "LINK_DAYS", -1)  # (any age is past it)
    expired = client.get(good)
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    db.session.refresh(child)
    assert child.guardian_consent_at is None


def test_the_minor_can_send_the_mail_again_but_not_flood_the_guardian_acc_3(child,
                                                                             client_for):
    client = client_for(child)

    def sent():
        return len(db.session.scalars(select(EmailMessage.id).where(
            EmailMessage.kind == "guardian_consent")).all())

    assert sent() == 1
    response = post_form(client, "/account/guardian/resend", {}, form_url="/account")
    assert response.status_code == 302
    assert "sent a moment ago" in client.get("/account").get_data(as_text=True)
    assert sent() == 1
    db.session.execute(EmailMessage.__table__.update().values(
        created_at=utcnow() - timedelta(minutes=11)))
    db.session.commit()
    post_form(client, "/account/guardian/resend", {}, form_url="/account")
    assert "again" in client.get("/account").get_data(as_text=True) and sent() == 2


def test_sending_the_mail_again_returns_to_the_page_it_was_pressed_on_acc_3(child,
                                                                           client_for):
    """ACC-3 (found on a phone): the banner's "Send the e-mail again" on an auction or a
    search page led to the account page, and the teen had to find their way back. It now
    returns to the page it was pressed on; a link elsewhere is not followed."""
    client = client_for(child)
    page = client.get("/auctions/?sort=new").get_data(as_text=True)
    assert 'name="next" value="/auctions/?sort=new"' in page
    back = client.post("/account/guardian/resend", data={
        "csrf_token": csrf_from(page), "next": "/auctions/?sort=new"})
    assert back.status_code == 302 and back.location == "/auctions/?sort=new"
    away = client.post("/account/guardian/resend", data={
        "csrf_token": csrf_from(page), "next": "https://evil.example/"})
    assert away.location == "/account"


def test_an_adult_needs_no_guardian_and_a_minor_made_by_tests_has_consent_acc_3(app,
        make_member):
    adult, minor = make_member(), make_member(
        birth_date=fifteen(), guardian_name="Somsri Jaidee",
        guardian_email="somsri2@talat.example", guardian_consent=True)
    from app.permissions import awaiting_guardian, can_act

    assert not awaiting_guardian(adult) and can_act(adult)
    assert not awaiting_guardian(minor) and can_act(minor)


def test_turning_18_ends_the_wait_for_a_guardian_acc_3(child):
    """ACC-3: consent is needed under 18 only; a member who turns 18 before their guardian
    answered may act from their birthday (Bangkok date)."""
    from datetime import datetime, timezone

    from app.blueprints.moderation.enforcement import suspension_refusal
    from app.permissions import awaiting_guardian, can_act

    birthday = child.birth_date.replace(year=child.birth_date.year + 18)
    eve = datetime(birthday.year, birthday.month, birthday.day, 16, 59,
                   tzinfo=timezone.utc) - timedelta(days=1)
    day = eve + timedelta(minutes=2)  # 00:01 in Bangkok on the birthday
    assert awaiting_guardian(child, eve) and suspension_refusal(child, eve) is not None
    assert not awaiting_guardian(child, day) and can_act(child, day)
    assert suspension_refusal(child, day) is None


def test_the_daily_limit_of_the_guardians_mail_says_until_when_acc_3(child, client_for):
    """ACC-3: after five mails in 24 hours the member is told so and until when, not to
    "wait 10 minutes" (which would not help); ten minutes after the last is not enough."""
    client = client_for(child)
    first = utcnow() - timedelta(hours=20)
    for _ in range(4):
        guardian.ask_guardian(child)
    db.session.flush()
    mails = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "guardian_consent").order_by(EmailMessage.id)).all()
    for n, mail in enumerate(mails):
        mail.created_at = first + timedelta(hours=n)
    db.session.commit()
    post_form(client, "/account/guardian/resend", {}, form_url="/account")
    page = client.get("/account").get_data(as_text=True)
    assert "5 times in the past 24 hours" in page
    assert "sent a moment ago" not in page
    assert len(mails) == 5 and len(db.session.scalars(select(EmailMessage.id).where(
        EmailMessage.kind == "guardian_consent")).all()) == 5


def test_a_minor_corrects_a_mistyped_guardian_address_acc_3(child, client_for, client):
    """ACC-3: a typo in the guardian's address at sign-up left the consent mail going
    nowhere for good ("Send the e-mail again" sent it to the same wrong address). The
    member corrects it on the account page, at once (the ten minutes between mails protect
    one inbox, not a new one); the link goes to the new address and the old one stops
    working."""
    old_link = link_path(child)
    kid = client_for(child)
    page = kid.get("/account").get_data(as_text=True)
    assert 'id="guardian"' in page and 'value="somsri@talat.example"' in page
    refused = post_form(kid, "/account/guardian", {
        "guardian_name": "Somsri Jaidee", "guardian_email": "kid@talat.example"},
        form_url="/account")
    assert refused.status_code == 422
    assert "must be their own" in refused.get_data(as_text=True)
    refused = post_form(kid, "/account/guardian", {
        "guardian_name": "<b>Mum</b>", "guardian_email": "somsri@talat"}, form_url="/account")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Please enter a real name" in html
    assert "enter your parent or guardian&#39;s e-mail address" in html
    assert 'value="somsri@talat"' in html and "<b>Mum</b>" not in html
    changed = post_form(kid, "/account/guardian", {
        "guardian_name": "Somsri Jaidee", "guardian_email": " Somsri.J@talat.example "},
        form_url="/account")
    assert changed.status_code == 302 and changed.headers["Location"] == "/account#top"
    db.session.refresh(child)
    assert child.guardian_email == "somsri.j@talat.example"
    mail = db.session.scalar(select(EmailMessage).where(
        EmailMessage.kind == "guardian_consent").order_by(EmailMessage.id.desc()))
    assert mail.to_address == "somsri.j@talat.example"
    assert client.get(old_link).status_code == 400
    new_link = re.search(r"https?://[^/\s]+(/guardian/\S+)", mail.body_text)[1]
    assert post_form(client, new_link, {"decision": "agree"}).status_code == 200
    db.session.refresh(child)
    assert child.guardian_consent_at is not None
    assert 'id="guardian"' not in kid.get("/account").get_data(as_text=True)
    late = post_form(kid, "/account/guardian", {
        "guardian_name": "Other", "guardian_email": "other@talat.example"},
        form_url="/account")
    assert late.status_code == 302
    assert "already agreed" in kid.get("/account").get_data(as_text=True)
    db.session.refresh(child)
    assert child.guardian_email == "somsri.j@talat.example"


def test_correcting_the_guardian_address_counts_with_the_day_s_mails_acc_3(child, client_for):
    """ACC-3: corrections share the five mails a day of "Send the e-mail again", so they
    cannot be used to mail strangers without end."""
    kid = client_for(child)
    for n in range(4):
        response = post_form(kid, "/account/guardian", {
            "guardian_name": "Somsri Jaidee", "guardian_email": f"g{n}@talat.example"},
            form_url="/account")
        assert response.status_code == 302
    response = post_form(kid, "/account/guardian", {
        "guardian_name": "Somsri Jaidee", "guardian_email": "g9@talat.example"},
        form_url="/account")
    assert response.status_code == 422
    assert "5 times in the past 24 hours" in response.get_data(as_text=True)
    db.session.refresh(child)
    assert child.guardian_email == "g3@talat.example"
