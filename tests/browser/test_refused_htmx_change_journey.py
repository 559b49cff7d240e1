"""A change sent through htmx that the site refuses says why, where it was tapped (SHOP-1).

Found in review on a phone: a staff member had a listing's photo page open when the owner
removed them from the staff. Tapping "Move later" then did nothing at all: the site answered
403, which htmx does not swap in, and no script said anything. The same silence met an
expired form (400), a rate limit (429) or a fault (5xx) on every htmx part but the bid box
(shared code: app/static/js/talat.js). The page now shows the site's own words in an alert
beside the part, focused so that it is read out and scrolled to.
"""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

SHOP = """
import io
from PIL import Image
from app.models import Category, Listing, Shop, ShopStaff
from app.blueprints.shops import listing_services
from app.uploads import store_image

owner = member("owner-htmx@talat.example", "เจ้าของร้าน")
helper = member("helper-htmx@talat.example", "ผู้ช่วยร้าน")
shop = Shop(owner_id=owner.id, name="ร้านทดสอบ", slug="htmx-refusal", plan="standard",
            description="")
db.session.add(shop)
db.session.flush()
db.session.add(ShopStaff(shop_id=shop.id, user_id=helper.id))
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
listing = Listing(shop_id=shop.id, created_by_id=owner.id, category_id=category.id,
                  title="เหรียญหลวงพ่อทดสอบ", description="", price_satang=150000, quantity=1,
                  status="active", content_rating="general", condition="good",
                  created_at=utcnow(), updated_at=utcnow())
db.session.add(listing)
db.session.flush()
for color in [(200, 170, 60), (60, 80, 70)]:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), color).save(buffer, "JPEG")
    listing_services.add_photo(listing, store_image(buffer.getvalue(), session=db.session),
                               now=utcnow(), by=owner)
db.session.commit()
print(json.dumps({"listing": listing.id, "shop": shop.id}))
"""

REMOVE = """
from app.blueprints.shops import shop_services
from app.models import Shop, ShopStaff
shop = db.session.get(Shop, {shop})
entry = db.session.query(ShopStaff).filter_by(shop_id=shop.id).one()
shop_services.remove_staff(shop, entry.id, now=utcnow())
db.session.commit()
print(json.dumps({{}}))
"""


def test_a_staff_member_removed_meanwhile_is_told_why_a_photo_did_not_move_shop_1(
        browser, live_server, live_env):
    ids = seed(live_env, SHOP)
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script: {error}"))
    try:
        log_in(page, live_server, "helper-htmx@talat.example")
        page.goto(f"{live_server}/listings/{ids['listing']}/photos")
        page.wait_for_load_state("load")
        page.wait_for_function("() => window.htmx !== undefined")
        first = page.locator(".photo-list__item img").first.get_attribute("src")

        seed(live_env, REMOVE.format(shop=ids["shop"]))  # the owner removes the helper
        page.locator(".photo-list__item").first.locator("button").first.click()
        alert = page.locator("#photo-panel [data-htmx-failed][role=alert]")
        expect(alert).to_have_count(1)
        expect(alert).to_contain_text("คุณไม่มีสิทธิ์ทำรายการนี้")  # 403's own title, in Thai
        expect(alert).to_be_focused()
        assert page.locator(".photo-list__item img").first.get_attribute("src") == first

        page.locator(".photo-list__item").first.locator("button").first.click()
        expect(alert).to_have_count(1)  # a second refusal replaces the first, not piles up
    finally:
        context.close()
    assert problems == []
