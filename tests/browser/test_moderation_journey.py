"""A moderator clears the review queue with the keyboard (MOD-7, AUC-3): five mixed items — a
report on an auction (hung FAKE), two prohibited-goods holds (approved, refused), a shill-bid
flag (dismissed) and a report on a member (dismissed) — each decided in place, the next row
focused after each. The reported auction is open live in a member's page meanwhile, and stops
offering bidding there at once.

The items are raised through the services in the live server's database (reports, a held
listing, a bid from the seller's address), oldest first in the order above.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.steps import log_in, sign_up, seed

pytestmark = pytest.mark.browser

#: Run in the live server's environment: a moderator, a seller with an auction and a shop, and
#: five queue items. Prints the ids as JSON.
SEED = """
from app.blueprints.auctions import bidding, lifecycle
from app.blueprints.moderation.reports import file_report
from app.blueprints.shops import listing_services
from app.models import Category, ReviewItem, Shop

checker = member("checker@talat.example", "Checker Noi")
checker.role = "moderator"
seller = member("seller@talat.example", "Seller Somsak")
reporter = member("reporter@talat.example", "Reporter Ratana")
bidder = member("bidder@talat.example", "Bidder Boon")
db.session.commit()
category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
values = dict(description="", category_id=category, starting_price_satang=10000,
              min_increment_satang=1000, duration_days=7)
watched = lifecycle.create_auction(seller, dict(values, title="พระสมเด็จ องค์ที่ถูกแจ้ง"),
                                   now=utcnow())
db.session.commit()
file_report(reporter, "auction", watched.id, "fake", "Looks like a copy", now=utcnow())
db.session.commit()
shop = Shop(owner_id=seller.id, name="Somsak Amulets", slug="somsak-amulets",
            description="", plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.commit()
for title in ("พระกริ่ง บูชาปืนใหญ่ เก่า", "พระกริ่ง บูชาปืนใหญ่ องค์สอง"):
    listing_services.create_listing(shop, seller, dict(
        title=title, description="", category_id=category, price_satang=50000,
        quantity=1, condition="good", content_rating="general"), now=utcnow())
    db.session.commit()
flagged = lifecycle.create_auction(seller, dict(values, title="พระรอด ประมูลสอง"),
                                   now=utcnow(), ip="203.0.113.9")
db.session.commit()
bidding.place_bid(flagged.id, bidder, 50000, proxy=True, now=utcnow(), ip="203.0.113.9")
db.session.commit()
file_report(reporter, "user", bidder.id, "spam", "Spams every auction", now=utcnow())
db.session.commit()
items = db.session.scalars(db.select(ReviewItem).order_by(ReviewItem.created_at,
                                                          ReviewItem.id)).all()
print(json.dumps({"auction": watched.id, "items": [[i.id, i.kind] for i in items]}))
"""


def test_moderator_clears_five_items_with_the_keyboard_and_fake_halts_live_mod_7_auc_3(
        browser, live_server, live_env, screenshot):
    seeded = seed(live_env, SEED)
    items = seeded["items"]
    assert [kind for _, kind in items] == ["report", "prohibited_hold", "prohibited_hold",
                                          "shill_flag", "report"]
    problems, contexts = [], []

    def tab(name):
        context = browser.new_context(viewport=DESKTOP, locale="th-TH",
                                      timezone_id="Asia/Bangkok")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"{name}: {m.text}"))
        page.on("pageerror", lambda error: problems.append(f"{name} script: {error}"))
        page.add_init_script('document.addEventListener("htmx:sseOpen", () => '
                             'document.documentElement.setAttribute("data-test-sse-open", ""));')
        return page

    try:
        # A member watches the reported auction live, with the bid form on offer.
        watcher = tab("watcher")
        sign_up(watcher, live_server, "alice@talat.example", "Alice")
        watcher.goto(f"{live_server}/auctions/{seeded['auction']}")
        expect(watcher.locator("html[data-test-sse-open]")).to_have_count(1)
        expect(watcher.locator("#bid-box form").first).to_be_visible()

        moderator = tab("moderator")
        log_in(moderator, live_server, "checker@talat.example")
        moderator.click("form.lang-switch button[value=en]")
        moderator.goto(f"{live_server}/moderation/queue")
        expect(moderator.locator(".queue-row")).to_have_count(5)
        expect(moderator.locator("#queue-nav")).to_have_text("Queue (5)")
        rows = [moderator.locator(f"#item-{item_id}") for item_id, _ in items]
        expect(rows[0]).to_be_focused()
        screenshot(moderator, "moderation-queue")
        expect(rows[0]).to_be_focused()

        # 1. The report on the auction: s, then F picks FAKE, Tab to the reason, Enter.
        moderator.keyboard.press("s")
        expect(rows[0].locator("select[name=sign]")).to_be_focused()
        moderator.keyboard.press("F")
        expect(rows[0].locator("select[name=sign]")).to_have_value("fake")
        moderator.keyboard.press("Tab")
        moderator.keyboard.type("Copy of a known fake: wrong mould lines")
        moderator.keyboard.press("Enter")
        expect(rows[0].locator(".queue-row__decision")).to_contain_text("Decided: Hang a sign")
        expect(rows[1]).to_be_focused()
        # AUC-3: the watching page stops offering bidding at once, without a reload.
        expect(watcher.locator("[data-halted]")).to_be_visible(timeout=5_000)
        expect(watcher.locator("#bid-box form").first).to_be_hidden()

        # 2. a approves the first hold; 3. r refuses the second; 4. d dismisses the shill
        # flag; 5. d dismisses the report on the member. j/k move without deciding.
        moderator.keyboard.press("k")
        expect(rows[0]).to_be_focused()
        moderator.keyboard.press("j")
        expect(rows[1]).to_be_focused()
        for index, key, decision in ((1, "a", "Approve"), (2, "r", "Refuse"),
                                     (3, "d", "Dismiss"), (4, "d", "Dismiss")):
            expect(rows[index]).to_be_focused()
            moderator.keyboard.press(key)
            expect(rows[index].locator(".queue-row__decision")).to_contain_text(
                f"Decided: {decision}")
        expect(moderator.locator(".queue-row[data-open]")).to_have_count(0)
        expect(moderator.locator("#queue-counts [data-count=all]")).to_have_text("0",
                                                                               timeout=20_000)

        moderator.keyboard.press("?")
        expect(moderator.locator("#queue-help")).to_be_visible()
        assert problems == [], problems
    finally:
        for context in contexts:
            context.close()
