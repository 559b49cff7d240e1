"""Orders on a phone (390 px), found driving the shops as a buyer and a seller (SHOP-10): in
"My orders" and a shop's orders the order number was the card's only link, 22 x 18 px, so a
thumb on the card's item or total opened nothing; and a buyer back on a listing they had
ordered (the Back button after ordering) was offered the order form again with no word of the
order under way."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser


def test_an_order_card_opens_with_a_thumb_and_an_open_order_is_named_shop_10(
        browser, live_server, live_env):
    ids = seed(live_env, """
from app.models import Category, Listing, Order, Shop
owner = member("card-seller@talat.example", "ร้านการ์ด")
buyer = member("card-buyer@talat.example", "ผู้ซื้อการ์ด")
shop = Shop(owner_id=owner.id, name="ร้านการ์ด", slug="card-shop", plan="standard")
db.session.add(shop)
db.session.flush()
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
listing = Listing(shop_id=shop.id, created_by_id=owner.id, category_id=category.id,
                  title="พระรอด พิมพ์ใหญ่", description="", price_satang=150000, quantity=2,
                  status="active", content_rating="general", condition="good",
                  created_at=utcnow(), updated_at=utcnow())
db.session.add(listing)
db.session.flush()
order = Order(listing_id=listing.id, shop_id=shop.id, buyer_id=buyer.id, quantity=1,
              unit_price_satang=150000, total_satang=150000, status="awaiting_payment",
              item_title=listing.title, created_at=utcnow(),
              expires_at=utcnow() + timedelta(hours=24), ship_name="ผู้ซื้อการ์ด",
              ship_phone="0812345678", ship_address="99/1 ถนนสุขุมวิท กรุงเทพมหานคร",
              ship_postcode="10110")
db.session.add(order)
db.session.commit()
print(json.dumps({"listing": listing.id, "order": order.id}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "card-buyer@talat.example")
    for path in ("/orders", "/shops/card-shop/orders"):
        if path.startswith("/shops"):
            context.clear_cookies()
            log_in(page, live_server, "card-seller@talat.example")
        page.goto(f"{live_server}{path}")
        card = page.locator(".order-table tbody tr").first.bounding_box()
        item = page.locator(".order-table__item").first.bounding_box()
        page.touchscreen.tap(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)
        page.wait_for_url(f"**/orders/{ids['order']}")
        assert card["height"] >= 40, card

    context.clear_cookies()
    log_in(page, live_server, "card-buyer@talat.example")
    for path in (f"/listings/{ids['listing']}/order", f"/listings/{ids['listing']}"):
        page.goto(f"{live_server}{path}")
        notice = page.locator(f"[data-open-order='{ids['order']}']")
        assert notice.is_visible(), path
        link = notice.locator("a").bounding_box()
        assert link["height"] >= 40, (path, link)
    page.locator("[data-open-order] a").tap()
    page.wait_for_url(f"**/orders/{ids['order']}")
    context.close()
