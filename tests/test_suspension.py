"""ACC-5: a suspended (or closed) member cannot bid, buy now, start auctions, open shops,
create or edit listings, order, send messages or appeal anything but the suspension; browsing
works, a banner says until when and how to appeal, and a lifted suspension frees them again."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.blueprints.moderation import sanctions, signs
from app.blueprints.moderation.enforcement import check_can_act
from app.blueprints.moderation.errors import Suspended
from app.database import utcnow
from app.extensions import db
from app.models import (Auction, Bid, Conversation, Explanation, LiftRequest, Listing, Message,
                        Order, Shop)
from tests.conftest import SHIP_TO, category_id, post_form


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


@pytest.fixture
def world(app, make_member, make_shop, make_listing, make_auction, client_for):
    """A member with a shop and a listing, another seller's shop, listing and auction, a
    conversation between them, and a moderator."""
    member = make_member(display_name="Suspect")
    moderator = make_member(display_name="Mod One", role="moderator")
    seller = make_member(display_name="Other Seller")
    own_shop = make_shop(owner=member, plan="standard", slug="suspect-shop")
    own_listing = make_listing(shop=own_shop)
    signed_listing = make_listing(shop=own_shop, title="พระกริ่ง")
    sign = signs.hang_sign("listing", signed_listing.id, "fake", moderator, "A copy.",
                           now=utcnow() - timedelta(days=8))
    db.session.commit()
    shop = make_shop(owner=seller, plan="standard", slug="other-shop")
    listing = make_listing(shop=shop, quantity=5)
    auction = make_auction(seller=seller, buy_now_satang=900_000)
    client = client_for(member)
    assert post_form(client, f"/listings/{listing.id}/contact", {"body": "สวัสดีครับ"},
                     form_url=f"/listings/{listing.id}").status_code in (302, 201)
    conversation = db.session.scalar(select(Conversation))
    return SimpleNamespace(member=member, moderator=moderator, seller=seller, own_shop=own_shop,
                           own_listing=own_listing, shop=shop, sign=sign, listing=listing,
                           auction=auction, client=client, conversation=conversation)


def suspend(w, days=7):
    sanction = sanctions.impose(w.member, "suspension", w.moderator, rule="MKT-6",
                                facts="Shill bidding on own auctions", now=utcnow(),
                                ends_at=utcnow() + timedelta(days=days))
    db.session.commit()
    return sanction


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def listing_data(**fields):
    data = {"title": "พระผงสุพรรณ", "category_id": str(category_id()), "price": "1,000",
            "quantity": "1", "condition": "good", "content_rating": "general",
            "description": "", "certificate_issuer": "", "certificate_number": ""}
    data.update(fields)
    return data


def _bid(w):
    url = f"/auctions/{w.auction.id}"
    version = db.session.get(Auction, w.auction.id, populate_existing=True).version
    return post_form(w.client, f"{url}/bid", {"amount": "200", "mode": "direct",
                                              "confirmed": "yes", "version": str(version),
                                              "leading": "0"}, form_url=url)


def _buy_now(w):
    url = f"/auctions/{w.auction.id}"
    return post_form(w.client, f"{url}/buy-now", {"confirmed": "yes"}, form_url=url,
                     follow_redirects=True)


def _start_auction(w):
    return post_form(w.client, "/auctions/new", {
        "title": "พระผงสุพรรณ", "description": "", "category_id": str(category_id()),
        "starting_price": "500", "min_increment": "20", "reserve": "", "buy_now": "",
        "starts_at": "", "duration_days": "7", "ends_at": ""})


def _open_shop(w):
    return post_form(w.client, "/shops/new", {"name": "ร้านใหม่", "slug": "new-shop",
                                              "description": ""})


def _new_listing(w):
    return post_form(w.client, f"/shops/{w.own_shop.slug}/listings/new", listing_data())


def _edit_listing(w):
    url = f"/listings/{w.own_listing.id}/edit"
    return post_form(w.client, url, listing_data(title="แก้ไขแล้ว"))


def _order(w):
    return post_form(w.client, f"/listings/{w.listing.id}/order", {"quantity": "1", **SHIP_TO})


def _contact(w):
    # A listing of a third shop: a new conversation would start.
    return post_form(w.client, f"/listings/{w.listing.id}/contact", {"body": "อีกครั้ง"},
                     form_url=f"/listings/{w.listing.id}")


def _reply(w):
    url = f"/messages/{w.conversation.id}"
    return post_form(w.client, url, {"body": "ตอบกลับ"}, form_url=url)


def _explain(w):
    return post_form(w.client, f"/moderation/signs/{w.sign.id}/explain",
                     {"body": "Here is the certificate and a close photo."})


def _lift_request(w):
    return post_form(w.client, f"/moderation/signs/{w.sign.id}/lift",
                     {"body": "The association certified it genuine."})


ACTIONS = {
    "explanation": (_explain, Explanation),
    "lift_request": (_lift_request, LiftRequest),
    "bid": (_bid, Bid),
    "buy_now": (_buy_now, Bid),
    "start_auction": (_start_auction, Auction),
    "open_shop": (_open_shop, Shop),
    "new_listing": (_new_listing, Listing),
    "order": (_order, Order),
    "contact_seller": (_contact, Message),
    "reply": (_reply, Message),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_suspended_member_is_refused_everywhere_acc_5(world, action):
    """ACC-5: every acting route refuses a suspended member, says until when, and changes
    nothing; the same member acts again once the suspension is lifted."""
    run, model = ACTIONS[action]
    sanction = suspend(world)
    before = count(model)
    response = run(world)
    page = response.get_data(as_text=True)
    assert "suspended until" in page
    assert count(model) == before

    sanctions.lift(db.session.get(type(sanction), sanction.id), world.moderator,
                   "Mistaken identity", now=utcnow())
    db.session.commit()
    response = run(world)
    assert count(model) > before, response.get_data(as_text=True)[:2000]


def test_a_suspended_member_cannot_edit_a_listing_acc_5(world):
    """ACC-5: editing one's own listing is refused while suspended."""
    suspend(world)
    response = _edit_listing(world)
    assert "suspended until" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Listing, world.own_listing.id).title != "แก้ไขแล้ว"


def test_browsing_works_and_the_banner_says_until_when_acc_5(world):
    """ACC-5: pages still open; a banner says until when and links to the appeal page."""
    suspend(world)
    for url in ("/", f"/listings/{world.listing.id}", f"/auctions/{world.auction.id}",
                "/moderation/me/sanctions"):
        response = world.client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "Your account is suspended until" in page
        assert "/moderation/me/sanctions" in page


def test_check_can_act_follows_the_clock_acc_5(world):
    """ACC-5: a suspension that has run out no longer refuses."""
    suspend(world, days=1)
    with pytest.raises(Suspended):
        check_can_act(world.member, utcnow())
    check_can_act(world.member, utcnow() + timedelta(days=2))


def test_a_closed_account_is_refused_too_acc_5(world):
    """ACC-5 / MOD-8: a permanently closed member is refused as well; their shops close."""
    sanctions.impose(world.member, "closure", world.moderator, rule="MKT-5",
                     facts="Repeated fakes", now=utcnow())
    db.session.commit()
    before = count(Bid)
    page = _bid(world).get_data(as_text=True)
    assert "closed" in page and count(Bid) == before
    assert db.session.get(Shop, world.own_shop.id).status == "closed"


def test_appeals_while_suspended_only_against_the_suspension_acc_5_mod_9(world):
    """ACC-5 / MOD-9: a suspended member may appeal the suspension but not another sanction."""
    warning = sanctions.impose(world.member, "warning", world.moderator, rule="MOD-11",
                               facts="Rude messages", now=utcnow())
    db.session.commit()
    suspension = suspend(world)
    refused = post_form(world.client, f"/moderation/me/sanctions/{warning.id}/appeal",
                        {"body": "ไม่ได้ทำ"}, form_url="/moderation/me/sanctions")
    assert refused.status_code == 422
    assert "suspended until" in refused.get_data(as_text=True)
    taken = post_form(world.client, f"/moderation/me/sanctions/{suspension.id}/appeal",
                      {"body": "ไม่ได้ทำ"}, form_url="/moderation/me/sanctions")
    assert taken.status_code == 302


def test_a_suspended_owner_cannot_change_the_shop_add_staff_or_photos_acc_5(
        world, make_member):
    """ACC-5 (found in review): the shop's details, its staff and a listing's photos were
    still open to a suspended owner; each is refused with the suspension's end and changes
    nothing."""
    from io import BytesIO

    from app.models import ListingPhoto, ShopStaff
    from tests.images import jpeg

    helper = make_member(email="helper@talat.example")
    db.session.commit()
    suspend(world)
    slug = world.own_shop.slug
    edit = post_form(world.client, f"/shops/{slug}/edit",
                     {"name": "ชื่อใหม่", "description": ""})
    staff = post_form(world.client, f"/shops/{slug}/staff", {"email": helper.email},
                      form_url=f"/shops/{slug}/people")
    url = f"/listings/{world.own_listing.id}/photos"
    photo = post_form(world.client, url, {"photos": (BytesIO(jpeg()), "a.jpg")},
                      content_type="multipart/form-data")
    for response in (edit, staff, photo):
        assert response.status_code == 422
        assert "suspended until" in response.get_data(as_text=True)
    assert db.session.get(Shop, world.own_shop.id, populate_existing=True).name != "ชื่อใหม่"
    assert count(ShopStaff) == 0
    assert count(ListingPhoto) == 0


def test_nobody_orders_from_or_posts_in_a_suspended_owners_shop_acc_5(
        world, make_member, client_for):
    """ACC-5: a suspended member does not sell: buyers cannot order from their shop and its
    staff cannot post in it; both work again once the suspension is lifted."""
    from app.models import ShopStaff

    buyer, clerk = make_member(display_name="Buyer"), make_member(display_name="Clerk")
    db.session.add(ShopStaff(shop_id=world.own_shop.id, user_id=clerk.id))
    db.session.commit()
    sanction = suspend(world)
    listings, orders = count(Listing), count(Order)
    ordered = post_form(client_for(buyer), f"/listings/{world.own_listing.id}/order",
                        {"quantity": "1", **SHIP_TO}, form_url=f"/listings/{world.own_listing.id}",
                        follow_redirects=True)
    assert "cannot take orders" in ordered.get_data(as_text=True)
    posted = post_form(client_for(clerk), f"/shops/{world.own_shop.slug}/listings/new",
                       listing_data())
    assert posted.status_code == 422
    assert "owner is suspended" in posted.get_data(as_text=True)
    assert (count(Listing), count(Order)) == (listings, orders)

    sanctions.lift(db.session.get(type(sanction), sanction.id), world.moderator,
                   "Mistaken identity", now=utcnow())
    db.session.commit()
    post_form(client_for(buyer), f"/listings/{world.own_listing.id}/order",
              {"quantity": "1", **SHIP_TO}, form_url=f"/listings/{world.own_listing.id}")
    post_form(client_for(clerk), f"/shops/{world.own_shop.slug}/listings/new", listing_data())
    assert (count(Listing), count(Order)) == (listings + 1, orders + 1)


def test_a_suspended_buyer_cannot_review_acc_5(world):
    """ACC-5: a review is a post; the suspension is checked before anything else."""
    from app.blueprints.shops import order_services

    suspend(world)
    with pytest.raises(Suspended):
        order_services.leave_review(None, world.member, 5, "ดีมาก", now=utcnow())


def test_a_suspended_member_cannot_rate_an_auction_sale_acc_5(app, board, moderator):
    """ACC-5: rating the other party of an auction sale (with a public comment on their member
    page) is a post, refused while suspended, as a shop review is; once the suspension is
    lifted the rating goes through."""
    from app.blueprints.auctions import bidding
    from app.jobs import JOBS
    from app.models import Feedback, Sale

    bidding.place_bid(board.auction.id, board.alice, 50_000, proxy=False, now=utcnow())
    db.session.commit()
    auction = db.session.get(Auction, board.auction.id)
    JOBS["settle-auctions"](app, auction.ends_at + timedelta(seconds=1))
    sale = db.session.scalar(select(Sale))
    sanction = sanctions.impose(board.alice, "suspension", moderator, rule="MKT-6",
                                facts="Shill bidding", now=utcnow(),
                                ends_at=utcnow() + timedelta(days=7))
    db.session.commit()
    url = f"/auctions/sales/{sale.id}"
    response = post_form(board.alice_client, f"{url}/feedback",
                         {"rating": "positive", "comment": "Great seller"}, form_url=url)
    assert response.status_code == 422
    assert "suspended" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Feedback.id))) == 0
    sanctions.lift(sanction, moderator, "Appeal granted", now=utcnow())
    db.session.commit()
    response = post_form(board.alice_client, f"{url}/feedback",
                         {"rating": "positive", "comment": "Great seller"}, form_url=url)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Feedback.id))) == 1
