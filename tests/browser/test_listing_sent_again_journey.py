"""A seller on a phone posts a listing, goes Back, chooses the photos they forgot and sends
the same form again (SHOP-3): the listing is not posted twice, and the photos are not dropped
without a word (found in review) — the seller lands on the listing's edit page, told that it
was posted already and that these photos were not added, with the photos offered there as
unticked thumbnails; the one ticked is added when the form is saved."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.steps import image_file, open_shop_and_start_a_listing, sign_up

pytestmark = pytest.mark.browser

TITLE, PRICE = "พระรอด กรุวัดมหาวัน", "2500"


def back_and_refill(page, category):
    """Back from the posted listing to its form, filled in again as first sent (as Back left
    it, the browser may or may not have kept what was typed)."""
    page.go_back()
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=category_id]", category)
    page.fill("input[name=price]", PRICE)


def test_photos_sent_with_a_listing_sent_again_wait_on_its_edit_page_shop_3(
        live_server, browser, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script: {error}"))
    try:
        sign_up(page, live_server, "again@talat.example", "ร้านส่งอีกรอบ")
        open_shop_and_start_a_listing(page, live_server, "ร้านส่งอีกรอบ", "sent-again", TITLE,
                                      PRICE)
        category = page.input_value("select[name=category_id]")
        page.click("main form button[type=submit]")
        expect(page).to_have_url(re.compile(r"/listings/\d+$"))
        posted = page.url

        back_and_refill(page, category)
        page.set_input_files("input[name=photos]", [
            image_file(tmp_path, "front.jpg", (200, 170, 60)), image_file(tmp_path, "back.jpg")])
        page.click("main form button[type=submit]")

        expect(page).to_have_url(re.compile(re.escape(posted) + r"/edit\?"))
        expect(page.locator(".flashes")).to_contain_text("ไม่ได้ลงซ้ำ")
        boxes = page.locator(".kept-photos input[name=kept_photo]")
        expect(boxes).to_have_count(2)
        for index in range(2):
            expect(boxes.nth(index)).not_to_be_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "listing-sent-again-photos-phone.png"),
                        full_page=True)

        boxes.nth(1).check()
        page.click("main form button[type=submit]")
        expect(page).to_have_url(posted)
        expect(page.locator(".listing__gallery img")).to_have_count(1)
        page.goto(f"{live_server}/shops/sent-again")
        expect(page.locator(f"text={TITLE}")).to_have_count(1)
        assert problems == []
    finally:
        context.close()


def test_a_corrected_certificate_sent_again_waits_on_the_edit_page_shop_3(live_server, browser):
    """SHOP-3 (found in review): posted with a mistyped certificate number; Back, the number
    corrected, the form sent again: the seller lands on the edit page, told in Thai which
    field differs, with the corrected number in its box; saving puts it on the listing."""
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_up(page, live_server, "again-number@talat.example", "ร้านเลขใบรับรอง")
        open_shop_and_start_a_listing(page, live_server, "ร้านเลขใบรับรอง", "cert-again", TITLE,
                                      PRICE)
        category = page.input_value("select[name=category_id]")
        page.fill("input[name=certificate_issuer]", "สมาคมพระเครื่อง")
        page.fill("input[name=certificate_number]", "12O4")
        page.click("main form button[type=submit]")
        expect(page).to_have_url(re.compile(r"/listings/\d+$"))
        posted = page.url

        back_and_refill(page, category)
        page.fill("input[name=certificate_issuer]", "สมาคมพระเครื่อง")
        page.fill("input[name=certificate_number]", "1204")
        page.click("main form button[type=submit]")

        expect(page).to_have_url(posted + "/edit")
        expect(page.locator(".flashes")).to_contain_text("เลขที่บัตรรับรอง")
        expect(page.locator("input[name=certificate_number]")).to_have_value("1204")
        page.click("main form button[type=submit]")
        expect(page).to_have_url(posted)
        expect(page.locator("main")).to_contain_text("1204")
        page.goto(f"{live_server}/shops/cert-again")
        expect(page.locator(f"text={TITLE}")).to_have_count(1)
    finally:
        context.close()
