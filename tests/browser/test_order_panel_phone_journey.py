"""The order panel on a phone (390 px), found paying and rating as a buyer (SHOP-10, SHOP-6):
the payment method and the stars are chosen by tapping their words, which were 26 px high;
and "Message the seller" sat 2 px above "Cancel the order"."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

BOXES = """selector => Array.from(document.querySelectorAll(selector)).map(el => {
    const r = el.getBoundingClientRect(); return [el.textContent.trim(), r.top, r.bottom]; })"""


def test_payment_choices_stars_and_buttons_take_a_thumb_shop_10_shop_6(browser, live_server,
                                                                       live_env):
    ids = seed(live_env, """
from app.models import Category, Listing, Order, Shop
owner = member("panel-seller@talat.example", "ร้านแผง")
buyer = member("panel-buyer@talat.example", "ผู้ซื้อแผง")
shop = Shop(owner_id=owner.id, name="ร้านแผง", slug="panel-shop", plan="standard",
            promptpay_id="0811030377")
db.session.add(shop)
db.session.flush()
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
listing = Listing(shop_id=shop.id, created_by_id=owner.id, category_id=category.id,
                  title="พระรอด พิมพ์ใหญ่", description="", price_satang=150000, quantity=2,
                  status="active", content_rating="general", condition="good",
                  created_at=utcnow(), updated_at=utcnow())
db.session.add(listing)
db.session.flush()
orders = {}
for status in ("awaiting_payment", "completed"):
    order = Order(listing_id=listing.id, shop_id=shop.id, buyer_id=buyer.id, quantity=1,
                  unit_price_satang=150000, total_satang=150000, status=status,
                  item_title=listing.title, created_at=utcnow(),
                  expires_at=utcnow() + timedelta(hours=24), ship_name="ผู้ซื้อแผง",
                  ship_phone="0812345678", ship_address="99/1 ถนนสุขุมวิท กรุงเทพมหานคร",
                  ship_postcode="10110")
    if status == "completed":
        order.paid_at = order.shipped_at = order.completed_at = order.closed_at = utcnow()
    db.session.add(order)
    db.session.flush()
    orders[status] = order.id
db.session.commit()
print(json.dumps(orders))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "panel-buyer@talat.example")

    page.goto(f"{live_server}/orders/{ids['awaiting_payment']}")
    choices = page.evaluate(BOXES, ".order-pay .order-choice")
    assert len(choices) == 2 and all(bottom - top >= 40 for _, top, bottom in choices), choices
    page.locator(".order-pay .order-choice").nth(1).tap()
    assert page.locator("input[name=method][value=promptpay]").is_checked()
    (_, _, contact_bottom), = page.evaluate(BOXES, ".order-panel__contact button")
    (_, cancel_top, _), = page.evaluate(BOXES, ".order-actions button.btn--danger")
    assert cancel_top - contact_bottom >= 8, (contact_bottom, cancel_top)

    page.goto(f"{live_server}/orders/{ids['completed']}")
    stars = page.evaluate(BOXES, ".order-review .order-choice")
    assert len(stars) == 5 and all(bottom - top >= 40 for _, top, bottom in stars), stars
    context.close()
