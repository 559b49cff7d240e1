"""Account pages on a phone (390 px), found in review: a display name of one long word
("WWWW…", 40 letters, allowed) made the home page 672 px wide ("Welcome back, …" in the
hero, a flex item as wide as its longest word); the tick boxes' rows ("Remember me", "I
understand…", the guardian's consent) and the member's header links were 26 px high and the
under-18 banner's "Send the e-mail again" 30 px, under a thumb's 40; and a wrong current
password on the change-password form came back with the page at its top, its message two
screens down, out of sight."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import PASSWORD, log_in, seed

pytestmark = pytest.mark.browser
THUMB = 39.5


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context


def _height(page, selector):
    return page.locator(selector).first.bounding_box()["height"]


def test_account_pages_fit_a_phone_acc_1_acc_3(browser, live_server, live_env):
    seed(live_env, f"""
PASSWORD_ = {PASSWORD!r}
member("long-name@talat.example", "W" * 40)
teen = register_member(email="teen-phone@talat.example", password=PASSWORD_,
                       display_name="น้องโทรศัพท์", birth_date=date(utcnow().year - 15, 1, 1),
                       now=utcnow(), guardian_name="แม่ ทดสอบ",
                       guardian_email="mother-phone@talat.example", guardian_consent=True)
db.session.commit()
print(json.dumps({{"ok": True}}))
""")
    context = _phone(browser)
    page = context.new_page()
    # Log-in form: the "Remember me" row takes a thumb.
    page.goto(f"{live_server}/login")
    assert _height(page, "label[for=remember]") >= THUMB
    log_in(page, live_server, "long-name@talat.example")
    for link in page.locator("header .account-menu > a").all():  # Messages, Notifications, name
        assert link.bounding_box()["height"] >= THUMB, link.inner_text()
    page.goto(f"{live_server}/")
    assert "W" * 40 in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    # Change password with a wrong current one: the answer opens at the form's message.
    page.goto(f"{live_server}/account")
    page.fill("#current_password", "not-my-password-1")
    page.fill("#password", "lotus-temple-bell-77")
    page.fill("#password_confirm", "lotus-temple-bell-77")
    page.click("#change-password button[type=submit]")
    message = page.locator("#change-password .field__error").first
    message.wait_for()
    # The browser scrolls to the form's anchor once the page is laid out, which on a busy
    # machine can come a moment after the message exists: wait for it, then measure.
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => { const r = document.querySelector('#change-password .field__error')
                                 .getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""", timeout=5_000)
    box = message.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    # Delete-account form: the "I understand" row takes a thumb.
    page.goto(f"{live_server}/account/delete")
    assert _height(page, "label[for=confirm]") >= THUMB
    context.close()

    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "teen-phone@talat.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    banner_button = page.locator(".guardian-banner button")
    banner_button.wait_for()
    assert banner_button.bounding_box()["height"] >= THUMB
    context.close()


def test_a_long_notice_keeps_its_time_beneath_it_on_a_phone_auc_10(browser, live_server,
                                                                    live_env):
    """AUC-10 (found on a phone): a notice as long as the screen pushed its time onto a line
    of its own that began with a stray "·". The time now sits beneath the notice, whole."""
    seed(live_env, """
from app.notifications import notify_about
user = member("notices-phone@talat.example", "ผู้รับแจ้งเตือน")
db.session.flush()
notify_about(user, "staff_added", target_type="shop", target_id=1, email=False, now=utcnow(),
             facts={"shop": "ร้านพระเครื่องเก่าแก่ย่านท่าพระจันทร์ สาขาสอง"})
db.session.commit()
print(json.dumps({"ok": True}))
""")
    context = _phone(browser)
    page = context.new_page()
    log_in(page, live_server, "notices-phone@talat.example")
    page.goto(f"{live_server}/notifications")
    item = page.locator("ul.notices li").first
    badge, when = item.locator(".badge").bounding_box(), item.locator("time").bounding_box()
    item_box = item.bounding_box()
    # the badge starts the notice's first line; the time is on a line of its own, the last
    assert when["y"] >= badge["y"] + badge["height"] - 1
    assert abs(when["y"] + when["height"] - (item_box["y"] + item_box["height"])) <= 2
    assert when["x"] <= item_box["x"] + 1
    assert not item.locator("time").inner_text().startswith("·")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
