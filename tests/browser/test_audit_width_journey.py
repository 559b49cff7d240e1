"""The audit log stays as wide as the screen whatever a moderator wrote (MOD-10): found in
review, a 2,000-character reason without a space made its note column 16,000 px wide, and the
whole log scrolled sideways."""
import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser


def test_a_long_unbroken_note_wraps_inside_the_audit_log_mod_10(browser, live_server, live_env):
    seed(live_env, """
from app.blueprints.moderation import audit
admin = member("audit-width-admin@talat.example", "Somchai A.")
admin.role = "admin"
mod = member("audit-width-mod@talat.example", "Malee K.")
mod.role = "moderator"
audit.record(mod, "sign.hang", "listing", 1, before={"stop_sign": None},
             after={"stop_sign": "fake", "reason": "ร" * 2000}, note="ร" * 2000, now=utcnow())
db.session.commit()
print(json.dumps({}))
""")
    context = browser.new_context(viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok")
    page = context.new_page()
    log_in(page, live_server, "audit-width-admin@talat.example")
    page.goto(f"{live_server}/moderation/audit")
    assert page.locator("td.audit-note").first.inner_text().startswith("รรร")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    context.close()


def test_admin_tables_read_as_cards_on_a_phone_mod_10_acc_6(browser, live_server, live_env):
    """Found in review on a 390 px phone: the audit log made the page 521 px wide, and the
    members table put the role menu and its Save button off-screen in a sideways scroll with
    no hint they were there. Those tables (and the traffic log's) stack each row as a card."""
    seed(live_env, """
from app.blueprints.moderation import audit
admin = member("audit-phone-admin@talat.example", "Prasert P.")
admin.role = "admin"
audit.record(admin, "user.role", "user", admin.id, before={"role": "member"},
             after={"role": "admin"}, note="ทดสอบ", now=utcnow())
db.session.commit()
print(json.dumps({}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, "audit-phone-admin@talat.example")
    for path in ("/moderation/audit", "/admin/members", "/admin/traffic"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.goto(f"{live_server}/admin/members")
    save = page.locator("#members-table button[type=submit]").first
    box = save.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("#members-table td[data-label]").first.evaluate(
        "td => getComputedStyle(td, '::before').content").strip('"') == "ชื่อที่แสดง"
    context.close()
