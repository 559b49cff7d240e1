"""A sale's steps ask first (AUC-7): the buyer taps "I have paid"; the browser asks (htmx
hx-confirm); cancelling changes nothing, confirming moves the sale on and shows the page
again. Without JavaScript the same button leads to a confirmation page (see
tests/test_auction_board_review.py)."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import PASSWORD, log_in, seed

pytestmark = pytest.mark.browser

SALE = """
from app.blueprints.auctions import bidding, lifecycle
from app.models import Category
seller = member("sale-seller@talat.example", "Sale Seller")
buyer = member("sale-buyer@talat.example", "Sale Buyer")
db.session.commit()
now = utcnow()
category = db.session.scalar(db.select(Category).where(Category.slug == "phra-somdet"))
auction = lifecycle.create_auction(seller, dict(
    title="พระสมเด็จ ทดสอบการยืนยัน", description="องค์สวย", category_id=category.id,
    starting_price_satang=10_000, min_increment_satang=1_000, duration_days=1), now=now)
db.session.commit()
bidding.place_bid(auction.id, buyer, 20_000, proxy=False, now=utcnow())
db.session.commit()
auction = db.session.get(type(auction), auction.id)
sale = lifecycle.settle(auction, auction.ends_at)
db.session.commit()
print(json.dumps({"sale": sale.id}))
"""


def test_the_buyer_confirms_i_have_paid_in_the_browser_auc_7(live_env, live_server, page):
    sale_id = seed(live_env, SALE)["sale"]
    log_in(page, live_server, "sale-buyer@talat.example", PASSWORD)
    url = f"{live_server}/auctions/sales/{sale_id}"
    page.goto(url)
    stage = page.locator("dl.details dd").last
    waiting = stage.inner_text()
    button = page.locator("form[data-sale-step] button")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    button.click()
    page.wait_for_timeout(500)
    assert len(asked) == 1 and asked[0].strip()  # the question, in the member's language
    expect(stage).to_have_text(waiting)  # cancelled: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page.locator("form[data-sale-step]")).to_have_count(0)  # now the seller's turn
    expect(page.locator("dl.details dd").last).not_to_have_text(waiting)
    assert page.url == url
