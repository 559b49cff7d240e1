"""An order step sent from a page opened before the order moved on (SHOP-10, SHOP-6), found
with two tabs on a phone: the seller confirmed the payment in one tab and pressed "The money
has not arrived" in the other; the buyer sent a slip after the shop had cancelled. Both were
told "This step is not possible at this stage of the order", which did not say why. They are
now told the order changed and what it is now; a second review says there is one already;
a step that is not the member's at any stage keeps the plain refusal."""
import pytest

from app.extensions import db
from tests.test_orders import HTMX, act, order_at, pay
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)

CHANGED = "This order has changed since the page was opened: it is now"


def _said(response):
    return response.get_data(as_text=True).replace("&#34;", '"')


def test_a_second_tab_refusing_a_confirmed_payment_is_told_it_is_paid_shop_10(english,
                                                                             market):
    m = market
    order = order_at(m, "payment_submitted")
    assert act(m.seller_client, order.id, "confirm-payment").status_code == 302
    stale = act(m.seller_client, order.id, "reject-payment", headers=HTMX)
    assert stale.status_code == 422
    assert f"{CHANGED} “Paid”." in _said(stale)
    db.session.refresh(order)
    assert order.status == "paid"


def test_a_slip_after_the_shop_cancelled_is_told_it_is_cancelled_shop_10(english, market):
    m = market
    order = order_at(m, "awaiting_payment")
    assert act(m.seller_client, order.id, "shop-cancel",
               {"reason": "ขายหน้าร้านไปแล้วเมื่อเช้า ขออภัยครับ"}).status_code == 302
    stale = pay(m.buyer_client, order.id)
    assert stale.status_code == 422 and f"{CHANGED} “Cancelled”." in _said(stale)


def test_a_second_review_says_there_is_one_already_shop_6(english, market):
    m = market
    order = order_at(m, "completed")
    assert act(m.buyer_client, order.id, "review", {"rating": "5"}).status_code == 302
    again = act(m.buyer_client, order.id, "review", {"rating": "1"})
    assert again.status_code == 422
    assert "You have already reviewed this order." in _said(again)


@pytest.mark.parametrize("who, action", [("buyer", "ship"), ("seller", "receive"),
                                         ("staff", "confirm-payment")])
def test_a_step_that_is_not_yours_is_not_called_a_change_shop_10(english, market, client_for,
                                                                  who, action):
    m = market
    order = order_at(m, "payment_submitted")
    client = {"buyer": m.buyer_client, "seller": m.seller_client,
              "staff": client_for(m.staff)}[who]
    response = act(client, order.id, action, {"carrier": "kerry", "tracking_number": "KEX12345"})
    assert response.status_code == 422
    assert CHANGED not in _said(response)
