"""Amounts of baht as members type them (SHOP-3, AUC-1, AUC-6, search filters): commas only
between groups of three digits, so "1,50" is refused instead of read as ฿150."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Auction, Listing
from app.money import AmountTooLarge, TooManyDecimals, parse_baht
from tests.conftest import category_id, csrf_from, post_form

WELL_FORMED = [("1,500", 150000), ("12,345.50", 1234550), ("1500", 150000),
               ("฿1,500", 150000), ("฿ 1,500", 150000), (" 1500 ", 150000),
               ("1,234,567.5", 123456750), ("0.50", 50), ("999", 99900),
               # found in review: spaces between groups (as before, and as phones paste)
               ("1 500", 150000), ("1\u00a0500", 150000), ("12 345.50", 1234550)]
MISPLACED_COMMAS = ["1,50", "1,5,0", "1,5000", "12,34,567", "1,500,00", ",500", "1,",
                    "1500,", "1234,567", "1,500.5,0", "1,500.505", "1 50", "1  500",
                    "1,500 000"]


@pytest.mark.parametrize("text, satang", WELL_FORMED)
def test_well_formed_amounts_are_read_shop_3(text, satang):
    assert parse_baht(text) == satang


@pytest.mark.parametrize("text", MISPLACED_COMMAS)
def test_commas_that_do_not_separate_thousands_are_refused_shop_3(text):
    """SHOP-3: "1,50" was read as ฿150 and "1,5,0" accepted (every comma was stripped)."""
    with pytest.raises(ValueError) as raised:
        parse_baht(text)
    assert not isinstance(raised.value, AmountTooLarge)


def test_amounts_over_the_cap_are_still_too_large():
    with pytest.raises(AmountTooLarge):
        parse_baht("100,000,001")


# --- the forms that take money ---------------------------------------------------------------

@pytest.fixture
def seller(app, make_member, make_shop, client_for):
    owner = make_member()
    return client_for(owner), make_shop(owner=owner, plan="standard")


def listing_form(price):
    return {"title": "พระสมเด็จวัดระฆัง พิมพ์ใหญ่", "category_id": str(category_id()),
            "price": price, "quantity": "2", "condition": "good", "content_rating": "general",
            "description": "องค์สวย ผิวเดิม", "certificate_issuer": "", "certificate_number": ""}


@pytest.mark.parametrize("lang, message", [
    ("en", "Please enter the price in baht, for example 1500 or 1,500.50."),
    ("th", "โปรดกรอกราคาเป็นบาท เช่น 1500 หรือ 1,500.50")])
def test_a_listing_price_with_misplaced_commas_is_refused_and_kept_shop_3(seller, lang, message):
    client, shop = seller
    client.set_cookie("lang", lang)
    response = post_form(client, f"/shops/{shop.slug}/listings/new", listing_form("1,50"),
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="1,50"' in html and "องค์สวย ผิวเดิม" in html  # nothing typed is lost
    assert db.session.scalar(select(func.count(Listing.id))) == 0


@pytest.mark.parametrize("lang, message", [("en", "Please enter at most ฿100,000,000."),
                                           ("th", "โปรดใส่จำนวนไม่เกิน ฿100,000,000")])
@pytest.mark.parametrize("price", ["200,000,000", "100000000.01", "1000000000000"])
def test_a_listing_price_over_the_cap_names_the_cap_shop_3(seller, lang, message, price):
    """SHOP-3 (found in use): a well-written price above ฿100,000,000 was told "Please enter
    the price in baht, for example 1500", as if it were not a number; it now names the most a
    price may be, in the page's language, and the price typed is kept."""
    client, shop = seller
    client.set_cookie("lang", lang)
    response = post_form(client, f"/shops/{shop.slug}/listings/new", listing_form(price),
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert "1500" not in html.split('id="price-error-1"')[1].split("</p>")[0]
    assert f'value="{price}"' in html
    assert db.session.scalar(select(func.count(Listing.id))) == 0


@pytest.mark.parametrize("price, satang", [("12,345.50", 1234550), ("1500", 150000)])
def test_a_listing_price_with_thousands_groups_is_taken_shop_3(seller, price, satang):
    client, shop = seller
    response = post_form(client, f"/shops/{shop.slug}/listings/new", listing_form(price),
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(Listing.price_satang)) == satang


def auction_form(**fields):
    return {"title": "พระผงสุพรรณ", "description": "", "category_id": str(category_id()),
            "starting_price": "500", "min_increment": "20", "reserve": "", "buy_now": "",
            "starts_at": "", "duration_days": "7", "ends_at": "", **fields}


@pytest.mark.parametrize("lang, message", [
    ("en", "Please enter an amount in baht, for example 1500 or 1,500."),
    ("th", "กรุณาใส่จำนวนเงินเป็นบาท เช่น 1500 หรือ 1,500")])
@pytest.mark.parametrize("field", ["starting_price", "min_increment", "reserve", "buy_now"])
def test_auction_amounts_with_misplaced_commas_are_refused_and_kept_auc_1(
        make_member, client_for, field, lang, message):
    client = client_for(make_member())
    client.set_cookie("lang", lang)
    response = post_form(client, "/auctions/new", auction_form(**{field: "1,5,0"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="1,5,0"' in html
    assert db.session.scalar(select(func.count(Auction.id))) == 0


def test_an_auction_with_thousands_groups_is_started_auc_1(make_member, client_for):
    client = client_for(make_member())
    response = post_form(client, "/auctions/new", auction_form(
        starting_price="1,500", min_increment="50", reserve="12,345.50", buy_now="20,000"))
    assert response.status_code == 302
    auction = db.session.scalar(select(Auction))
    assert (auction.starting_price_satang, auction.reserve_satang, auction.buy_now_satang) == (
        150000, 1234550, 2000000)


@pytest.mark.parametrize("lang, message", [
    ("en", "Please enter an amount in baht, for example 1500 or 1,500."),
    ("th", "กรุณาใส่จำนวนเงินเป็นบาท เช่น 1500 หรือ 1,500")])
def test_a_bid_with_misplaced_commas_is_refused_not_read_as_more_auc_6(board, lang, message):
    """AUC-6: "1,50" must not become a bid of ฿150 (the starting price is ฿100)."""
    client = board.alice_client
    client.set_cookie("lang", lang)
    url = f"/auctions/{board.auction.id}"
    response = post_form(client, f"{url}/bid", {"amount": "1,50", "mode": "direct"},
                         form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="1,50"' in html
    assert db.session.get(Auction, board.auction.id).leader_id is None


def test_a_bid_with_thousands_groups_reaches_the_confirmation_auc_6(board):
    url = f"/auctions/{board.auction.id}"
    response = post_form(board.alice_client, f"{url}/bid", {"amount": "1,000", "mode": "direct"},
                         form_url=url)
    assert response.status_code == 200 and "฿1,000" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, message", [
    ("en", "Enter a whole number of baht from 0 to 100,000,000."),
    ("th", "โปรดกรอกจำนวนบาทเต็ม ตั้งแต่ 0 ถึง 100,000,000")])
def test_a_price_filter_with_misplaced_commas_is_refused_and_kept(client, make_listing, lang,
                                                                  message):
    make_listing(title="พระ ถูก", price_satang=10000)
    client.set_cookie("lang", lang)
    response = client.get("/search", query_string={"q": "พระ", "min_price": "1,50"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="1,50"' in html and message in html


def test_a_price_filter_with_thousands_groups_filters(client, make_listing):
    make_listing(title="พระ ถูก", price_satang=50000)
    make_listing(title="พระ แพง", price_satang=200000)
    html = client.get("/search", query_string={"q": "พระ", "min_price": "1,000"}).get_data(
        as_text=True)
    assert "พระ แพง" in html and "พระ ถูก" not in html


# --- more than two decimals (found on a phone: "1,200.555" was told "enter the price in baht,
# for example 1500", as if it were not a number at all) ------------------------------------

DECIMALS = {"en": "An amount in baht has at most two decimals (satang), for example 1,500.50.",
            "th": "จำนวนเงินบาทมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์) เช่น 1,500.50"}


@pytest.mark.parametrize("text", ["1.234", "1,200.555", "๑,๒๐๐.๕๕๕", "0.001"])
def test_an_amount_with_three_decimals_is_told_apart_shop_3(text):
    """SHOP-3: more than two decimals is its own refusal (never rounded to a price the
    member did not type)."""
    with pytest.raises(TooManyDecimals):
        parse_baht(text)


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_listing_price_with_three_decimals_says_so_shop_3(seller, lang):
    client, shop = seller
    client.set_cookie("lang", lang)
    response = post_form(client, f"/shops/{shop.slug}/listings/new",
                         listing_form("1,200.555"), content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and DECIMALS[lang] in html
    assert 'value="1,200.555"' in html


def test_an_auction_amount_with_three_decimals_says_so_auc_1(make_member, client_for):
    client = client_for(make_member())
    client.set_cookie("lang", "th")
    response = post_form(client, "/auctions/new", auction_form(min_increment="20.505"))
    assert response.status_code == 422 and DECIMALS["th"] in response.get_data(as_text=True)


def test_a_bid_with_three_decimals_says_so_auc_6(make_auction, make_member, client_for):
    auction = make_auction()
    client = client_for(make_member())
    url = f"/auctions/{auction.id}"
    response = client.post(f"{url}/bid", data={
        "csrf_token": csrf_from(client.get(url).get_data(as_text=True)), "amount": "150.505",
        "mode": "proxy"})
    assert DECIMALS["en"] in response.get_data(as_text=True)
