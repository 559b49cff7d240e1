"""A moderator works the queue with the keyboard (MOD-7): the key of an action that cannot be
undone (closing a shop for good, revoking auction rights for good) only opens
that action's reason field; Enter sends it. A stray key press no longer closes a shop."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

SEED = """
from app.blueprints.moderation import queue
from app.models import Shop

checker = member("keys@talat.example", "Checker Keys")
checker.role = "moderator"
owner = member("fakes@talat.example", "Owner Fakes")
db.session.commit()
shop = Shop(owner_id=owner.id, name="Many Fakes", slug="many-fakes", description="",
            plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.commit()
item = queue.open_item("shop_fakes", "shop", shop.id, now=utcnow(), subject_user_id=owner.id,
                       summary="Many Fakes: 4 FAKE listings")
db.session.commit()
print(json.dumps({"item": item.id, "shop": shop.id}))
"""


def test_a_danger_actions_key_asks_for_the_reason_before_sending_mod_7(browser, live_server,
                                                                        live_env):
    seeded = seed(live_env, SEED)
    context = browser.new_context(viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "keys@talat.example")
        page.click("form.lang-switch button[value=en]")
        page.goto(f"{live_server}/moderation/queue")
        row = page.locator(f"#item-{seeded['item']}")
        expect(row).to_be_focused()
        close = row.locator("form[data-action=close]")
        page.keyboard.press("q")
        expect(close.locator("input[name=reason]")).to_be_focused()
        page.wait_for_timeout(500)
        expect(row).to_have_attribute("data-open", "")  # nothing was sent
        page.keyboard.type("Four copies of known fakes")
        page.keyboard.press("Enter")
        expect(row.locator(".queue-row__decision")).to_contain_text(
            "Decided: Close the shop permanently")
        expect(row).to_contain_text("Four copies of known fakes")
    finally:
        context.close()
