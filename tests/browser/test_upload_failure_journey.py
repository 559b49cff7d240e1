"""A form with files whose upload does not get through, on a phone (CMP-1, CMP-6): found
driving the complaint form on a flaky connection. The upload script hid the progress bar and
said nothing when the connection dropped (the tap seemed to do nothing), and when something
between the phone and the site answered with its own error page (a proxy's 502) it reloaded
the form empty, losing everything typed; the site's own error page (a 500) took the form's
place. Now the form stays as it was, with a message, and
can be sent again."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.steps import image_file

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("failure", ["connection lost", "proxy error page", "server error"])
def test_a_complaint_upload_that_fails_keeps_the_form_and_says_so_cmp_1(
        browser, live_server, tmp_path, failure):
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/complaints/new")
        page.fill("input[name=name]", "มาลี ศรีสุข")
        page.fill("textarea[name=description]", "ภาพถ่ายของเราถูกนำไปใช้โดยไม่ได้รับอนุญาต")
        page.set_input_files("input[name=files]", image_file(tmp_path, "proof.jpg"))

        def fail(route):
            if route.request.method != "POST":
                return route.continue_()
            if failure == "connection lost":
                return route.abort("connectionreset")
            if failure == "server error":  # the site's own error page, in its layout
                return route.fulfill(status=500, content_type="text/html", body=(
                    '<html><body><main id="content"><h1>Error</h1></main></body></html>'))
            return route.fulfill(status=502, content_type="text/plain", body="Bad Gateway")

        page.route("**/complaints/new", fail)
        page.click("main form button[type=submit]")
        message = page.locator("[data-upload-failed]")
        expect(message).to_be_visible()
        expect(message).to_have_attribute("role", "alert")
        assert page.url.endswith("/complaints/new")
        expect(page.locator("textarea[name=description]")).to_have_value(
            "ภาพถ่ายของเราถูกนำไปใช้โดยไม่ได้รับอนุญาต")
        assert page.eval_on_selector("input[name=files]", "input => input.files.length") == 1
        expect(page.locator("main form button[type=submit]")).to_be_enabled()
        expect(page.locator("progress.upload-progress")).to_be_hidden()
    finally:
        context.close()
