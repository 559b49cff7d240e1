"""Account pages as a member meets them on a phone (review of 2026-11-25): the header's
"Log in" brings the visitor back to the page they were on, the change-password answer opens
where its message is, and a birth date typed in Thai digits survives a form sent back."""
import re
from datetime import date

import pytest

from tests.conftest import PASSWORD, post_form


def _login_href(html):
    """The href of the header's "Log in" link."""
    match = re.search(r'<a href="([^"]*)" class="btn btn--ghost">', html)
    assert match, "no Log in link in the header"
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("path", ["/auctions/", "/help/", "/search?q=%E0%B8%9E%E0%B8%A3%E0%B8%B0"])
def test_acc1_header_log_in_comes_back_to_the_page(client, path):
    """ACC-1: a visitor who taps "Log in" in the header on a page lands on that page again
    once logged in (it used to be the home page, whatever they were looking at)."""
    from urllib.parse import parse_qs, urlsplit

    href = _login_href(client.get(path).get_data(as_text=True))
    target = urlsplit(href)
    assert target.path == "/login"
    assert parse_qs(target.query)["next"] == [path]


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/password/forgot"])
def test_acc1_header_log_in_has_no_way_back_to_itself(client, path):
    """ACC-1: on the home page and the log-in and sign-up pages themselves the link has no
    ``next`` (after logging in, the home page, not the log-in form again)."""
    assert _login_href(client.get(path).get_data(as_text=True)) == "/login"


def test_acc1_header_log_in_then_back_on_the_listing(client, make_member):
    """ACC-1: the whole way: the link's ``next`` is kept by the log-in form."""
    member = make_member()
    href = _login_href(client.get("/help/").get_data(as_text=True))
    response = post_form(client, href, {"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/help/"


def test_acc1_change_password_answer_opens_at_the_form(client, make_member, login):
    """ACC-1: on a phone the change-password form is two screens down the account page: its
    answer opens there (#change-password), so "current password incorrect" is seen; the
    success goes back to the top, where its message is."""
    member = make_member()
    login(member.email)
    page = client.get("/account").get_data(as_text=True)
    assert 'id="change-password"' in page
    assert 'action="/account/password#change-password"' in page
    refused = post_form(client, "/account/password", {
        "current_password": "wrong-password-1", "password": "lotus-temple-bell-77",
        "password_confirm": "lotus-temple-bell-77"}, form_url="/account")
    assert refused.status_code == 422
    assert 'id="change-password"' in refused.get_data(as_text=True)
    changed = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": "lotus-temple-bell-77",
        "password_confirm": "lotus-temple-bell-77"}, form_url="/account")
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/account#top"


@pytest.mark.parametrize("typed, shown", [
    ("๒๕๓๐-๐๕-๑๗", "1987-05-17"),  # Thai digits, Buddhist era
    ("2533/5/7", "1990-05-07"),
    ("1990-05-17", "1990-05-17"),
])
def test_acc3_birth_date_typed_in_thai_survives_a_form_sent_back(client, make_member, typed,
                                                                 shown):
    """ACC-3: a sign-up sent back for another mistake (a taken name) keeps the birth date in
    the date input's own format: "๒๕๓๐-๐๕-๑๗" put back as typed showed an empty date box, and
    the newcomer had to find and type it again."""
    make_member(display_name="ชื่อซ้ำ")
    response = post_form(client, "/register", {
        "email": "new@talat.example", "display_name": "ชื่อซ้ำ", "birth_date": typed,
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(r'<input[^>]*name="birth_date"[^>]*>', html).group(0)
    assert f'value="{shown}"' in field


def test_acc3_unreadable_birth_date_goes_back_as_typed(client):
    """ACC-3: what could not be read as a date is shown as typed, with the reason."""
    response = post_form(client, "/register", {
        "email": "new@talat.example", "display_name": "คนใหม่", "birth_date": "17 พ.ค. 33",
        "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 422
    field = re.search(r'<input[^>]*name="birth_date"[^>]*>',
                      response.get_data(as_text=True)).group(0)
    assert 'value="17 พ.ค. 33"' in field


def test_acc3_teen_birth_date_in_thai_digits_kept_with_guardian_errors(client):
    """ACC-3: a 15-year-old who typed the date in Thai digits and forgot the guardian's
    fields gets the fields' messages and the date still in its box (as 2011's date)."""
    year = date.today().year - 15 + 543
    thai = str(year).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    response = post_form(client, "/register", {
        "email": "teen@talat.example", "display_name": "น้องใหม่",
        "birth_date": f"{thai}-๐๑-๐๑", "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(r'<input[^>]*name="birth_date"[^>]*>', html).group(0)
    assert f'value="{year - 543}-01-01"' in field
    assert 'id="guardian_email"' in html


@pytest.mark.parametrize("password", ["ทดสอบสิบเอ็ด1", "my-ทดสอบ สิบเอ็ด-2569", "ทดสอบสิบเอ็ด"])
def test_acc1_password_may_not_contain_the_display_name(client, password):
    """ACC-1: the message says a password must not *contain* the e-mail address or display
    name; the name was refused only as the whole password ("ทดสอบสิบเอ็ด1" was taken with the
    name "ทดสอบสิบเอ็ด"). Spaces do not hide it."""
    response = post_form(client, "/register", {
        "email": "new@talat.example", "display_name": "ทดสอบ สิบเอ็ด",
        "birth_date": "1990-01-01", "password": password, "password_confirm": password})
    assert response.status_code == 422
    assert "ชื่อที่แสดงของคุณ" in response.get_data(as_text=True)


def test_acc1_short_display_name_refused_only_as_the_whole_password(client):
    """ACC-1: a name under 4 letters ("Lek") does not forbid every password holding it."""
    response = post_form(client, "/register", {
        "email": "new@talat.example", "display_name": "Lek",
        "birth_date": "1990-01-01", "password": "electric-lek-mango-7",
        "password_confirm": "electric-lek-mango-7"})
    assert response.status_code == 302
