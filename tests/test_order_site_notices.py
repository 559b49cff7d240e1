"""Each step of an order is told on the site to the side that did not take it (SHOP-10), found
selling on a phone: a new order, a slip sent, a payment confirmed or refused, a parcel shipped
or received reached the other side only by e-mail; the header's Notifications, which a phone
shows, stayed at nothing (only a shop's cancellation was there)."""
from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.test_orders import act, latest_order, order_at, pay, place
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)


def _kinds(member):
    return [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == member.id).order_by(Notification.id))]


def test_each_step_is_a_notice_for_the_other_side_shop_10(english, market):
    m = market
    order = order_at(m, "completed")
    assert _kinds(m.owner) == ["order_placed_shop", "order_slip_sent", "order_received_shop"]
    assert _kinds(m.buyer) == ["order_paid_buyer", "order_shipped_buyer"]
    page = unescape(m.seller_client.get("/notifications").get_data(as_text=True))
    assert f"sent the payment slip of order #{order.id} for" in page
    assert f'href="/orders/{order.id}"' in page
    page = unescape(m.buyer_client.get("/notifications").get_data(as_text=True))
    assert f"shipped order #{order.id}" in page


def test_a_refused_payment_and_a_buyers_cancel_are_told_too_shop_10(english, market):
    m = market
    assert place(m.buyer_client, m.listing).status_code == 302
    order = latest_order()
    assert pay(m.buyer_client, order.id).status_code == 302
    assert act(m.seller_client, order.id, "reject-payment").status_code == 302
    assert act(m.buyer_client, order.id, "cancel").status_code == 302
    assert _kinds(m.buyer) == ["order_payment_refused"]
    assert _kinds(m.owner)[-1] == "order_cancelled_buyer"
    page = unescape(m.buyer_client.get("/notifications").get_data(as_text=True))
    assert f"did not find your payment for order #{order.id}" in page
