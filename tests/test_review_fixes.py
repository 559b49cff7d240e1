"""Holes found by a security review of the shops domain, each closed and kept closed."""
from sqlalchemy import select

from app.blueprints.shops.shop_services import freeze_section
from app.database import utcnow
from app.extensions import db
from app.models import Listing, ListingPhoto, Shop, ShopCircle
from tests.conftest import post_form


def test_photos_of_a_listing_hidden_from_a_visitor_are_not_served_rank_1_acc_3(
        app, make_listing):
    listing = make_listing(content_rating="adult",
                           certificate_photo_key="c0ffee" * 5 + "ab")
    db.session.add(ListingPhoto(listing_id=listing.id, position=0, key="ab" * 16, width=1,
                                height=1, created_at=utcnow()))
    db.session.commit()
    visitor = app.test_client()
    assert visitor.get(f"/media/{'ab' * 16}/large.jpg").status_code == 404
    assert visitor.get(f"/media/{'c0ffee' * 5}ab/large.jpg").status_code == 404


def test_listings_of_a_closed_shop_are_hidden_everywhere(app, make_listing):
    listing = make_listing(title="Closed shop item")
    db.session.get(Shop, listing.shop_id).status = "closed"
    db.session.commit()
    visitor = app.test_client()
    assert visitor.get(f"/listings/{listing.id}").status_code == 404
    assert "Closed shop item" not in visitor.get("/rankings?list=new").get_data(as_text=True)
    assert "Closed shop item" not in visitor.get("/search").get_data(as_text=True)


def test_a_buyer_who_lost_access_no_longer_sees_the_listing_in_messages_rank_1(
        app, make_member, make_listing, login):
    listing = make_listing(title="Secret circle amulet", content_rating="restricted")
    buyer = make_member()
    db.session.add(ShopCircle(shop_id=listing.shop_id, user_id=buyer.id))
    db.session.commit()
    client = app.test_client()
    login(buyer.email, target=client)
    response = post_form(client, f"/listings/{listing.id}/contact", {"body": "ยังอยู่ไหม"})
    conversation_url = response.headers["Location"].split("#")[0]
    db.session.execute(ShopCircle.__table__.delete())
    db.session.commit()
    for url in (conversation_url, "/messages"):
        assert "Secret circle amulet" not in client.get(url).get_data(as_text=True)


def test_a_frozen_messages_section_refuses_new_messages_shop_9(app, make_member, make_listing,
                                                               login):
    listing = make_listing()
    admin, buyer = make_member(role="admin"), make_member()
    freeze_section("messages", notice_th="", notice_en="Messages are paused.", admin=admin,
                   now=utcnow())
    db.session.commit()
    client = app.test_client()
    login(buyer.email, target=client)
    response = post_form(client, f"/listings/{listing.id}/contact", {"body": "hello"},
                         form_url=f"/listings/{listing.id}")
    assert response.status_code == 422


def test_editing_a_held_listing_does_not_release_it_shop_4(app, make_member, make_shop,
                                                          make_listing, login):
    owner = make_member()
    shop = make_shop(owner=owner)
    listing = make_listing(shop=shop, status="held", hold_reason="Illegal weapons")
    client = app.test_client()
    login(owner.email, target=client)
    post_form(client, f"/listings/{listing.id}/edit", {
        "title": "พระกริ่ง รุ่นเก่า", "category_id": str(listing.category_id), "price": "500",
        "quantity": "1", "condition": "good", "content_rating": "general"})
    assert db.session.get(Listing, listing.id).status == "held"


def test_only_the_owner_sets_where_buyers_pay_shop_10(app, make_member, make_shop, login):
    shop = make_shop()
    admin = make_member(role="admin")
    client = app.test_client()
    login(admin.email, target=client)
    post_form(client, f"/shops/{shop.slug}/edit", {
        "name": shop.name, "description": "", "bank_name": "Evil Bank",
        "bank_account_name": "Mallory", "bank_account_number": "9999999999",
        "promptpay_id": "0899999999"}, content_type="multipart/form-data")
    assert db.session.scalar(select(Shop.bank_account_number).where(Shop.id == shop.id)) == ""


def test_a_listing_the_seller_marked_sold_out_stays_sold_out_after_a_cancel_shop_10(
        app, make_member, make_shop, make_listing):
    from datetime import timedelta

    from app.blueprints.shops.listing_services import mark_sold_out
    from app.blueprints.shops.order_services import cancel_order, place_order

    shop = make_shop(plan="standard")
    listing = make_listing(shop=shop, quantity=2)
    buyer = make_member()
    now = utcnow()
    order = place_order(listing, buyer, 1, now=now)
    db.session.commit()
    mark_sold_out(listing, now=now + timedelta(minutes=1))
    db.session.commit()
    cancel_order(order, buyer, now=now + timedelta(minutes=2))
    db.session.commit()
    refreshed = db.session.get(Listing, listing.id)
    assert (refreshed.status, refreshed.quantity) == ("sold_out", 0)


def test_a_cancel_gives_back_stock_that_an_order_sold_out_shop_10(app, make_member, make_shop,
                                                                  make_listing):
    from datetime import timedelta

    from app.blueprints.shops.order_services import cancel_order, place_order

    shop = make_shop(plan="standard")
    listing = make_listing(shop=shop, quantity=1)
    buyer = make_member()
    now = utcnow()
    order = place_order(listing, buyer, 1, now=now)
    db.session.commit()
    cancel_order(order, buyer, now=now + timedelta(minutes=2))
    db.session.commit()
    refreshed = db.session.get(Listing, listing.id)
    assert (refreshed.status, refreshed.quantity) == ("active", 1)
