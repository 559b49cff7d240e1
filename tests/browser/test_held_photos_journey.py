"""A seller on a phone whose new listing is refused for its price keeps the photos chosen
with it (SHOP-3): the answer shows them as ticked thumbnails under the photo field and says
they need not be chosen again; with the price mended, the listing is saved with them. Before,
the browser emptied the file field and the seller had to find each photo again."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.steps import image_file, open_shop_and_start_a_listing, sign_up

pytestmark = pytest.mark.browser


def test_a_refused_listing_keeps_its_photos_on_a_phone_shop_3(live_server, browser, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and "status of 422" not in m.text
            and problems.append(f"console: {m.text}"))  # (the refusal itself is a 422)
    page.on("pageerror", lambda error: problems.append(f"script: {error}"))
    try:
        sign_up(page, live_server, "kept@talat.example", "ร้านเก็บรูป")
        open_shop_and_start_a_listing(page, live_server, "ร้านเก็บรูป", "kept-photos",
                                      "พระกริ่งปวเรศ", "๑,๒๐๐.๕๕๕")  # 3 decimals: refused
        page.set_input_files("input[name=photos]", [
            image_file(tmp_path, "front-of-the-amulet-photographed-in-daylight.jpg",
                       (200, 170, 60)),
            image_file(tmp_path, "back.jpg")])
        page.click("main form button[type=submit]")

        expect(page.locator(".error-summary")).to_be_visible()
        kept = page.locator(".kept-photos input[name=kept_photo]")
        expect(kept).to_have_count(2)
        for index in range(2):
            expect(kept.nth(index)).to_be_checked()
        thumbnails = page.locator(".kept-photos img")
        expect(thumbnails.first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # (visible is not loaded: under load the second thumbnail was still on its way)
        page.wait_for_function("[...document.querySelectorAll('.kept-photos img')]"
                               ".every(i => i.complete)")
        assert all(page.evaluate("i => i.naturalWidth", thumbnails.nth(n).element_handle()) > 0
                   for n in range(2))
        expect(page.locator("[data-files-again]")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "held-photos-phone.png"), full_page=True)

        kept.nth(1).uncheck()
        page.fill("input[name=price]", "1200")
        page.click("main form button[type=submit]")
        expect(page.locator(".listing__gallery img")).to_have_count(1)
        assert problems == []
    finally:
        context.close()
