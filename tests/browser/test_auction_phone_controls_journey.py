"""An auction's bid box and sale page on a phone (390 x 844, Thai), found driving them as a
member: the bid box's "Maximum bid: ..." choice fell whole under its radio button (an
inline-block label too long for the rest of the line), the buttons "Review my bid", "Buy
now" and "Watch" touched one another with no space between, and the sale page's copy
buttons (30 px) and the "Report" link beside the watch button (26 px) were smaller than a
thumb. AUC-9, AUC-8, AUC-7."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

SEED = """
from app.blueprints.auctions import bidding, lifecycle
from app.models import Category, Sale, Shop

seller = member("phone-seller@talat.example", "ผู้ขาย ทดสอบ")
buyer = member("phone-buyer@talat.example", "ผู้ซื้อ ทดสอบ")
db.session.commit()
db.session.add(Shop(owner_id=seller.id, name="ร้านทดสอบ", slug="phone-seller-shop",
                    description="", plan="standard", bank_name="ธนาคารตัวอย่าง",
                    bank_account_name="ผู้ขาย ทดสอบ", bank_account_number="2468128319",
                    promptpay_id="0811030377", created_at=utcnow(), updated_at=utcnow()))
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
ids = {}
for key in ("open", "sold"):
    auction = lifecycle.create_auction(seller, dict(
        title="พระสมเด็จ ทดสอบบนมือถือ", description="", category_id=category.id,
        starting_price_satang=100000, min_increment_satang=5000, reserve_satang=150000,
        buy_now_satang=500000, duration_days=7), now=utcnow())
    db.session.commit()
    ids[key] = auction.id
bidding.buy_now(ids["sold"], buyer, now=utcnow())
db.session.commit()
ids["sale"] = db.session.query(Sale).filter_by(auction_id=ids["sold"]).one().id
print(json.dumps(ids))
"""

#: Each visible control's text and box: [label, top, bottom, left, right, height].
BOXES = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(el => el.offsetParent !== null)
  .map(el => { const r = el.getBoundingClientRect();
               return [el.textContent.trim().slice(0, 30), r.top, r.bottom, r.left, r.right,
                       r.height]; })"""


def test_the_bid_box_and_sale_page_fit_a_thumb_on_a_phone_auc_9(browser, live_server,
                                                                 live_env):
    ids = seed(live_env, SEED)
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "phone-buyer@talat.example")
        page.goto(f"{live_server}/auctions/{ids['open']}")
        # Each choice's words start beside its radio button, on the button's line.
        for radio, label in (("#mode-0", "label[for=mode-0]"), ("#mode-1", "label[for=mode-1]")):
            button = page.locator(radio).bounding_box()
            words = page.locator(label).bounding_box()
            assert words["x"] >= button["x"] + button["width"], (radio, button, words)
            assert words["y"] <= button["y"] + button["height"], (radio, button, words)
            assert words["height"] >= 39, (label, words)
        # Review my bid, Buy now, Watch: one under the other, never touching.
        buttons = page.evaluate(BOXES, "#bid-box button[type=submit], .toolbar button")
        assert len(buttons) == 3, buttons
        for upper, lower in zip(buttons, buttons[1:], strict=False):
            assert lower[1] - upper[2] >= 8, (upper, lower)
        links = page.evaluate(BOXES, ".toolbar > .report-link")
        assert links and min(link[5] for link in links) >= 39, links
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.goto(f"{live_server}/auctions/sales/{ids['sale']}")
        copies = page.evaluate(BOXES, ".copy-button")
        assert len(copies) == 2, copies
        assert min(copy[5] for copy in copies) >= 39, copies
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_moderators_rating_controls_take_a_thumb_on_a_phone_rank_1(browser, live_server,
                                                                      live_env):
    """RANK-1 (found on a phone): the moderator's "Who may see it" menu on an auction was
    37 px high beside its 40 px button. Both take a thumb now."""
    ids = seed(live_env, """
from app.blueprints.auctions import lifecycle
from app.models import Category

seller = member("rating-seller@talat.example", "ผู้ขาย เรตติ้ง")
moderator = member("rating-mod@talat.example", "สมหญิง ตรวจงาน")
moderator.role = "moderator"
db.session.commit()
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
auction = lifecycle.create_auction(seller, dict(
    title="พระสมเด็จ ให้ผู้ดูแลจัดเรต", description="", category_id=category.id,
    starting_price_satang=100000, min_increment_satang=5000, duration_days=7), now=utcnow())
db.session.commit()
print(json.dumps({"open": auction.id}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "rating-mod@talat.example")
        page.goto(f"{live_server}/auctions/{ids['open']}")
        controls = page.evaluate(BOXES, "[data-rating-form] select, [data-rating-form] button")
        assert len(controls) == 2 and min(control[5] for control in controls) >= 39, controls
    finally:
        context.close()
