"""A member reports an auction from a phone (MOD-11), found in review: sending the report
swapped a whole second page (header, footer, a second bid form) into the form's panel, the
thanks showed up to three times and the console logged CSP errors. Now the thanks replace the
form, once, and the page stays clean."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.steps import seed, sign_up

pytestmark = pytest.mark.browser

SEED = """
from app.blueprints.auctions import lifecycle
from app.models import Category

seller = member("seller@talat.example", "Seller Somsak")
db.session.commit()
category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
auction = lifecycle.create_auction(seller, dict(
    title="พระสมเด็จ องค์ที่จะถูกแจ้ง", description="", category_id=category,
    starting_price_satang=10000, min_increment_satang=1000, duration_days=7), now=utcnow())
db.session.commit()
print(json.dumps({"auction": auction.id}))
"""
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def test_member_reports_an_auction_and_the_thanks_replace_the_form_mod_11(
        browser, live_server, live_env, screenshot):
    seeded = seed(live_env, SEED)
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"script: {error}"))
    try:
        sign_up(page, live_server, "reporter@talat.example", "Reporter Ratana")
        page.goto(f"{live_server}/auctions/{seeded['auction']}")
        page.click("a.report-link")  # "แจ้งรายงาน"
        # The report page is a page of its own: htmx (a deferred script) must have taken its
        # form over before the tap on "send", or the form goes as a plain post (which works,
        # thanks in a flash above the auction, but is not what this test looks at). Found
        # in CI on a loaded machine.
        page.wait_for_url("**/moderation/report/**", wait_until="load")
        form = page.locator("#report-form")
        expect(form).to_be_visible()
        page.select_option("#report-form select[name=reason]", "scam")
        page.fill("#report-form textarea[name=detail]", "ขายแล้วไม่ส่งของ")
        page.click("#report-form button[type=submit]")

        thanks = page.locator("#report-form[role=status]")
        expect(thanks).to_contain_text("ขอบคุณ ส่งรายงานของคุณถึงผู้ดูแลแล้ว")
        expect(page.get_by_text("ขอบคุณ ส่งรายงานของคุณถึงผู้ดูแลแล้ว")).to_have_count(1)
        expect(page.locator("header.site-header")).to_have_count(1)
        expect(page.locator("footer.site-footer")).to_have_count(1)
        expect(page.locator("#bid-box")).to_have_count(0)
        expect(page.locator("select[name=reason]")).to_have_count(0)
        screenshot(page, "report-sent")
        ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
        assert len(ids) == len(set(ids)), ids
        problems += [f"CSP {v}" for v in page.evaluate("window.__cspViolations")]
        thanks.get_by_role("link").click()
        expect(page).to_have_url(f"{live_server}/auctions/{seeded['auction']}")
        expect(page.get_by_text("ขอบคุณ ส่งรายงานของคุณถึงผู้ดูแลแล้ว")).to_have_count(0)
        problems += [f"CSP {v}" for v in page.evaluate("window.__cspViolations")]
    finally:
        context.close()
    assert problems == []
