"""A form with files that comes back refused, on a phone (found in review): the form is sent by
the upload script, which put the answer in place of the page but left the reader where the
button was, at the bottom of a long form. The problems and the word that the evidence must be
chosen again were at the top, out of sight: the tap seemed to do nothing but empty the file
field. Now the problems are brought into view and focused, as on a page loaded afresh (CMP-1).
"""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.steps import image_file

pytestmark = pytest.mark.browser


def test_a_refused_complaint_with_evidence_shows_its_problems_on_a_phone_cmp_1(
        browser, live_server, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/complaints/new")
    page.fill("input[name=name]", "สมชาย รักดี")
    page.fill("input[name=email]", "a@b")  # refused by the service, not by the browser
    page.check("input[name=role] >> nth=0")
    page.select_option("select[name=kind]", index=1)
    page.fill("textarea[name=description]", "ร้านนี้ใช้รูปพระของผมโดยไม่ได้รับอนุญาตครับ")
    page.fill("textarea[name=urls]", "/auctions/999999")
    page.check("input[name=good_faith]")
    page.check("input[name=accurate]")
    page.fill("input[name=signature]", "สมชาย รักดี")
    page.set_input_files("input[name=files]", image_file(tmp_path, "evidence.jpg"))
    page.click("main form button[type=submit]")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page.locator("input[name=email]")).to_have_value("a@b")
    expect(page.locator("textarea[name=description]")).to_have_value(
        "ร้านนี้ใช้รูปพระของผมโดยไม่ได้รับอนุญาตครับ")
    context.close()
