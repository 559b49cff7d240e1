"""SHOP-10: the buyer corrects an order's delivery address until the shop ships it. A wrong
house number or a move found out after ordering could only be written to the shop in a
message, which the people packing the parcel could miss; the order's own address was fixed."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EmailMessage, Notification, Order
from tests.conftest import SHIP_TO, post_form
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)
from tests.test_orders import order_at

pytestmark = pytest.mark.usefixtures("english")

NEW_ADDRESS = {"recipient_name": "สมชาย ใจดี", "phone": "๐๘๙ ๙๙๙ ๙๙๙๙",
               "address": "12 หมู่ 3 ตำบลสุเทพ อำเภอเมือง จังหวัดเชียงใหม่",
               "postcode": "50200"}


def change(client, order, data=None, **kwargs):
    return post_form(client, f"/orders/{order.id}/address", data or NEW_ADDRESS, **kwargs)


def notices(member):
    return db.session.scalars(select(Notification.kind).where(
        Notification.user_id == member.id)).all()


@pytest.mark.parametrize("stage", ["awaiting_payment", "payment_submitted", "paid"])
def test_shop_10_the_buyer_changes_the_address_before_shipping_and_the_shop_is_told(
        market, stage):
    order = order_at(market, stage)
    form = market.buyer_client.get(f"/orders/{order.id}/address").get_data(as_text=True)
    assert "99/1 ถนนสุขุมวิท" in form and 'value="10110"' in form  # filled with the order's
    page = market.buyer_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'href="/orders/{order.id}/address"' in page
    response = change(market.buyer_client, order)
    assert response.status_code == 302 and response.location.endswith(f"/orders/{order.id}")
    db.session.refresh(order)
    assert (order.ship_name, order.ship_phone, order.ship_postcode) == (
        "สมชาย ใจดี", "0899999999", "50200")  # Thai digits and spaces read, as when ordering
    assert order.ship_address.startswith("12 หมู่ 3") and order.ship_address_changed_at
    assert "order_new_address_shop" in notices(market.owner)
    assert db.session.scalar(select(EmailMessage.subject).where(
        EmailMessage.to_address == market.owner.email,
        EmailMessage.kind == "order_address_changed")) == (
        f"ที่อยู่จัดส่งใหม่ของคำสั่งซื้อ #{order.id}")  # in the member's language, Thai
    seller_page = market.seller_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "ตำบลสุเทพ" in seller_page and "ถนนสุขุมวิท" not in seller_page
    assert "The buyer changed this address on" in seller_page
    assert f'href="/orders/{order.id}/address"' not in seller_page  # the buyer's alone
    followed = market.buyer_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "The delivery address is changed, and the shop has been told." in followed


def test_shop_10_the_same_address_again_tells_nobody(market):
    order = order_at(market, "paid")
    before = notices(market.owner)
    assert change(market.buyer_client, order, SHIP_TO).status_code == 302
    db.session.refresh(order)
    assert order.ship_address_changed_at is None and notices(market.owner) == before


def test_shop_10_a_wrong_address_comes_back_as_typed_and_changes_nothing(market):
    order = order_at(market, "paid")
    typed = {**NEW_ADDRESS, "phone": "12345", "postcode": "<b>5020</b>"}
    response = change(market.buyer_client, order, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please give a Thai phone number" in html and "A postcode has 5 digits" in html
    assert "ตำบลสุเทพ" in html and 'value="12345"' in html  # nothing typed lost
    assert "&lt;b&gt;5020&lt;/b&gt;" in html and "<b>5020</b>" not in html
    db.session.refresh(order)
    assert order.ship_postcode == "10110" and order.ship_address_changed_at is None


def test_shop_10_once_shipped_the_address_stays_and_the_buyer_is_told_why(market):
    order = order_at(market, "shipped")
    page = market.buyer_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'href="/orders/{order.id}/address"' not in page
    opened = market.buyer_client.get(f"/orders/{order.id}/address")
    assert opened.status_code == 302
    assert "can no longer be changed" in market.buyer_client.get(
        opened.location).get_data(as_text=True)


def test_shop_10_an_address_sent_after_the_shop_shipped_is_refused_and_kept(market):
    """The form was opened before the shop shipped and sent after: the refusal says to write
    to the shop, with the new address still in the form to copy."""
    order = order_at(market, "paid")
    form_page = f"/orders/{order.id}/address"
    market.buyer_client.get(form_page)
    db.session.execute(db.update(Order).where(Order.id == order.id).values(status="shipped"))
    db.session.commit()
    response = post_form(market.buyer_client, form_page, NEW_ADDRESS,
                         form_url=f"/orders/{order.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "has already shipped this order" in html
    assert "ตำบลสุเทพ" in html
    db.session.refresh(order)
    assert order.ship_postcode == "10110"


@pytest.mark.parametrize("stage", ["cancelled", "completed"])
def test_shop_10_a_closed_order_keeps_its_address(market, stage):
    order = order_at(market, "completed" if stage == "completed" else "awaiting_payment")
    if stage == "cancelled":
        assert post_form(market.buyer_client, f"/orders/{order.id}/cancel", {},
                         form_url=f"/orders/{order.id}").status_code == 302
    response = post_form(market.buyer_client, f"/orders/{order.id}/address", NEW_ADDRESS,
                         form_url=f"/orders/{order.id}")
    assert response.status_code == 422 and "This order is closed" in response.get_data(
        as_text=True)


def test_shop_10_only_the_buyer_may_change_the_address(app, market, make_member, client_for):
    order = order_at(market, "paid")
    staff = client_for(market.staff)
    assert market.seller_client.get(f"/orders/{order.id}/address").status_code == 403
    assert staff.get(f"/orders/{order.id}/address").status_code == 403
    stranger = client_for(make_member())
    assert stranger.get(f"/orders/{order.id}/address").status_code == 404
    assert change(market.seller_client, order, form_url=f"/orders/{order.id}").status_code == 403
    visitor = app.test_client().get(f"/orders/{order.id}/address")  # sent to log in
    assert visitor.status_code == 302 and "/login" in visitor.location
    db.session.refresh(order)
    assert order.ship_postcode == "10110"


def test_shop_10_the_address_form_needs_its_csrf_token(market):
    order = order_at(market, "paid")
    response = market.buyer_client.post(f"/orders/{order.id}/address", data=NEW_ADDRESS)
    assert response.status_code == 400
    db.session.refresh(order)
    assert order.ship_postcode == "10110"
