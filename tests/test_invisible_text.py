"""Texts of characters that show nothing (SHOP-5, SHOP-10), found typing hostile input on a
phone: a message of zero-width spaces was sent as a blank bubble, and a shop's reason for
cancelling an order passed its 10 characters as "ok" and eight zero-width spaces, so the
buyer read "ok". Both are counted as the reader sees them."""
from html import unescape
from types import SimpleNamespace

from sqlalchemy import func, select

from app.extensions import db
from app.models import Message
from tests.test_messages import contact
from tests.test_messages import market as market  # noqa: PLC0414 (the fixture)
from tests.test_order_seller_cancel import shop_cancel
from tests.test_orders import order_at

ZWSP = "\u200b"


def test_a_message_of_zero_width_spaces_is_refused_shop_5(market):
    response = contact(market["buyer"], market["listing"], ZWSP * 5 + "\n" + "\u2060")
    assert response.status_code == 422
    assert "Please write your message." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_a_cancel_reason_padded_with_zero_width_spaces_is_too_short_shop_10(
        english, make_member, make_shop, make_listing, client_for):
    owner, buyer = make_member(), make_member()
    shop = make_shop(owner=owner, plan="standard")
    order = order_at(SimpleNamespace(listing=make_listing(shop=shop, quantity=2),
                                     buyer_client=client_for(buyer)), "awaiting_payment")
    response = shop_cancel(client_for(owner), order.id, "ok" + ZWSP * 8)
    assert response.status_code == 422
    assert "Write 10 to 500 characters: this text has 2." in unescape(
        response.get_data(as_text=True))
    db.session.refresh(order)
    assert order.status == "awaiting_payment"
