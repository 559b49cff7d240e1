"""The admin's pages on a phone (roles ACC-3, login blocks ACC-4, traffic ACC-6, shops
SHOP-2), found in review: on the members page the menu that sets a member's role was 19 px
high (an unstyled menu in the row's one-line form), below the 40 px a thumb takes that the rest
of the site gives its controls. Every menu, field and button of the admin's pages, and of the
admin-only controls elsewhere (the audit log's filters, a shop's plan), is now at least 40 px
high on a phone."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

#: Each visible control in the page's main part with its height.
CONTROLS = """() => Array.from(document.querySelectorAll(
  "main select, main input:not([type=hidden]):not([type=checkbox]), main button, main a.btn,"
  + " main textarea")).filter(el => el.getClientRects().length).map(el => ({
    control: el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : "")
             + ` ${(el.tagName === "SELECT" ? el.value : el.innerText || "").trim().slice(0, 20)}`,
    height: el.getBoundingClientRect().height}))"""

PAGES = ["/admin/members", "/admin/login-blocks", "/admin/outbox", "/admin/traffic",
         "/admin/prohibited", "/admin/sections", "/admin/complaint-settings", "/admin/shops",
         "/moderation/audit", "/shops/admin-phone-shop"]


def test_every_control_on_the_admins_pages_takes_a_thumb_on_a_phone_acc_3(
        browser, live_server, live_env):
    seed(live_env, """
from app.models import LoginBlock, Shop
admin = member("admin-phone@talat.example", "Somchai Phone")
admin.role = "admin"
owner = member("admin-phone-owner@talat.example", "Malee Phone")
db.session.add(LoginBlock(ip="203.0.113.9", failures=9,
                          blocked_until=utcnow() + timedelta(hours=1)))
db.session.add(Shop(owner_id=owner.id, name="ร้านทดสอบมือถือ", slug="admin-phone-shop",
                    plan="starter", description=""))
db.session.commit()
print(json.dumps({}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server, "admin-phone@talat.example")
        for path in PAGES:
            page.goto(f"{live_server}{path}")
            controls = page.evaluate(CONTROLS)
            assert controls, path
            small = [c for c in controls if c["height"] < 40 - 0.5]
            assert not small, (path, small)
        page.goto(f"{live_server}/admin/members")
        roles = page.locator("#members-table select[name=role]")
        assert roles.count() == 2
        assert roles.first.bounding_box()["height"] >= 39.5
        # The search (htmx) draws the table again: its menus keep their size.
        page.fill("#q", "Malee")
        expect(page.locator("#members-table tbody tr")).to_have_count(1)
        assert roles.first.bounding_box()["height"] >= 39.5
    finally:
        context.close()
