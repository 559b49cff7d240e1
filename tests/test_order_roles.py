"""Who acts for the shop on an order (SHOP-1, SHOP-10): only the owner, who sees the shop's
bank account, says whether the money arrived; staff may ship a paid order."""
from html import unescape

from app.extensions import db
from tests.test_orders import act, order_at
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)


def test_staff_cannot_confirm_or_refuse_a_payment_shop_1_shop_10(market, client_for):
    """SHOP-1/SHOP-10: the buttons are hidden from staff and the route refuses them."""
    m = market
    order = order_at(m, "payment_submitted")
    staff = client_for(m.staff)
    page = unescape(staff.get(f"/orders/{order.id}").get_data(as_text=True))
    assert "confirm-payment" not in page and "reject-payment" not in page
    assert ("Only the shop's owner can confirm or refuse the payment, because the money "
            "goes to the owner's account.") in page
    for action in ("confirm-payment", "reject-payment"):
        response = act(staff, order.id, action)
        assert response.status_code == 422
        assert ("Only the shop's owner can confirm or refuse a payment: the money goes "
                "to the owner's account.") in unescape(response.get_data(as_text=True))
        db.session.refresh(order)
        assert order.status == "payment_submitted"
    owner_page = m.seller_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "confirm-payment" in owner_page


def test_staff_may_ship_a_paid_order_shop_10(market, client_for):
    """SHOP-10: fulfilment is staff work once the owner has confirmed the money."""
    m = market
    order = order_at(m, "paid")
    response = act(client_for(m.staff), order.id, "ship",
                   {"carrier": "kerry", "tracking_number": "KEX123456"})
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.status == "shipped"


def test_paying_and_receiving_ask_before_they_go_shop_10(market):
    """SHOP-10 (found in review): "The money has arrived" and "I have received the item"
    close a step for good, so they ask first as cancelling does (hx-confirm; without
    JavaScript the button still posts)."""
    import re

    m = market
    order = order_at(m, "payment_submitted")
    page = m.seller_client.get(f"/orders/{order.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/confirm-payment"[^>]*>', page).group(0)
    assert "hx-confirm=" in form and 'method="post"' in form
    act(m.seller_client, order.id, "confirm-payment")
    act(m.seller_client, order.id, "ship", {"carrier": "kerry", "tracking_number": "KEX123456"})
    page = m.buyer_client.get(f"/orders/{order.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/receive"[^>]*>', page).group(0)
    assert "hx-confirm=" in form and 'method="post"' in form
