"""Feedback on a phone (390 px), found in review (AUC-11): a rating whose comment was one long
word (a Thai letter held down, "ขขขข…") made the seller's member page 1,357 px wide, and the
sale page as wide, since the comment sat as bare text in its line and nothing let it break."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser
#: The elements reaching past the screen, to say which when one does.
WIDEST = ("() => Array.from(document.querySelectorAll('body *')).filter(el => "
          "el.getBoundingClientRect().right > 392 || el.scrollWidth > 392).slice(0, 8).map("
          "el => el.tagName + '.' + el.className + ':' + el.scrollWidth)")


def test_long_feedback_comments_fit_a_phone_auc_11(browser, live_server, live_env):
    ids = seed(live_env, """
from app.blueprints.auctions import bidding, lifecycle
from app.models import Category, Feedback, Sale
seller = member("fb-seller@talat.example", "Seller Longcomment")
buyer = member("fb-buyer@talat.example", "Buyer Longcomment")
category = db.session.query(Category).filter_by(slug="phra-somdet").one()
auction = lifecycle.create_auction(seller, dict(
    title="พระสมเด็จ คำติชมยาว", description="", category_id=category.id,
    starting_price_satang=10000, min_increment_satang=1000, buy_now_satang=50000,
    duration_days=7), now=utcnow())
db.session.commit()
bidding.buy_now(auction.id, buyer, now=utcnow())
db.session.commit()
sale = db.session.query(Sale).filter_by(auction_id=auction.id).one()
for giver, receiver in ((buyer, seller), (seller, buyer)):
    db.session.add(Feedback(sale_id=sale.id, from_user_id=giver.id, to_user_id=receiver.id,
                            rating="positive", comment="ดีมาก" + "ข" * 300, automatic=False,
                            created_at=utcnow()))
db.session.commit()
print(json.dumps({"sale": sale.id, "seller": seller.id, "buyer": buyer.id}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "fb-buyer@talat.example")
    for path in (f"/members/{ids['seller']}", f"/members/{ids['buyer']}",
                 f"/auctions/sales/{ids['sale']}"):
        page.goto(f"{live_server}{path}")
        assert "ขขขข" in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width, page.evaluate(WIDEST))
    context.close()
