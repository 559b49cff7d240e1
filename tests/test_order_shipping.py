"""Where an order goes (SHOP-10): the order asks for the recipient, phone, address and
postcode, shows them to the buyer and the shop's people only, and the shop can write to the
buyer from the order. The addresses go when the buyer deletes the account (ACC-9)."""
from html import unescape

from sqlalchemy import select

from app.blueprints.accounts import deletion
from app.database import utcnow
from app.extensions import db
from app.models import Conversation, Order
from tests.conftest import PASSWORD, SHIP_TO, post_form
from tests.test_orders import act, latest_order, order_at, place
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)


def test_an_order_asks_where_to_ship_and_the_shop_sees_it_shop_10(market, make_member,
                                                                   client_for):
    """SHOP-10: the address is kept with the order, Thai digits read; the owner and staff
    (who may ship) see it, a moderator does not."""
    m = market
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order", {
        "quantity": "1", "recipient_name": "  สมศรี   ใจดี ", "phone": "๐๘๑-๒๓๔-๕๖๗๘",
        "address": "99/1 ถนนสุขุมวิท\r\nแขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร",
        "postcode": "๑๐๑๑๐"})
    assert response.status_code == 302
    order = latest_order()
    assert (order.ship_name, order.ship_phone, order.ship_postcode) == (
        "สมศรี ใจดี", "0812345678", "10110")
    assert order.ship_address == "99/1 ถนนสุขุมวิท\nแขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร"
    for user in (m.owner, m.staff, m.buyer):
        page = client_for(user).get(f"/orders/{order.id}").get_data(as_text=True)
        assert "แขวงคลองเตย" in page and "tel:0812345678" in page
    moderator = client_for(make_member(role="moderator"))
    assert "แขวงคลองเตย" not in moderator.get(f"/orders/{order.id}").get_data(as_text=True)


def test_a_refused_address_says_why_in_thai_and_keeps_what_was_typed_shop_10(market):
    """SHOP-10: every problem at once, in Thai, the typed values kept, nothing reserved."""
    m = market
    m.buyer_client.set_cookie("lang", "th")
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order", {
        "quantity": "0", "recipient_name": "สมศรี ใจดี", "phone": "12345",
        "address": "กทม", "postcode": "1011"})
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    for message in ("เบอร์โทรศัพท์ไทยมี 9 หรือ 10 หลัก ขึ้นต้นด้วย 0",
                    "กรุณาเขียนที่อยู่ให้ครบ",
                    "รหัสไปรษณีย์มี 5 หลัก",
                    "จำนวนต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง"):
        assert message in page, message
    assert 'value="สมศรี ใจดี"' in page and 'value="12345"' in page and "กทม</textarea>" in page
    assert db.session.scalar(select(Order)) is None
    missing = post_form(m.buyer_client, f"/listings/{m.listing.id}/order", {"quantity": "1"})
    assert missing.status_code == 422
    assert "กรุณาระบุชื่อผู้รับพัสดุ" in unescape(missing.get_data(as_text=True))


def test_the_seller_messages_the_buyer_from_the_order_shop_10_shop_5(market, client_for):
    """SHOP-10, SHOP-5 (found in review): only the buyer could write; the shop's owner and
    staff open the buyer–seller conversation about the listing from the order."""
    m = market
    order = order_at(m, "awaiting_payment")
    page = m.seller_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/orders/{order.id}/message-buyer" in page
    assert f"/orders/{order.id}/message-buyer" not in m.buyer_client.get(
        f"/orders/{order.id}").get_data(as_text=True)
    response = post_form(m.seller_client, f"/orders/{order.id}/message-buyer", {},
                         form_url=f"/orders/{order.id}")
    assert response.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert (conversation.listing_id, conversation.buyer_id) == (m.listing.id, m.buyer.id)
    assert response.headers["Location"].endswith(f"/messages/{conversation.id}")
    again = post_form(client_for(m.staff), f"/orders/{order.id}/message-buyer", {},
                      form_url=f"/orders/{order.id}")
    assert again.headers["Location"].endswith(f"/messages/{conversation.id}")
    assert act(m.buyer_client, order.id, "message-buyer").status_code == 403
    # Found in review: opened and never written in, it sat on top of the buyer's inbox.
    link = f'href="/messages/{conversation.id}"'
    assert link not in m.buyer_client.get("/messages").get_data(as_text=True)
    post_form(m.seller_client, f"/messages/{conversation.id}", {"body": "จะส่งพรุ่งนี้ครับ"})
    assert link in m.buyer_client.get("/messages").get_data(as_text=True)


def test_acc9_deleting_the_account_clears_the_addresses_of_its_orders(market, make_member):
    """ACC-9: once the buyer's orders have settled and the account is deleted, the orders
    keep the sale but no longer the name, phone and address they were sent to."""
    m = market
    order = order_at(m, "awaiting_payment")
    other = make_member()
    kept = Order(listing_id=m.listing.id, shop_id=m.shop.id, buyer_id=other.id, quantity=1,
                 unit_price_satang=1, total_satang=1, status="completed",
                 expires_at=utcnow(), ship_name="คนอื่น", ship_address="ที่อยู่ของคนอื่น 1")
    db.session.add(kept)
    act(m.buyer_client, order.id, "cancel")
    request = deletion.request_deletion(m.buyer, PASSWORD, now=utcnow())
    db.session.commit()
    assert request.completed_at is not None
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert (order.ship_name, order.ship_phone, order.ship_address, order.ship_postcode) == (
        "", "", "", "")
    assert db.session.get(Order, kept.id).ship_name == "คนอื่น"


def test_order_form_has_the_address_fields_shop_10(market):
    html = market.buyer_client.get(f"/listings/{market.listing.id}/order").get_data(
        as_text=True)
    for name in SHIP_TO:
        assert f'name="{name}"' in html
    assert place(market.buyer_client, market.listing).status_code == 302


def test_an_overlong_address_gets_one_message_that_names_the_limit_shop_10(market):
    """SHOP-10 (found in use): a 10,000-character address was told both "This is too long."
    and "An address has at most 300 characters." under the field; the name the same. Each
    field now gets the one message that names its limit; nothing is reserved."""
    m = market
    response = post_form(m.buyer_client, f"/listings/{m.listing.id}/order", {
        **SHIP_TO, "quantity": "1", "recipient_name": "ส" * 500, "address": "ก" * 10_000})
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert "This is too long." not in page
    assert page.count("An address has at most 300 characters.") == 2  # (field + summary)
    assert page.count("A name has at most 100 characters.") == 2
    assert db.session.scalar(select(Order)) is None
