"""The member's side of moderation on a phone (MOD-3, MOD-4, MOD-9), found driving it at
390 px: the sign panel's "Send an explanation" and "Ask to lift the sign" buttons were 30 px
high; a post's own page on the public board lost the card's side padding (a rule meant for
the posts listed on a board took it away), so its words ran to the card's edge; the
member's sanctions ran into one another, an appeal button reading as the start of the next
sanction; and the queue row ran the lines of the owner's request into one."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

CAST = """
from datetime import timedelta
from app.blueprints.moderation import responses, sanctions, signs
from app.blueprints.shops import listing_services
from app.models import Category, LiftRequest, Shop

mod = member("phone-mod@talat.example", "Mali Somjai")
mod.role = "moderator"
owner = member("phone-owner@talat.example", "สมชาย ขายพระ")
db.session.commit()
shop = Shop(owner_id=owner.id, name="บ้านพระสมชาย", slug="phone-somchai", description="",
            plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.commit()
category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
listing = listing_services.create_listing(shop, owner, dict(
    title="พระสมเด็จ วัดระฆัง", description="", category_id=category, price_satang=150000,
    quantity=1, condition="good", content_rating="general"), now=utcnow())
sign = signs.hang_sign("listing", listing.id, "fake", mod, "เนื้อผงไม่ตรงพิมพ์",
                       now=utcnow() - timedelta(days=8))
responses.file_lift_request(sign, owner, "องค์นี้แท้ " * 60 + "\\nมีใบรับรองจากสมาคม",
                            now=utcnow())
sanctions.impose(owner, "warning", mod, rule="SHOP-4", facts="เตือนครั้งแรก", now=utcnow())
sanctions.impose(owner, "limits", mod, rule="SHOP-4", facts="จำกัดการลงขาย", now=utcnow(),
                 limits="ลงขายได้วันละ 1 รายการ")
db.session.commit()
post = db.session.scalar(db.select(LiftRequest.board_post_id))
print(json.dumps({"listing": listing.id, "post": post}))
"""


def test_on_a_phone_the_members_moderation_pages_keep_their_shape_mod_3_mod_4_mod_9(
        browser, live_server, live_env):
    """MOD-3, MOD-4 on a phone: the sign panel's buttons take a thumb (about 40 px); a lift
    request's page on the board keeps the card's padding on both sides. MOD-9: each sanction
    on the member's page is set apart from the next by a line."""
    cast = seed(live_env, CAST)
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "phone-owner@talat.example")
        page.goto(f"{live_server}/listings/{cast['listing']}")
        heights = page.evaluate("""() => Array.from(document.querySelectorAll(
            ".sign-panel .btn--small")).map(el => el.getBoundingClientRect().height)""")
        assert len(heights) == 2 and min(heights) >= 39, heights

        page.goto(f"{live_server}/boards/posts/{cast['post']}")
        gaps = page.evaluate("""() => {
            const card = document.querySelector("article.panel").getBoundingClientRect();
            const body = document.querySelector(".board-post__body").getBoundingClientRect();
            return [body.left - card.left, card.right - body.right]; }""")
        assert min(gaps) >= 12, gaps
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.goto(f"{live_server}/moderation/me/sanctions")
        lines = page.evaluate("""() => Array.from(document.querySelectorAll(
            ".sanction-list > li")).map(li => getComputedStyle(li).borderBottomWidth)""")
        assert lines[:-1] and all(width != "0px" for width in lines[:-1]), lines
    finally:
        context.close()

    # MOD-3, MOD-7: the moderator reads the request with its lines as the owner wrote them.
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "phone-mod@talat.example")
        page.goto(f"{live_server}/moderation/queue?kind=lift_request")
        text = page.locator(".queue-row__text").first.inner_text()
        assert "แท้\nมีใบรับรองจากสมาคม" in text, text[-60:]
    finally:
        context.close()
