"""Deleting a listing cancels none of its orders (SHOP-10): the confirmation page says so,
and names the orders still open, before the seller decides (found in use: a seller deleted a
listing while a buyer's order waited for payment, and the buyer was still asked to pay)."""
from datetime import timedelta

from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import Conversation, Message, Order
from tests.conftest import SHIP_TO, post_form


def test_the_delete_page_names_the_open_orders_of_the_listing_shop_10(
        make_member, make_shop, make_listing, client_for):
    """SHOP-10: one open order is named (and linked) on the confirmation page, in English and
    Thai; an expired or completed one is not; with none open, nothing is said."""
    owner, buyer = make_member(), make_member()
    shop = make_shop(owner=owner, plan="standard")
    listing = make_listing(shop=shop, quantity=5)
    seller_client, buyer_client = client_for(owner), client_for(buyer)
    url = f"/listings/{listing.id}/delete"
    assert "data-open-orders" not in seller_client.get(url).get_data(as_text=True)

    for quantity in ("1", "2"):  # (the same order twice at once would be one tap twice)
        assert post_form(buyer_client, f"/listings/{listing.id}/order",
                         {"quantity": quantity, **SHIP_TO}).status_code == 302
    kept, lapsed = db.session.scalars(select(Order).order_by(Order.id)).all()
    lapsed.expires_at = utcnow() - timedelta(minutes=1)  # unpaid past its deadline: expired
    db.session.commit()

    html = seller_client.get(url).get_data(as_text=True)
    assert "1 order of this listing is still open" in html
    assert f'href="/orders/{kept.id}"' in html and f'href="/orders/{lapsed.id}"' not in html
    seller_client.set_cookie("lang", "th")
    html = seller_client.get(url).get_data(as_text=True)
    assert "คำสั่งซื้อของประกาศนี้ยังค้างอยู่ 1 รายการ" in html and f"#{kept.id}" in html


def test_the_buyer_is_told_before_paying_that_the_listing_was_deleted_shop_10(
        make_member, make_shop, make_listing, client_for):
    """SHOP-10: the order of a listing the shop deleted still asks for payment (deleting
    cancels nothing), but now says first, in the buyer's language, that the listing is gone
    and that the order can be cancelled; before the deletion it says nothing of the kind."""
    owner, buyer = make_member(), make_member()
    listing = make_listing(shop=make_shop(owner=owner, plan="standard"), quantity=2)
    seller_client, buyer_client = client_for(owner), client_for(buyer)
    assert post_form(buyer_client, f"/listings/{listing.id}/order",
                     {"quantity": "1", **SHIP_TO}).status_code == 302
    order = db.session.scalar(select(Order))
    url = f"/orders/{order.id}"
    assert "data-listing-deleted" not in buyer_client.get(url).get_data(as_text=True)
    assert post_form(seller_client, f"/listings/{listing.id}/delete", {"confirmed": "yes"},
                     form_url=f"/listings/{listing.id}/delete").status_code == 302
    html = buyer_client.get(url).get_data(as_text=True)
    assert "The shop has deleted this listing since you ordered it" in html
    assert f"/orders/{order.id}/cancel" in html
    buyer_client.set_cookie("lang", "th")
    html = buyer_client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "ร้านลบประกาศขายนี้ไปแล้วหลังจากที่คุณสั่งซื้อ" in html
    assert "data-listing-deleted" not in seller_client.get(url).get_data(as_text=True)


def test_both_sides_of_an_order_still_write_to_each_other_after_the_listing_is_deleted_shop_5(
        make_member, make_shop, make_listing, client_for):
    """SHOP-5, SHOP-10: deleting a listing cancels none of its orders, so the order is where
    buyer and shop keep talking: each opens their one conversation from the order (the
    listing's own "contact the seller" is gone with it) and both write in it; nobody else
    may open it."""
    owner, buyer, stranger = make_member(), make_member(), make_member()
    listing = make_listing(shop=make_shop(owner=owner, plan="standard"), quantity=2)
    seller_client, buyer_client = client_for(owner), client_for(buyer)
    assert post_form(buyer_client, f"/listings/{listing.id}/order",
                     {"quantity": "1", **SHIP_TO}).status_code == 302
    order = db.session.scalar(select(Order))
    url = f"/orders/{order.id}"
    assert post_form(seller_client, f"/listings/{listing.id}/delete", {"confirmed": "yes"},
                     form_url=f"/listings/{listing.id}/delete").status_code == 302

    assert f"{url}/message-seller" in buyer_client.get(url).get_data(as_text=True)
    asked = post_form(buyer_client, f"{url}/message-seller", {}, form_url=url)
    assert asked.status_code == 302, asked.get_data(as_text=True)
    conversation = db.session.scalar(select(Conversation))
    assert asked.headers["Location"].endswith(f"/messages/{conversation.id}")
    assert post_form(buyer_client, f"/messages/{conversation.id}",
                     {"body": "ยังส่งของได้ไหมครับ"}).status_code in (200, 201, 302)

    assert f"{url}/message-buyer" in seller_client.get(url).get_data(as_text=True)
    answered = post_form(seller_client, f"{url}/message-buyer", {}, form_url=url)
    assert answered.headers["Location"].endswith(f"/messages/{conversation.id}")
    assert post_form(seller_client, f"/messages/{conversation.id}",
                     {"body": "ส่งได้ครับ พรุ่งนี้"}).status_code in (200, 201, 302)
    bodies = db.session.scalars(select(Message.body).order_by(Message.id)).all()
    assert bodies == ["ยังส่งของได้ไหมครับ", "ส่งได้ครับ พรุ่งนี้"]

    # Each side has its own button, and nobody else gets in.
    assert f"{url}/message-buyer" not in buyer_client.get(url).get_data(as_text=True)
    assert post_form(seller_client, f"{url}/message-seller", {},
                     form_url=url).status_code == 403
    assert post_form(client_for(stranger), f"{url}/message-seller", {},
                     form_url=f"/orders/{order.id}").status_code == 403
