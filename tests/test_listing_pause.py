"""A shop pauses a listing and resumes it (พักการขาย): who may (SHOP-1, ACC-5), what may not be
paused (SHOP-7), where a paused listing is not shown (browse, search, categories, the shop's
page for buyers, rankings: RANK-2) and where it is (its own page, with a notice), no new order
(SHOP-10), its place under the plan (SHOP-2), and a pause that outlives a complaint's hiding
(CMP-3), a hold (SHOP-4) and a FAKE sign (SHOP-7)."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.blueprints.complaints import handling, hiding
from app.blueprints.moderation import sanctions, signs
from app.blueprints.shops import listing_services, order_services, pausing
from app.blueprints.shops.errors import PlanLimitReached, ShopError
from app.database import utcnow
from app.extensions import db
from app.models import Listing, Order, ShopStaff
from tests.complaint_helpers import fresh, make_complaint
from tests.conftest import SHIP_TO, category_id, post_form
from tests.images import jpeg, upload

TITLE = "พระผงสุพรรณ กรุเก่า องค์ทดสอบ"


@pytest.fixture
def shop_world(make_member, make_shop, make_listing, client_for):
    """A Standard shop (owner, one staff member) with a listing of 3, a buyer, a stranger and
    a moderator, each with a logged-in client (English pages), and a visitor's client."""
    owner, staff, buyer, stranger = (make_member(display_name=name) for name in (
        "Owner", "Staffer", "Buyer", "Stranger"))
    moderator = make_member(display_name="Mod", role="moderator")
    shop = make_shop(owner=owner, plan="standard", slug="baan-phra")
    db.session.add(ShopStaff(shop_id=shop.id, user_id=staff.id))
    db.session.commit()
    listing = make_listing(shop=shop, title=TITLE, quantity=3, price_satang=150000)
    clients = {name: client_for(user) for name, user in (
        ("owner", owner), ("staff", staff), ("buyer", buyer), ("stranger", stranger),
        ("moderator", moderator))}
    clients["visitor"] = client_for(None)
    return SimpleNamespace(shop=shop, listing=listing, owner=owner, staff=staff, buyer=buyer,
                           stranger=stranger, moderator=moderator, clients=clients)


def press(client, listing, action):
    """Press Pause or Resume the way a browser does (CSRF token from the listing's page)."""
    return post_form(client, f"/listings/{listing.id}/{action}", {},
                     form_url=f"/listings/{listing.id}")


def paused(listing):
    return fresh(listing).paused_at is not None


def suspend(member, moderator, days=7):
    sanctions.impose(member, "suspension", moderator, rule="MKT-6", facts="Shill bidding",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=days))
    db.session.commit()


# --- who may pause and resume ----------------------------------------------------------------

@pytest.mark.parametrize("who", ["owner", "staff"])
def test_owner_and_staff_pause_and_resume_a_listing_shop_1(shop_world, who):
    """SHOP-1: the owner and the staff who manage listings pause a listing and resume it; it
    keeps its status, quantity and page, and comes back on sale."""
    w = shop_world
    page = w.clients[who].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert f'action="/listings/{w.listing.id}/pause"' in page
    response = press(w.clients[who], w.listing, "pause")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/listings/{w.listing.id}")
    listing = fresh(w.listing)
    assert listing.paused_at is not None
    assert (listing.status, listing.quantity) == ("active", 3)
    page = w.clients[who].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert "You have paused this listing" in page
    assert f'action="/listings/{w.listing.id}/resume"' in page
    assert f'action="/listings/{w.listing.id}/pause"' not in page

    assert press(w.clients[who], w.listing, "resume").status_code == 303
    listing = fresh(w.listing)
    assert listing.paused_at is None and listing.status == "active"
    assert "The listing is back on sale." in w.clients[who].get(
        f"/listings/{w.listing.id}").get_data(as_text=True)


@pytest.mark.parametrize("who", ["stranger", "buyer", "moderator"])
def test_a_member_who_does_not_run_the_shop_cannot_pause_or_resume_shop_1(shop_world, who):
    """SHOP-1: only the shop's owner and staff manage its listings: anyone else, a buyer of the
    listing and a moderator included, is refused (403) and nothing changes; the page offers
    them no Pause button."""
    w = shop_world
    order_services.place_order(w.listing, w.buyer, 1, now=utcnow())
    db.session.commit()
    page = w.clients[who].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert "/pause" not in page
    assert press(w.clients[who], w.listing, "pause").status_code == 403
    assert not paused(w.listing)
    pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    db.session.commit()
    assert press(w.clients[who], w.listing, "resume").status_code == 403
    assert paused(w.listing)


def test_a_visitor_is_sent_to_log_in_shop_1(shop_world):
    """SHOP-1: a visitor who is not logged in changes nothing."""
    w = shop_world
    response = press(w.clients["visitor"], w.listing, "pause")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not paused(w.listing)


def test_the_service_refuses_anyone_but_the_shops_people_shop_1(shop_world, english):
    """SHOP-1: the service checks who may, not only the route."""
    w = shop_world
    for member in (w.stranger, w.buyer, w.moderator):
        with pytest.raises(ShopError, match="Only the shop's owner and staff"):
            pausing.pause_listing(fresh(w.listing), member, now=utcnow())
    db.session.rollback()
    pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    db.session.commit()
    with pytest.raises(ShopError, match="Only the shop's owner and staff"):
        pausing.resume_listing(fresh(w.listing), w.stranger, now=utcnow())


def test_staff_paused_by_a_smaller_plan_cannot_pause_shop_2(shop_world, english):
    """SHOP-2: staff beyond what the plan allows do not manage listings, so they do not pause
    them either."""
    w = shop_world
    w.shop.plan = "starter"  # no staff
    db.session.commit()
    assert press(w.clients["staff"], w.listing, "pause").status_code == 403
    with pytest.raises(ShopError):
        pausing.pause_listing(fresh(w.listing), w.staff, now=utcnow())
    assert not paused(w.listing)


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_a_suspended_member_may_pause_but_not_resume_acc_5(shop_world, english, who):
    """ACC-5: a suspended member cannot sell, so cannot resume a paused listing (that puts it
    on sale again): no Resume button, and the route and the service refuse. Pausing takes a
    listing off sale, as marking it sold out does, so it stays open to them."""
    w = shop_world
    member = getattr(w, who)
    suspend(member, w.moderator)
    page = w.clients[who].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert f"/listings/{w.listing.id}/pause" in page
    response = press(w.clients[who], w.listing, "pause")
    assert response.status_code == 303
    assert paused(w.listing)
    page = w.clients[who].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert f"/listings/{w.listing.id}/resume" not in page
    response = press(w.clients[who], w.listing, "resume")
    assert response.status_code == 303
    assert "suspended until" in w.clients[who].get(
        response.headers["Location"]).get_data(as_text=True)
    assert paused(w.listing)
    with pytest.raises(ShopError, match="suspended"):
        pausing.resume_listing(fresh(w.listing), member, now=utcnow())


def test_pause_without_a_csrf_token_is_refused(shop_world):
    """Pause and resume are forms with CSRF: a bare POST changes nothing."""
    w = shop_world
    for action in ("pause", "resume"):
        assert w.clients["owner"].post(f"/listings/{w.listing.id}/{action}").status_code == 400
    assert not paused(w.listing)


# --- what may not be paused ------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["under_review", "rule_violation", "fake"])
def test_a_listing_with_a_stop_sign_cannot_be_paused_shop_7(shop_world, english, kind):
    """SHOP-7: a STOP-signed listing is frozen (a FAKE one stays public as evidence): no
    Pause button, and the route and the service refuse."""
    w = shop_world
    signs.hang_sign("listing", w.listing.id, kind, w.moderator, "Checking.", now=utcnow())
    db.session.commit()
    page = w.clients["owner"].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert "/pause" not in page
    response = press(w.clients["owner"], w.listing, "pause")
    assert response.status_code == 303
    assert "STOP sign cannot be paused" in w.clients["owner"].get(
        response.headers["Location"]).get_data(as_text=True)
    assert not paused(w.listing)
    with pytest.raises(ShopError, match="STOP sign"):
        pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())


def test_a_paused_listing_that_gets_a_stop_sign_cannot_be_resumed_until_it_goes_shop_7(
        shop_world, english):
    """SHOP-7: a sign hung on a paused listing freezes it as it is, paused."""
    w = shop_world
    pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    sign = signs.hang_sign("listing", w.listing.id, "under_review", w.moderator, "Checking.",
                           now=utcnow())
    db.session.commit()
    with pytest.raises(ShopError, match="STOP sign"):
        pausing.resume_listing(fresh(w.listing), w.owner, now=utcnow())
    db.session.rollback()
    signs.end_sign(sign, w.moderator, "All fine.", now=utcnow())
    db.session.commit()
    assert paused(w.listing)
    pausing.resume_listing(fresh(w.listing), w.owner, now=utcnow())
    db.session.commit()
    assert not paused(w.listing)


@pytest.mark.parametrize("status", ["held", "hidden", "fake", "deleted"])
def test_a_held_hidden_fake_or_deleted_listing_cannot_be_paused(shop_world, english, status):
    """Only a listing on sale or sold out is paused: a held or hidden one is off show by the
    moderators' hand, a FAKE one stays public (SHOP-7), a deleted one is gone."""
    w = shop_world
    fresh(w.listing).status = status
    db.session.commit()
    with pytest.raises(ShopError):
        pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    assert not paused(w.listing)


def test_a_sold_out_listing_can_be_paused_and_comes_back_sold_out(
        shop_world, make_listing):
    """A sold-out listing is paused too, and resumed it shows sold out again."""
    w = shop_world
    listing = make_listing(shop=w.shop, title="พระกริ่ง หมดแล้ว", quantity=0, status="sold_out")
    assert press(w.clients["owner"], listing, "pause").status_code == 303
    assert paused(listing) and fresh(listing).status == "sold_out"
    assert press(w.clients["owner"], listing, "resume").status_code == 303
    assert not paused(listing) and fresh(listing).status == "sold_out"


# --- where a paused listing is and is not shown -----------------------------------------------

def listed_everywhere(client, shop):
    """Whether the listing's title shows on browse, search, a category page, the shop's page
    and the "New arrivals" ranking (RANK-2)."""
    urls = ["/search", "/search?q=พระผงสุพรรณ", f"/search?category={category_id()}",
            f"/shops/{shop.slug}", "/rankings?list=new"]
    return {url: TITLE in client.get(url).get_data(as_text=True) for url in urls}


def test_a_paused_listing_is_on_no_list_for_buyers_rank_2(shop_world):
    """RANK-2: while paused, the listing is out of browse, search, category pages, rankings
    and the shop's public page, for visitors and members; resumed, it is back on all."""
    w = shop_world
    for who in ("visitor", "buyer"):
        assert all(listed_everywhere(w.clients[who], w.shop).values())
    press(w.clients["owner"], w.listing, "pause")
    for who in ("visitor", "buyer", "stranger"):
        assert not any(listed_everywhere(w.clients[who], w.shop).values()), who
    press(w.clients["owner"], w.listing, "resume")
    assert all(listed_everywhere(w.clients["visitor"], w.shop).values())


def test_the_scored_rankings_leave_a_paused_listing_out_rank_2(shop_world):
    """RANK-2: a paused listing with views and sales in the window is not ranked."""
    from app.blueprints.shops import rankings
    from app.i18n import bangkok_today
    from app.models import ListingActivity

    w = shop_world
    db.session.add(ListingActivity(listing_id=w.listing.id, day=bangkok_today(utcnow()),
                                   views=40, watch_adds=3, sales=2))
    db.session.commit()
    for key in ("hits", "rising", "best-sellers", "weekly"):
        assert w.listing.id in [x.id for x in rankings.ranked(key, w.buyer, utcnow())]
    pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    db.session.commit()
    for key in ("hits", "rising", "best-sellers", "weekly"):
        assert w.listing.id not in [x.id for x in rankings.ranked(key, w.buyer, utcnow())]


def test_the_shops_people_see_a_paused_listing_badged_with_resume_on_the_shop_page(
        shop_world):
    """The shop's listing management (its page, to its people) still shows the paused
    listing, badged, with a Resume button that brings the seller back to the same page."""
    w = shop_world
    press(w.clients["owner"], w.listing, "pause")
    for who in ("owner", "staff"):
        page = w.clients[who].get(f"/shops/{w.shop.slug}").get_data(as_text=True)
        assert TITLE in page and "Paused by the seller" in page
        assert f'action="/listings/{w.listing.id}/resume"' in page
    response = post_form(w.clients["owner"], f"/listings/{w.listing.id}/resume",
                         {"next": f"/shops/{w.shop.slug}"}, form_url=f"/shops/{w.shop.slug}")
    assert response.headers["Location"].endswith(f"/shops/{w.shop.slug}")
    assert not paused(w.listing)


@pytest.mark.parametrize("who", ["visitor", "buyer"])
def test_a_paused_listings_own_page_opens_with_a_notice_and_no_buy_button_shop_10(
        shop_world, who):
    """SHOP-10: the link still works for anyone: the page says the seller has paused it and
    offers no Buy button; the order form is refused."""
    w = shop_world
    client = w.clients[who]
    assert f"/listings/{w.listing.id}/order" in client.get(
        f"/listings/{w.listing.id}").get_data(as_text=True)
    press(w.clients["owner"], w.listing, "pause")
    response = client.get(f"/listings/{w.listing.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and TITLE in page
    assert "The seller has paused this listing for now" in page
    assert f"/listings/{w.listing.id}/order" not in page


def test_the_order_service_refuses_a_paused_listing_shop_10(shop_world, english):
    """SHOP-10: ordering is refused by the service, not only by the missing button; the form
    sent anyway is refused too, and no stock is reserved."""
    w = shop_world
    pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    db.session.commit()
    with pytest.raises(order_services.OrderError, match="paused"):
        order_services.place_order(fresh(w.listing), w.buyer, 1, now=utcnow())
    db.session.rollback()
    response = post_form(w.clients["buyer"], f"/listings/{w.listing.id}/order",
                         {"quantity": "1", **SHIP_TO})
    assert response.status_code != 302
    assert db.session.scalar(select(Order.id)) is None
    assert fresh(w.listing).quantity == 3


def test_an_order_placed_before_the_pause_goes_on_shop_10(shop_world):
    """SHOP-10: orders already placed go on: the buyer pays, the seller confirms; an order
    cancelled while paused gives its stock back and the listing stays paused."""
    w = shop_world
    first = order_services.place_order(w.listing, w.buyer, 1, now=utcnow())
    second = order_services.place_order(w.listing, w.buyer, 2, now=utcnow())
    db.session.commit()
    first_id, second_id = first.id, second.id
    press(w.clients["owner"], w.listing, "pause")
    assert fresh(w.listing).status == "sold_out" and paused(w.listing)
    response = post_form(w.clients["buyer"], f"/orders/{first_id}/pay",
                         {"method": "promptpay", "slip": upload(jpeg())},
                         form_url=f"/orders/{first_id}", content_type="multipart/form-data")
    assert response.status_code == 302
    assert post_form(w.clients["owner"], f"/orders/{first_id}/confirm-payment", {},
                     form_url=f"/orders/{first_id}").status_code == 302
    assert db.session.get(Order, first_id).status == "paid"
    assert post_form(w.clients["buyer"], f"/orders/{second_id}/cancel", {},
                     form_url=f"/orders/{second_id}").status_code == 302
    listing = fresh(w.listing)
    assert (listing.quantity, listing.status) == (2, "active") and paused(listing)
    assert press(w.clients["owner"], w.listing, "resume").status_code == 303
    assert fresh(w.listing).status == "active" and not paused(w.listing)


# --- the plan's places -----------------------------------------------------------------------

def test_a_paused_listing_keeps_its_place_under_the_plan_shop_2(make_member, make_shop,
                                                                make_listing, english):
    """SHOP-2: a paused listing keeps its SKU and counts against the plan: pausing frees no
    place for another listing."""
    owner = make_member()
    shop = make_shop(owner=owner, plan="starter")
    listings = [make_listing(shop=shop, title=f"พระเครื่อง องค์ที่ {n}") for n in range(5)]
    pausing.pause_listing(listings[0], owner, now=utcnow())
    db.session.commit()
    fields = dict(title="พระเครื่อง องค์ที่ 6", description="", category_id=category_id(),
                  price_satang=10000, quantity=1, condition="good", content_rating="general")
    with pytest.raises(PlanLimitReached, match="Starter"):
        listing_services.create_listing(shop, owner, fields, now=utcnow())


# --- a pause outlives the moderators' hiding, holds and signs --------------------------------

def test_a_paused_listing_hidden_by_a_complaint_comes_back_paused_cmp_3(shop_world):
    """CMP-3: a complaint hides a paused listing; restored, it comes back paused, not on sale
    behind the seller's back."""
    w = shop_world
    press(w.clients["owner"], w.listing, "pause")
    complaint = make_complaint(fresh(w.listing))
    handling.uphold(complaint, w.moderator, "Stolen photos.", "SHOP-4", now=utcnow())
    db.session.commit()
    assert fresh(w.listing).status == "hidden"
    assert "/resume" in w.clients["owner"].get(
        f"/listings/{w.listing.id}").get_data(as_text=True)
    hiding.restore_target(fresh(complaint).targets[0], w.moderator, now=utcnow())
    db.session.commit()
    listing = fresh(w.listing)
    assert listing.status == "active" and listing.paused_at is not None and listing.is_paused
    assert not any(listed_everywhere(w.clients["visitor"], w.shop).values())
    with pytest.raises(order_services.OrderError):
        order_services.place_order(listing, w.buyer, 1, now=utcnow())


def test_resuming_while_hidden_leaves_the_listing_hidden_cmp_3(shop_world):
    """CMP-3: resuming takes away only the shop's pause: a hidden listing stays hidden until
    the moderators restore it, and then it is on sale."""
    w = shop_world
    press(w.clients["owner"], w.listing, "pause")
    complaint = make_complaint(fresh(w.listing))
    handling.uphold(complaint, w.moderator, "Stolen photos.", "SHOP-4", now=utcnow())
    db.session.commit()
    response = press(w.clients["owner"], w.listing, "resume")
    assert "stays off show until the moderators" in w.clients["owner"].get(
        response.headers["Location"]).get_data(as_text=True)
    assert fresh(w.listing).status == "hidden" and not paused(w.listing)
    assert w.clients["visitor"].get(f"/listings/{w.listing.id}").status_code == 404
    hiding.restore_target(fresh(complaint).targets[0], w.moderator, now=utcnow())
    db.session.commit()
    assert fresh(w.listing).status == "active"
    assert all(listed_everywhere(w.clients["visitor"], w.shop).values())


def test_a_paused_listing_released_from_a_hold_stays_paused_shop_4(shop_world, english):
    """SHOP-4: an edit of a paused listing that matches the prohibited list holds it; the
    moderator's release puts it back as it was, paused."""
    w = shop_world
    pausing.pause_listing(fresh(w.listing), w.owner, now=utcnow())
    fields = dict(title="สุราขาว ขวดสะสม", description="", category_id=category_id(),
                  price_satang=150000, quantity=3, condition="good", content_rating="general")
    listing_services.update_listing(fresh(w.listing), fields, now=utcnow(), editor=w.owner)
    db.session.commit()
    assert fresh(w.listing).status == "held" and paused(w.listing)
    listing_services.release_hold(fresh(w.listing), now=utcnow())
    db.session.commit()
    assert fresh(w.listing).status == "active" and fresh(w.listing).is_paused


def test_a_fake_sign_shows_a_paused_listing_and_lifted_it_is_paused_again_shop_7(shop_world):
    """SHOP-7: a FAKE listing stays public as evidence, paused or not; when the sign comes
    down the seller's pause is still there."""
    w = shop_world
    press(w.clients["owner"], w.listing, "pause")
    sign = signs.hang_sign("listing", w.listing.id, "fake", w.moderator, "A copy.",
                           now=utcnow())
    db.session.commit()
    assert fresh(w.listing).status == "fake" and not fresh(w.listing).is_paused
    assert TITLE in w.clients["visitor"].get(f"/shops/{w.shop.slug}").get_data(as_text=True)
    page = w.clients["visitor"].get(f"/listings/{w.listing.id}").get_data(as_text=True)
    assert "has paused this listing" not in page
    signs.end_sign(sign, w.moderator, "Authentic after all.", now=utcnow())
    db.session.commit()
    listing = fresh(w.listing)
    assert listing.status == "active" and listing.is_paused
    assert TITLE not in w.clients["visitor"].get(f"/shops/{w.shop.slug}").get_data(
        as_text=True)


def test_pausing_leaves_updated_at_and_the_quantity_alone_rank_2(shop_world):
    """RANK-2: the "Updated" ranking is by the last change to the listing; a pause and a
    resume change nothing a buyer reads, so pause-resume cannot push a listing up."""
    w = shop_world
    before = fresh(w.listing).updated_at
    press(w.clients["owner"], w.listing, "pause")
    press(w.clients["owner"], w.listing, "resume")
    listing = db.session.scalar(select(Listing).where(Listing.id == w.listing.id))
    db.session.refresh(listing)
    assert (listing.updated_at, listing.quantity) == (before, 3)


def test_the_moderators_queue_shows_a_paused_listing_as_paused(shop_world):
    """Found in review: a reported listing its seller had paused read "On sale" in the
    moderators' queue; its row now says the seller has paused it."""
    from app.blueprints.moderation import queue

    w = shop_world
    queue.open_item("report", "listing", w.listing.id, now=utcnow(), report=True,
                    subject_user_id=w.owner.id, summary="Looks like a fake")
    db.session.commit()
    page = w.clients["moderator"].get("/moderation/queue").get_data(as_text=True)
    assert TITLE in page and "Paused by the seller" not in page
    assert press(w.clients["owner"], w.listing, "pause").status_code == 303
    page = w.clients["moderator"].get("/moderation/queue").get_data(as_text=True)
    assert TITLE in page and "Paused by the seller" in page
