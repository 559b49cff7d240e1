"""Wording found in review (SHOP-1, SHOP-2, SHOP-7, SHOP-10): a shop named "ร้าน…" read
"ร้าน ร้าน…"; a plan without staff said "0 staff"; "1.5" got two messages at once; the FAKE
e-mail had a vague subject and an odd space; Thai digits in a tracking number were refused."""
from html import unescape

import pytest
from sqlalchemy import select

from app.blueprints.shops import plans
from app.blueprints.shops.errors import PlanLimitReached
from app.blueprints.shops.order_services import clean_tracking_number
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage
from tests.test_orders import place, latest_order
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)


def test_a_shop_named_raan_is_not_called_raan_raan_in_thai_shop_1(market, client_for):
    m = market
    m.shop.name, m.owner.locale = "ร้านป้าแดง พระเครื่อง", "th"
    db.session.commit()
    assert place(m.buyer_client, m.listing).status_code == 302
    order = latest_order()
    seller = client_for(m.owner)
    seller.set_cookie("lang", "th")
    page = seller.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "ร้าน “ร้านป้าแดง พระเครื่อง”" in page and "ร้าน ร้าน" not in page
    subject = db.session.scalar(select(EmailMessage.subject).where(
        EmailMessage.to_address == m.owner.email, EmailMessage.kind == "order_placed"))
    assert subject.startswith("ร้าน “ร้านป้าแดง พระเครื่อง” มีคำสั่งซื้อใหม่"), subject


def test_a_plan_without_staff_says_so_shop_2(make_shop, app):
    shop = make_shop(plan="starter")
    with pytest.raises(PlanLimitReached) as raised:
        plans.check_staff_limit(shop)
    message = str(raised.value.message)
    assert message.startswith("แพ็กเกจ Starter ไม่มีทีมงานร้าน") and " 0 " not in message
    db.session.rollback()


def test_a_quantity_that_is_not_whole_gets_one_message_shop_10(market):
    response = place(market.buyer_client, market.listing, "1.5")
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    quantity_box = html[html.index('id="quantity"'):html.index('id="order-total"')]
    assert quantity_box.count('class="field__error"') == 1
    assert "Not a valid integer" not in html


def test_the_fake_sign_mail_names_the_item_and_the_sign_shop_7(app, make_member, make_listing):
    from app.blueprints.moderation import signs

    listing = make_listing(title="พระสมเด็จ องค์ครู")
    owner = listing.shop.owner
    owner.locale = "th"
    db.session.commit()
    signs.hang_sign("listing", listing.id, "fake", make_member(role="moderator"),
                    "A copy.", now=utcnow())
    db.session.commit()
    mail = db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == owner.email, EmailMessage.kind == "notice_sign_hung"))
    assert mail.subject == "รายการ “พระสมเด็จ องค์ครู” ของคุณถูกแขวนป้าย “ของปลอม (FAKE)”"
    assert "ป้าย ของปลอม" not in mail.body_text and "“ของปลอม (FAKE)” เหตุผล:" in mail.body_text


def test_tracking_numbers_read_thai_digits_shop_10(app):
    assert clean_tracking_number("EF ๑๒๓๔๕๖๗๘๙ th") == "EF123456789TH"
