"""Report links in the shops on a phone (390 px), found driving them as a buyer: a listing's
"Report illegal content or infringement" was 26 px high, a shop's 19 px, while the auction
board's take a thumb (about 40 px). A message's "Report" (SHOP-5: a conversation can be
reported) is held to the same. SHOP-3, SHOP-5, SHOP-1."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser


def test_report_links_of_listing_shop_and_message_take_a_thumb_shop_5(browser, live_server,
                                                                       live_env):
    ids = seed(live_env, """
from app.models import Category, Conversation, Listing, Message, Shop
owner = member("report-seller@talat.example", "ร้านรายงาน")
buyer = member("report-buyer@talat.example", "ผู้ซื้อรายงาน")
shop = Shop(owner_id=owner.id, name="ร้านรายงาน", slug="report-shop", plan="standard")
db.session.add(shop)
db.session.flush()
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
listing = Listing(shop_id=shop.id, created_by_id=owner.id, category_id=category.id,
                  title="พระรอด พิมพ์ใหญ่", description="", price_satang=150000, quantity=2,
                  status="active", content_rating="general", condition="good",
                  created_at=utcnow(), updated_at=utcnow())
db.session.add(listing)
db.session.flush()
conversation = Conversation(listing_id=listing.id, shop_id=shop.id, buyer_id=buyer.id)
db.session.add(conversation)
db.session.flush()
db.session.add(Message(conversation_id=conversation.id, sender_id=owner.id,
                       body="โอนมานอกระบบได้เลยครับ"))
db.session.commit()
print(json.dumps({"listing": listing.id, "conversation": conversation.id}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "report-buyer@talat.example")
    for path in (f"/listings/{ids['listing']}", "/shops/report-shop",
                 f"/messages/{ids['conversation']}"):
        page.goto(f"{live_server}{path}")
        heights = page.evaluate("""() => Array.from(document.querySelectorAll(
            "main .report-link")).map(a => [a.textContent.trim(),
                                            a.getBoundingClientRect().height])""")
        assert heights, path
        assert all(height >= 40 for _, height in heights), (path, heights)
    context.close()
