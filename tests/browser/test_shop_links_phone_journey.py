"""Links to shops on a phone (390 px), found browsing as a buyer: a shop found by search had
its name and "Search this shop" 26 and 24 px high, 14 px apart; the shops one follows
(watchlist) and runs (My shops) were 26 px links. Each now takes a thumb (SHOP-1)."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

HEIGHTS = """selector => Array.from(document.querySelectorAll(selector)).map(a =>
    [a.textContent.trim(), a.getBoundingClientRect().height])"""


def test_shop_links_take_a_thumb_shop_1(browser, live_server, live_env):
    seed(live_env, """
from app.models import Follow, Shop
owner = member("thumb-owner@talat.example", "เจ้าของร้านนิ้วโป้ง")
shop = Shop(owner_id=owner.id, name="ร้านนิ้วโป้ง", slug="thumb-shop", plan="standard")
db.session.add(shop)
db.session.flush()
follower = member("thumb-follower@talat.example", "ผู้ติดตามนิ้วโป้ง")
db.session.add(Follow(user_id=follower.id, shop_id=shop.id))
db.session.commit()
print(json.dumps({}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "thumb-follower@talat.example")
    for path, selector in (("/search?q=นิ้วโป้ง", ".search-shops a"),
                           ("/watchlist", ".shop-links a")):
        page.goto(f"{live_server}{path}")
        heights = page.evaluate(HEIGHTS, selector)
        assert heights and all(height >= 40 for _, height in heights), (path, heights)
    context.clear_cookies()
    log_in(page, live_server, "thumb-owner@talat.example")
    page.goto(f"{live_server}/shops/mine")
    heights = page.evaluate(HEIGHTS, ".shop-list a")  # (its rows: test_shop_people_phone_journey)
    assert heights and all(height >= 40 for _, height in heights), heights
    context.close()
