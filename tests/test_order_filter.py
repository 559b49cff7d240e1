"""SHOP-10: the lists of orders narrow to one status, each with how many orders it has. A shop
with many orders paged through every order it ever had to find the slips to check and the
parcels to send; a buyer, the orders still to pay. An unpaid order past its time counts as
expired, as its badge says, not as waiting for payment."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.database import utcnow
from app.extensions import db
from app.models import Order
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)
from tests.test_orders import place

pytestmark = pytest.mark.usefixtures("english")

ROW_RE = re.compile(r'href="/orders/(\d+)" aria-label=')


def shown(html):
    return sorted(int(n) for n in ROW_RE.findall(html))


@pytest.fixture
def orders(market, make_listing):
    """Four orders of the market's shop by its buyer, of four listings: one to pay, one
    overdue, one with a slip, one paid."""
    for n in range(4):
        listing = make_listing(shop=market.shop, title=f"พระกริ่ง องค์ที่ {n}", quantity=1)
        assert place(market.buyer_client, listing).status_code == 302
    ids = db.session.scalars(select(Order.id).order_by(Order.id)).all()
    db.session.execute(update(Order).where(Order.id == ids[1]).values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.execute(update(Order).where(Order.id == ids[2]).values(
        status="payment_submitted"))
    db.session.execute(update(Order).where(Order.id == ids[3]).values(status="paid"))
    db.session.commit()
    return market, ids


def test_shop_10_a_shops_orders_narrow_to_one_status_with_counts(orders):
    market, ids = orders
    url = f"/shops/{market.shop.slug}/orders"
    html = market.seller_client.get(url).get_data(as_text=True)
    assert shown(html) == ids
    for words in ("All (4)", "Waiting for payment (1)", "Payment slip sent (1)", "Paid (1)",
                  "Expired (1)"):
        assert words in html, words
    assert "Shipped (" not in html  # a status with no order is not offered
    checked = market.seller_client.get(f"{url}?status=payment_submitted").get_data(as_text=True)
    assert shown(checked) == [ids[2]]
    assert 'aria-current="page">Payment slip sent (1)' in checked
    assert shown(market.seller_client.get(f"{url}?status=awaiting_payment").get_data(
        as_text=True)) == [ids[0]]
    assert shown(market.seller_client.get(f"{url}?status=expired").get_data(
        as_text=True)) == [ids[1]]
    none = market.seller_client.get(f"{url}?status=shipped").get_data(as_text=True)
    assert shown(none) == [] and "No order is “Shipped” now." in none
    assert shown(market.seller_client.get(f"{url}?status=<script>").get_data(
        as_text=True)) == ids  # an unknown status: every order


def test_shop_10_a_buyers_orders_narrow_too_and_the_pages_keep_the_status(orders, monkeypatch):
    market, ids = orders
    from app.blueprints.shops import order_views

    monkeypatch.setattr(order_views, "PER_PAGE", 1)
    html = market.buyer_client.get("/orders?status=expired").get_data(as_text=True)
    assert shown(html) == [ids[1]] and "Expired (1)" in html
    first = market.buyer_client.get("/orders?status=paid").get_data(as_text=True)
    assert shown(first) == [ids[3]]
    everything = market.buyer_client.get("/orders").get_data(as_text=True)
    assert "page=2" in everything
    assert "status=" not in everything.split('class="pager"')[1]
    db.session.execute(update(Order).where(Order.id == ids[0]).values(status="paid"))
    db.session.commit()
    paged = market.buyer_client.get("/orders?status=paid").get_data(as_text=True)
    assert re.search(r'href="/orders\?[^"]*status=paid[^"]*page=2|href="/orders\?[^"]*page=2'
                     r'[^"]*status=paid', paged.replace("&amp;", "&"))
