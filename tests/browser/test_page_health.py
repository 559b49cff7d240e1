"""The public pages load cleanly in a real browser: the strict Content-Security-Policy is sent
and nothing on the page breaks it, and the console shows no errors (failed loads, script errors).
"""
import pytest

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ("/", "/register", "/login")
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_public_pages_load_without_csp_violations_or_console_errors(page, live_server):
    """Home, sign-up and log-in send the CSP, load htmx, and log no errors or CSP violations."""
    problems = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    for path in PUBLIC_PAGES:
        response = page.goto(f"{live_server}{path}", wait_until="networkidle")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        assert page.evaluate("typeof htmx") == "object", f"htmx did not load on {path}"
        problems += [f"{path}: CSP {v}" for v in page.evaluate("window.__cspViolations")]

    assert problems == []


def test_on_a_phone_the_headers_links_and_the_forms_choices_take_a_thumb(browser, live_server):
    """Found in review on a phone: the header's links were about 26 px high, the language
    buttons 33 px and radio buttons 13 px. Each is now at least about 40 px high (a radio's
    label takes the tap too), and nothing runs off the side of the screen."""
    from tests.browser.conftest import PHONE

    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/complaints/new")
    heights = page.evaluate("""() => Array.from(document.querySelectorAll(
        ".site-nav a, .lang-switch button")).map(el => [el.textContent.trim(),
        el.getBoundingClientRect().height])""")
    assert heights and all(height >= 40 for _, height in heights), heights
    radio = page.locator("input[type=radio]").first.bounding_box()
    assert radio["height"] >= 18 and radio["width"] >= 18, radio
    label = page.locator(".choice-list label").first.bounding_box()
    assert label["height"] >= 30, label
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_on_a_phone_a_members_header_keeps_log_out_and_the_language_on_one_row(
        browser, live_server, live_env):
    """Found in review: a member's header took about 254 px of an 844 px phone screen (an
    admin's 288 px), Log out and the language switch each on a row of their own. They share
    a row now, still a thumb's height each."""
    from tests.browser.conftest import PHONE
    from tests.browser.steps import log_in, seed

    seed(live_env, 'member("header-phone@talat.example", "Kanya H.")\n'
                   "db.session.commit()\nprint(json.dumps({}))")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "header-phone@talat.example")
    page.goto(f"{live_server}/")
    log_out = page.locator("header form.inline-form button").bounding_box()
    language = page.locator("header .lang-switch").bounding_box()
    assert abs(log_out["y"] - language["y"]) < 10, (log_out, language)
    assert log_out["height"] >= 40 and language["height"] >= 40
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
