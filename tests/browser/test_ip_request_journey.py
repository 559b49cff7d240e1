"""A scam victim asks for the IP address of the seller who cheated them (CMP-6): the form is
refused without the police report and keeps what was typed; with a PDF report it is sent and
the request page shows no address; a moderator approves it from the review queue; the victim's
request page then lists the seller's addresses from the traffic log.

The seller, the moderator and the seller's traffic-log entries are made through the services
in the live server's database.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, sign_up, seed

pytestmark = pytest.mark.browser

SEED = """
from app.blueprints.auctions import lifecycle
from app.models import Category, TrafficLogEntry

checker = member("checker@talat.example", "Checker Noi")
checker.role = "moderator"
seller = member("seller@talat.example", "Seller Somsak")
db.session.commit()
category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
auction = lifecycle.create_auction(seller, dict(
    title="พระสมเด็จ ไม่เคยส่ง", description="", category_id=category,
    starting_price_satang=10000, min_increment_satang=1000, duration_days=7), now=utcnow())
for days, ip in ((3, "203.0.113.77"), (2, "203.0.113.77"), (1, "198.51.100.23")):
    db.session.add(TrafficLogEntry(at=utcnow() - timedelta(days=days), member_id=seller.id,
                                   ip=ip, method="POST", action="auctions.edit",
                                   target="/x", status=200))
db.session.commit()
print(json.dumps({"auction": auction.id}))
"""

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_victim_files_moderator_approves_victim_sees_the_addresses_cmp_6(
        browser, live_server, live_env, page, screenshot, tmp_path):
    seeded = seed(live_env, SEED)
    report = tmp_path / "police-report.pdf"
    report.write_bytes(PDF)

    sign_up(page, live_server, "victim@talat.example", "Victim Wipa")
    page.goto(f"{live_server}/ip-requests/new")
    page.fill("input[name=item_url]", f"{live_server}/auctions/{seeded['auction']}")
    page.fill("input[name=case_number]", "1234/2569")
    page.fill("input[name=police_station]", "สน.ลุมพินี")
    page.fill("input[name=incident_date]", "2026-11-15")
    page.fill("textarea[name=description]", "โอนเงินแล้ว ไม่ได้รับพระ <b>ติดต่อไม่ได้</b>")
    page.click("main form button[type=submit]")
    # No police report: refused, everything typed is still there.
    expect(page.locator(".field--error input[name=police_report]")).to_be_visible()
    expect(page.locator("input[name=case_number]")).to_have_value("1234/2569")
    expect(page.locator("textarea[name=description]")).to_have_value(
        "โอนเงินแล้ว ไม่ได้รับพระ <b>ติดต่อไม่ได้</b>")
    screenshot(page, "ip-request-form")

    page.set_input_files("input[name=police_report]", str(report))
    page.click("main form button[type=submit]")
    expect(page.locator("dl.details")).to_contain_text("Seller Somsak")
    expect(page.locator("main")).not_to_contain_text("203.0.113.77")
    request_url = page.url

    context = browser.new_context(viewport=page.viewport_size, locale="th-TH",
                                  timezone_id="Asia/Bangkok")
    try:
        moderator = context.new_page()
        log_in(moderator, live_server, "checker@talat.example")
        moderator.goto(f"{live_server}/moderation/queue?kind=ip_request")
        row = moderator.locator(".queue-row").first
        expect(row).to_contain_text("1234/2569")
        expect(row).not_to_contain_text("203.0.113.77")
        screenshot(moderator, "ip-request-queue")
        row.locator("form[data-action=approve] button[type=submit]").click()
        expect(row.locator(".queue-row__decision")).to_be_visible()
    finally:
        context.close()

    page.goto(request_url)
    expect(page.locator("table.ip-addresses")).to_contain_text("203.0.113.77")
    expect(page.locator("table.ip-addresses")).to_contain_text("198.51.100.23")
    expect(page.locator("table.ip-addresses tbody tr")).to_have_count(2)
    screenshot(page, "ip-request-approved")
