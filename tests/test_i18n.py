"""Thai first, English second; Bangkok time with the Buddhist-era year; baht."""
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import format_baht, format_date, format_datetime
from tests.conftest import post_form

ROOT = Path(__file__).resolve().parent.parent


def test_thai_is_the_default_language(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="th">' in html
    assert "เข้าสู่ระบบ" in html


def test_language_switch_is_remembered_for_visitors(client):
    response = post_form(client, "/language", {"lang": "en", "next": "/login"}, form_url="/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html


def test_language_choice_is_saved_on_the_members_account(app, client, make_member, login):
    member = make_member()
    login(member.email)
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    other_device = app.test_client()
    login(member.email, target=other_device)
    assert '<html lang="en">' in other_device.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    post_form(client, "/language", {"lang": "xx", "next": "/"}, form_url="/")
    assert '<html lang="th">' in client.get("/").get_data(as_text=True)


def test_dates_use_the_buddhist_era_in_thai(app):
    with app.test_request_context():
        assert format_date(date(2026, 11, 22), "th") == "22 พฤศจิกายน 2569"
        assert format_date(date(2026, 11, 22), "en") == "22 November 2026"


def test_times_are_shown_in_bangkok_time(app):
    moment = datetime(2026, 12, 31, 20, 30, tzinfo=timezone.utc)  # 03:30 next day in Bangkok
    with app.test_request_context():
        # (a no-break space keeps "น." with its time when a narrow column wraps: HELP-1)
        assert format_datetime(moment, "th") == "1 ม.ค. 2570 03:30\u00a0น."
        assert format_datetime(moment, "en") == "1 Jan 2027, 03:30"


@pytest.mark.parametrize("satang, text", [(123400, "฿1,234"), (150, "฿1.50"), (0, "฿0"),
                                          (100000000, "฿1,000,000"), (-2550, "-฿25.50")])
def test_money_is_shown_as_baht(satang, text):
    assert format_baht(satang) == text


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        format_baht(12.5)


def test_every_string_in_the_code_has_a_thai_translation(tmp_path):
    """Every user-facing string goes through gettext and has a Thai translation, also in
    folders whose name starts with an underscore (``templates/_macros``: Babel skips them
    unless told, and the form macros' messages showed in English on Thai pages)."""
    pot = tmp_path / "messages.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "-q", "extract", "-F", "babel.cfg",
                    "--ignore-dirs", ".*", "-k", "_l", "-k", "lazy_gettext", "-k",
                    "lazy_ngettext:1,2", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    assert "Please correct %(num)d thing below:" in {  # the macros' folder is read
        m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(pot.open("rb"))}
    with (ROOT / "app/translations/th/LC_MESSAGES/messages.po").open("rb") as handle:
        thai = {m.id: m.string for m in read_po(handle) if m.id}
    def translated(msgid):
        string = thai.get(msgid)
        return all(string) if isinstance(string, tuple) else bool(string)

    missing = sorted(str(i) for i in wanted if not translated(i))
    assert not missing, "untranslated (run `make extract-messages`, then translate):\n" + \
        "\n".join(missing)


def test_templates_follow_the_request_language_and_force_locale(app):
    """Templates translate through one lookup per string (app.i18n.current_translations); it
    must still give each request its own language and follow force_locale (e-mails are
    written in the recipient's language inside another member's request)."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Place my bid') }}"
    # Each request gets its own application context (and g), as under a real server.
    with app.app_context(), app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert render_template_string(template) == "Place my bid"
        with force_locale("th"):
            thai = render_template_string(template)
        assert thai != "Place my bid" and thai.strip()
        assert render_template_string(template) == "Place my bid"
    with app.app_context(), app.test_request_context("/", headers={"Cookie": "lang=th"}):
        assert render_template_string(template) == thai


def test_a_long_forms_error_summary_is_thai_on_thai_pages(make_shop, client_for):
    """The summary at the top of a long form (new listing, SHOP-3) came from the form macros,
    which the message extraction skipped: Thai sellers read 'Please correct 1 thing below:'."""
    shop = make_shop()
    client = client_for(shop.owner)
    client.set_cookie("lang", "th")
    response = post_form(client, f"/shops/{shop.slug}/listings/new", {
        "title": "พระสมเด็จ", "category_id": "0", "price": "1500", "quantity": "1",
        "condition": "new", "content_rating": "general"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "โปรดแก้ไข 1 รายการด้านล่าง:" in html and "Please correct" not in html


def test_switching_language_on_a_page_answering_a_form_returns_to_the_forms_page(
        client, make_member, login):
    """Found in review: after a refused form (a wrong current password, say) the browser
    shows the POST-only address; the language switch sent the member back there and they got
    a 405 "Not allowed" page. It returns to the page the form was on."""
    from tests.conftest import csrf_from

    member = make_member()
    login(member.email)
    token = csrf_from(client.get("/account").get_data(as_text=True))
    refused = client.post("/account/password", headers={"Referer": "http://localhost/account"},
                          data={"csrf_token": token, "current_password": "not-it-at-all",
                                "password": "new-kite-mango-2569",
                                "password_confirm": "new-kite-mango-2569"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    switch = page.split('class="lang-switch"')[1].split("</form>")[0]
    assert 'name="next" value="/account"' in switch
    response = post_form(client, "/language", {"lang": "en", "next": "/account"}, form_url="/")
    assert client.get(response.headers["Location"]).status_code == 200


def test_every_translation_keeps_the_placeholders_of_its_message():
    """Thai first: a translation that drops a placeholder ("%(amount)s") shows a missing
    price or date on Thai pages, and one with a placeholder its message lacks raises. A
    plural message's strings may leave out the count (Thai has one form, which Babel checks
    against the singular message)."""
    problems = []
    for language in ("th", "en"):
        path = ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) \
                else (message.string,)
            known = set().union(*(_placeholders(text) for text in ids))
            for string in strings:
                if string and not _placeholders(string) <= known:
                    problems.append(f"{language}: {ids[0]!r}: unknown placeholder in {string!r}")
            if len(ids) == 1 and strings[0] and _placeholders(strings[0]) != known:
                problems.append(f"{language}: {ids[0]!r}: {strings[0]!r} does not carry "
                                f"{sorted(known)}")
    assert not problems, "\n".join(problems)


def _placeholders(text):
    import re

    return set(re.findall(r"%\((\w+)\)", text))
