"""A complaint from filing to outcome (CMP-1, CMP-3, CMP-5): a visitor files a complaint with an
evidence photo about a listing and gets a tracking code; a moderator upholds it from the review
queue; the listing disappears from public view; its owner sees the notice and the banner on
the listing; the complainant's status page shows the outcome.

The seller, the listing and the moderator are made through the services in the live server's
database.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.steps import image_file, log_in, seed

pytestmark = pytest.mark.browser

SEED = """
from app.models import Category, Listing, Shop

checker = member("checker@talat.example", "Checker Noi")
checker.role = "moderator"
seller = member("seller@talat.example", "Seller Somsak")
db.session.commit()
category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
shop = Shop(owner_id=seller.id, name="Somsak Amulets", slug="somsak-amulets",
            description="", plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.flush()
listing = Listing(shop_id=shop.id, created_by_id=seller.id, category_id=category,
                  title="Garuda amulet copy", description="", price_satang=50000,
                  quantity=1, content_rating="general", status="active",
                  created_at=utcnow(), updated_at=utcnow())
db.session.add(listing)
db.session.commit()
print(json.dumps({"listing": listing.id}))
"""


def test_a_visitor_complaint_is_upheld_and_the_listing_leaves_public_view_cmp_1_3_5(
        browser, live_server, live_env, screenshot, tmp_path):
    listing_id = seed(live_env, SEED)["listing"]
    listing_url = f"{live_server}/listings/{listing_id}"
    problems, contexts = [], []

    def tab(name):
        context = browser.new_context(viewport=DESKTOP, locale="en-US",
                                      timezone_id="Asia/Bangkok")
        context.set_default_timeout(10_000)
        context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{name} script: {error}"))
        return page

    try:
        # 1. A visitor (no account) files the complaint with an evidence photo.
        visitor = tab("visitor")
        visitor.goto(listing_url)
        expect(visitor.locator("h1")).to_contain_text("Garuda amulet copy")
        visitor.goto(f"{live_server}/complaints/new")
        visitor.fill("input[name=name]", "Brand Owner")
        visitor.fill("input[name=organisation]", "Garuda Brand Co.")
        visitor.fill("input[name=email]", "legal@garuda.example")
        visitor.check("input[name=role][value=holder]")
        visitor.select_option("select[name=kind]", "counterfeit")
        visitor.fill("textarea[name=description]",
                     "This listing sells copies of our registered Garuda amulet design.")
        visitor.fill("textarea[name=urls]", listing_url)
        visitor.set_input_files("input[name=files]", image_file(tmp_path, "proof.jpg"))
        visitor.check("input[name=good_faith]")
        visitor.check("input[name=accurate]")
        visitor.fill("input[name=signature]", "Brand Owner")
        visitor.click("main form button[type=submit]")
        code = visitor.locator(".tracking-code code").inner_text().strip()
        assert re.match(r"^[A-Z0-9-]{6,20}$", code), code

        # 2. A moderator upholds it from the queue, with a reason and the rule.
        moderator = tab("moderator")
        log_in(moderator, live_server, "checker@talat.example")
        moderator.goto(f"{live_server}/moderation/queue?kind=complaint")
        row = moderator.locator(".queue-row", has_text=code)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("business days left")
        expect(row.locator("a", has_text="proof.jpg")).to_have_count(1)
        screenshot(moderator, "complaint-queue-row")
        uphold = row.locator("form[data-action=uphold]")
        uphold.locator("input[name=reason]").fill("Copies of a registered design.")
        uphold.locator("input[name=rule]").fill("SHOP-4")
        uphold.locator("button[type=submit]").click()
        expect(moderator.locator(".queue-row", has_text=code).locator(
            ".queue-row__decision")).to_contain_text("Decided: Uphold and hide")

        # 3. The listing is gone from public view.
        response = visitor.goto(listing_url)
        assert response.status == 404

        # 4. The owner sees the notice and the banner, with the way to answer.
        owner = tab("owner")
        log_in(owner, live_server, "seller@talat.example")
        owner.goto(listing_url)
        banner = owner.locator(".complaint-banner")
        expect(banner).to_contain_text("Publication suspended after a complaint")
        expect(banner).to_contain_text("Copies of a registered design.")
        banner.locator("a").click()
        expect(owner.locator("h1")).to_contain_text("Publication suspended")
        expect(owner.locator("textarea[name=body]")).to_be_visible()
        screenshot(owner, "complaint-owner-answer")

        # 5. The complainant's status page shows the outcome and the reasons.
        visitor.goto(f"{live_server}/complaints/status")
        visitor.fill("input[name=code]", code)
        visitor.fill("input[name=email]", "legal@garuda.example")
        visitor.click("main form button[type=submit]")
        expect(visitor.locator("main")).to_contain_text("Upheld")
        expect(visitor.locator("main")).to_contain_text("Copies of a registered design.")
        screenshot(visitor, "complaint-status-upheld")
        assert problems == [], problems
    finally:
        for context in contexts:
            context.close()
