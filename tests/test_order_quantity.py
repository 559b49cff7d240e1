"""More than a listing has, on the order form (SHOP-10): told with the address's problems in
one answer and beside the total as the buyer types. Before, a form with a bad address and too
many units named only the address; the quantity came back on the second try, and the live
total showed a bare dash."""
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order
from tests.conftest import SHIP_TO, post_form

HTMX = {"HX-Request": "true"}


@pytest.fixture
def market(make_member, make_shop, make_listing, client_for):
    """A Standard shop's listing of 4 and a logged-in buyer."""
    shop = make_shop(owner=make_member(display_name="Seller"), plan="standard")
    listing = make_listing(shop=shop, quantity=4)
    return SimpleNamespace(listing=listing,
                           buyer_client=client_for(make_member(display_name="Buyer")))


def test_too_many_is_told_with_the_address_problems_shop_10(english, market):
    """SHOP-10: 5 of a listing of 4 and no postcode: both problems in the first answer."""
    m = market
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order",
                         {**SHIP_TO, "quantity": "5", "postcode": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please order from 1 to 4." in page
    assert "A postcode has 5 digits" in page
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_too_many_with_a_good_address_is_still_refused_once_shop_10(english, market):
    """SHOP-10: with the address right, the quantity's message is given once."""
    m = market
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order",
                         {**SHIP_TO, "quantity": "5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("Please order from 1 to 4.") == 2  # the summary and the field
    assert "data-quantity-problem" not in page


@pytest.mark.parametrize("quantity", ["5", "0", "-1"])
def test_live_total_says_how_many_may_be_ordered_shop_10(english, market, quantity):
    """SHOP-10: the total as the buyer types names the range instead of a bare dash."""
    m = market
    response = m.buyer_client.get(f"/listings/{m.listing.id}/order?quantity={quantity}",
                                  headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert "data-quantity-problem" in fragment and "Please order from 1 to 4." in fragment
    ok = m.buyer_client.get(f"/listings/{m.listing.id}/order?quantity=4", headers=HTMX)
    assert "฿6,000" in ok.get_data(as_text=True)
    assert "data-quantity-problem" not in ok.get_data(as_text=True)


TOTAL = 'class="order-total"'


def shown_total(page):
    """What the order form's total says (the text of its <strong>)."""
    return page.split(TOTAL, 1)[1].split("<strong>", 1)[1].split("</strong>", 1)[0]


@pytest.mark.parametrize("quantity", ["", "abc", "1.5", " "])
def test_an_empty_or_unreadable_quantity_shows_no_total_shop_10(english, market, quantity):
    """SHOP-10 (found in review): with the quantity box emptied (to type another number) the
    live total read ฿1,500, the total of one, as if one would be ordered. Now it shows a dash
    and says what may be ordered."""
    m = market
    response = m.buyer_client.get(f"/listings/{m.listing.id}/order?quantity={quantity}",
                                  headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert shown_total(fragment) == "–"
    assert "Please order from 1 to 4." in fragment


def test_an_order_sent_without_a_quantity_asks_for_one_and_keeps_the_rest_shop_10(
        english, market):
    """SHOP-10 (found in review): sent with the quantity box empty, the form said "This field
    is required." beside a total of ฿1,500. It now asks for a quantity, shows no total, and
    keeps the address typed."""
    m = market
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order",
                         {**SHIP_TO, "quantity": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please enter a quantity." in page and "This field is required." not in page
    assert shown_total(page) == "–"
    assert 'value="10110"' in page and SHIP_TO["address"] in page
    assert db.session.scalar(select(func.count(Order.id))) == 0
