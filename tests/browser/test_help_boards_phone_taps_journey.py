"""Help pages and public boards on a phone (390 px), found driving them as a visitor: links
that stand alone, not inside a sentence, were 17 to 26 px high, their rows 7 px apart, under a
thumb's 40 (HELP-1, HELP-6, AUC-5, SHOP-7): the footer's links on every page, the help
centre's breadcrumb, the article's contents box, the lists of articles and related help, the
site map's list of links (HELP-6), the boards' list, back links and "See the listing", and
the help link beside the complaint form (HELP-5)."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import seed

pytestmark = pytest.mark.browser
THUMB = 39.5

SEED = """
from app.blueprints.boards import services
from app.models import Category, Listing, Shop

seller = member("seller-taps@talat.example", "Seller Taps")
db.session.commit()
category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
shop = Shop(owner_id=seller.id, name="Taps Amulets", slug="taps-amulets", description="",
            plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.flush()
listing = Listing(shop_id=shop.id, created_by_id=seller.id, category_id=category,
                  title="พระสมเด็จจำลอง", description="", price_satang=50000, quantity=1,
                  content_rating="general", status="active", created_at=utcnow(),
                  updated_at=utcnow())
db.session.add(listing)
db.session.flush()
entry = services.post("fake-shops", listing.title, "ผู้ดูแลตรวจแล้วเป็นของปลอม",
                      target_type="listing", target_id=listing.id, now=utcnow())
db.session.commit()
print(json.dumps({"post": entry.id}))
"""

#: Page → the stand-alone links on it that a thumb must be able to take.
LINKS = {
    "/help/scammed": [".breadcrumbs a", ".help-toc a", ".help-related a",
                      ".help-article__more a", ".site-footer nav a"],
    "/help/": [".help-section__list a", ".help-more a"],
    "/help/sitemap": [".help-article__body li a"],
    "/boards/": [".boards a"],
    "/boards/fake-shops": [".back-link a", ".board-posts a"],
    "/complaints/new": [".help-link a"],
}


def test_stand_alone_links_of_help_and_boards_take_a_thumb_help_1_help_6_auc_5(
        browser, live_server, live_env):
    post_id = seed(live_env, SEED)["post"]
    links = {**LINKS, f"/boards/posts/{post_id}": [".back-link a", ".board-post__item a"]}
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    small = []
    try:
        for path, selectors in links.items():
            page.goto(f"{live_server}{path}")
            for selector in selectors:
                found = page.locator(selector)
                assert found.count() > 0, f"{path}: nothing matches {selector}"
                for index in range(found.count()):
                    box = found.nth(index).bounding_box()
                    if box["height"] < THUMB:
                        small.append(f"{path} {selector} #{index}: {box['height']:.0f} px")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} is {width} px wide"
    finally:
        context.close()
    assert small == [], small
