"""A buyer who comes back to a listing they have an order of (SHOP-10): the Back button after
"Place the order", a second tab, a link in a message. The order form and the listing page
name the order under way, so the buyer is not led to reserve the item a second time, and a
buyer who took the last one is not told only "sold out"."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import Order
from tests.conftest import SHIP_TO, post_form


@pytest.fixture
def market(make_member, make_shop, make_listing, client_for):
    """A Standard shop's listing of 2, its owner and a buyer, each logged in."""
    owner, buyer = make_member(display_name="Seller"), make_member(display_name="Buyer")
    shop = make_shop(owner=owner, plan="standard")
    listing = make_listing(shop=shop, quantity=2)
    return SimpleNamespace(listing=listing, buyer=buyer, owner_client=client_for(owner),
                           buyer_client=client_for(buyer))


def _order(m, quantity="1"):
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order",
                         {"quantity": quantity, **SHIP_TO})
    assert response.status_code == 302
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def _open_order_notice(html):
    return "data-open-order" in html


def test_order_form_after_ordering_names_the_open_order_shop_10(english, market):
    """SHOP-10: Back to the order form after ordering shows the order under way, with its
    status and a link to it, above the form."""
    m = market
    assert not _open_order_notice(
        m.buyer_client.get(f"/listings/{m.listing.id}/order").get_data(as_text=True))
    order = _order(m)
    page = m.buyer_client.get(f"/listings/{m.listing.id}/order").get_data(as_text=True)
    assert _open_order_notice(page)
    assert f"You have already ordered this item: order #{order.id} (Waiting for payment)." in page
    assert f'href="/orders/{order.id}"' in page


def test_buyer_of_the_last_one_is_led_to_the_order_not_only_sold_out_shop_10(english, market):
    """SHOP-10: the buyer who took every unit sees "sold out" and their own order, on the
    order form and on the listing page."""
    m = market
    order = _order(m, "2")
    for url in (f"/listings/{m.listing.id}/order", f"/listings/{m.listing.id}"):
        page = m.buyer_client.get(url).get_data(as_text=True)
        assert "sold out" in page.lower()
        assert _open_order_notice(page) and f'href="/orders/{order.id}"' in page, url


def test_closed_or_expired_orders_and_other_people_are_not_named_shop_10(app, english, market,
                                                                         client):
    """SHOP-10: a cancelled or expired order is not "under way"; the seller and a visitor see
    no such notice."""
    m = market
    order = _order(m)
    assert not _open_order_notice(m.owner_client.get(f"/listings/{m.listing.id}")
                                  .get_data(as_text=True))
    assert not _open_order_notice(client.get(f"/listings/{m.listing.id}").get_data(as_text=True))
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert not _open_order_notice(m.buyer_client.get(f"/listings/{m.listing.id}")
                                  .get_data(as_text=True))
    order.expires_at, order.status = utcnow() + timedelta(hours=1), "cancelled"
    db.session.commit()
    assert not _open_order_notice(m.buyer_client.get(f"/listings/{m.listing.id}/order")
                                  .get_data(as_text=True))
