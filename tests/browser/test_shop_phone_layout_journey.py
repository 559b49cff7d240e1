"""The shops on a phone (390 px), found in review: a shop whose name or description is one
long word made /shops/<slug> 4,572 px and /shops 1,589 px wide; the seller's order table
squeezed six columns into the screen; a listing without photos showed a thin band beside the
square photos of the two-column grid (SHOP-1, SHOP-3, SHOP-10)."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser
#: The elements reaching past the screen, to say which when one does.
WIDEST = ("() => Array.from(document.querySelectorAll('body *')).filter(el => "
          "el.getBoundingClientRect().right > 392 || el.scrollWidth > 392).slice(0, 8).map("
          "el => el.tagName + '.' + el.className + ':' + el.scrollWidth)")


def test_shop_pages_fit_a_phone_whatever_the_words_shop_1_shop_10(browser, live_server,
                                                                  live_env):
    ids = seed(live_env, """
from app.models import Category, Listing, Order, Shop
owner = member("long-words@talat.example", "Owner Longword")
buyer = member("long-buyer@talat.example", "B" * 40)
shop = Shop(owner_id=owner.id, name="W" * 80, slug="long-words", plan="standard",
            description="ก" * 400)
db.session.add(shop)
db.session.flush()
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
listings = []
for title in ("W" * 120, "พระผงสุพรรณ", "พระรอด"):
    listing = Listing(shop_id=shop.id, created_by_id=owner.id, category_id=category.id,
                      title=title, description="ข" * 400, price_satang=150000, quantity=3,
                      status="active", content_rating="general", condition="good",
                      created_at=utcnow(), updated_at=utcnow())
    db.session.add(listing)
    listings.append(listing)
db.session.flush()
order = Order(listing_id=listings[0].id, shop_id=shop.id, buyer_id=buyer.id, quantity=1,
              unit_price_satang=150000, total_satang=150000, status="awaiting_payment",
              created_at=utcnow(), expires_at=utcnow() + timedelta(hours=24),
              ship_name="ค" * 100, ship_phone="0812345678", ship_address="ง" * 300,
              ship_postcode="10110")
db.session.add(order)
db.session.commit()
print(json.dumps({"listing": listings[0].id, "order": order.id}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "long-words@talat.example")
    for path in ("/shops", "/shops/long-words", "/shops/long-words/orders",
                 "/shops/long-words/reviews", f"/listings/{ids['listing']}",
                 f"/orders/{ids['order']}", f"/listings/{ids['listing']}/edit",
                 "/shops/long-words/edit", "/shops/long-words/people", "/shops/mine"):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width, page.evaluate(WIDEST))

    # The order table: each order a card, its cells stacked and whole.
    page.goto(f"{live_server}/shops/long-words/orders")
    cells = page.evaluate("""() => Array.from(document.querySelectorAll(".order-table td"))
        .map(td => [getComputedStyle(td).display, td.getBoundingClientRect().right])""")
    assert cells and all(display == "block" for display, _ in cells), cells
    assert all(right <= PHONE["width"] for _, right in cells), cells
    assert not page.locator(".order-table thead").is_visible()

    # The listing grid: two to a row, a photo-less card as square as a photo.
    page.goto(f"{live_server}/shops/long-words")
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll(
        ".listing-grid .listing-card__img")).map(el => { const r = el.getBoundingClientRect();
        return [r.left, r.top, r.width, r.height]; })""")
    assert len(boxes) == 3, boxes
    assert boxes[0][1] == boxes[1][1] and boxes[1][0] > boxes[0][0], boxes  # two to a row
    assert all(abs(w - h) < 2 for _, _, w, h in boxes), boxes
    context.close()
