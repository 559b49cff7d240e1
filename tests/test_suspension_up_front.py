"""ACC-5 up front: a suspended member may not bid, sell or post, and every page that would
offer such a form says so in its place (until when, in Bangkok time, and how to appeal the
suspension, or that the appeal is being reviewed) instead of taking their typing only to
refuse it. A member in good standing sees the forms. The site-wide banner invites an appeal
only while none was filed."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.blueprints.moderation import sanctions
from app.blueprints.moderation.enforcement import suspension_notice
from app.database import utcnow
from app.extensions import db
from app.i18n import format_datetime
from tests.conftest import csrf_from, post_form

NOTICE = "data-cannot-act"
APPEAL_LINK = "data-appeal-link"


@pytest.fixture
def world(make_member, make_shop, make_listing, make_auction, client_for):
    """A member with a shop and a listing (``member``), another seller with a listing on the
    Standard plan and an open auction, a moderator, and the member's client (English)."""
    member = make_member(display_name="Member")
    seller = make_member(display_name="Seller")
    moderator = make_member(display_name="Mod", role="moderator")
    own_shop = make_shop(owner=member, slug="member-shop")
    own_listing = make_listing(shop=own_shop)
    other_shop = make_shop(owner=seller, plan="standard", slug="seller-shop")
    other_listing = make_listing(shop=other_shop, quantity=3)
    auction = make_auction(seller=seller)
    return SimpleNamespace(member=member, seller=seller, moderator=moderator,
                           own_shop=own_shop, own_listing=own_listing,
                           other_listing=other_listing, auction=auction,
                           client=client_for(member))


def suspend(w, days=7):
    """Suspend ``w.member`` through the moderation service (as a moderator does, MOD-8)."""
    sanction = sanctions.impose(w.member, "suspension", w.moderator, rule="MKT-6",
                                facts="Shill bidding", now=utcnow(),
                                ends_at=utcnow() + timedelta(days=days))
    db.session.commit()
    return sanction


def appeal(w, sanction):
    """File the member's appeal against ``sanction`` through its form."""
    response = post_form(w.client, f"/moderation/me/sanctions/{sanction.id}/appeal",
                         {"body": "I did not shill"}, form_url="/moderation/me/sanctions")
    assert response.status_code == 302


def pages(w):
    """Every page that offers a form a suspended member may not send: (url, the form's
    mark in the page)."""
    shop, listing, other, auction = w.own_shop, w.own_listing, w.other_listing, w.auction
    return {
        "open a shop": ("/shops/new", 'action="/shops/new"'),
        "shop details": (f"/shops/{shop.slug}/edit", f'action="/shops/{shop.slug}/edit"'),
        "new listing": (f"/shops/{shop.slug}/listings/new",
                        f'action="/shops/{shop.slug}/listings/new"'),
        "edit listing": (f"/listings/{listing.id}/edit", f'action="/listings/{listing.id}/edit"'),
        "bid box": (f"/auctions/{auction.id}", f'action="/auctions/{auction.id}/bid#bid-box"'),
        "start an auction": ("/auctions/new", 'action="/auctions/new"'),
        "order": (f"/listings/{other.id}/order", f'action="/listings/{other.id}/order"'),
        "contact the seller": (f"/listings/{other.id}/contact",
                               f'action="/listings/{other.id}/contact"'),
        "shop staff": (f"/shops/{shop.slug}/people", f'action="/shops/{shop.slug}/staff"'),
    }


PAGES = ["open a shop", "shop details", "new listing", "edit listing", "bid box",
         "start an auction", "order", "contact the seller", "shop staff"]


@pytest.mark.parametrize("page", PAGES)
def test_a_member_in_good_standing_sees_the_form_acc_5(world, page):
    """ACC-5: a member who is not suspended gets the form, and no suspension notice."""
    url, form = pages(world)[page]
    html = world.client.get(url).get_data(as_text=True)
    assert form in html
    assert NOTICE not in html


@pytest.mark.parametrize("page", PAGES)
def test_a_suspended_member_is_told_up_front_instead_of_a_form_acc_5(world, page):
    """ACC-5: a suspended member opening a page that would post (sell, bid, open or change a
    shop, order, write) is told they are suspended, until when (Bangkok time) and how to
    appeal the suspension, and is offered no form to fill in."""
    sanction = suspend(world)
    url, form = pages(world)[page]
    html = world.client.get(url).get_data(as_text=True)
    assert form not in html
    assert NOTICE in html
    until = format_datetime(db.session.get(type(world.member), world.member.id).suspended_until,
                            "en")
    assert f"suspended until {until}" in html
    assert f'href="/moderation/me/sanctions#sanction-{sanction.id}" {APPEAL_LINK}' in html
    # The page's own notice stands in for the site-wide banner: said once, not twice.
    assert html.count(NOTICE) == 1


@pytest.mark.parametrize("page", PAGES)
def test_a_pending_appeal_is_said_to_be_reviewed_not_invited_again_acc_5(world, page):
    """ACC-5, MOD-9: once the member has appealed the suspension, the pages say the appeal is
    waiting for a moderator instead of inviting another."""
    sanction = suspend(world)
    appeal(world, sanction)
    url, form = pages(world)[page]
    html = world.client.get(url).get_data(as_text=True)
    assert form not in html and NOTICE in html
    assert APPEAL_LINK not in html
    assert "is waiting for a moderator" in html
    assert "You may appeal from your sanctions page" not in html


def test_the_bid_box_fragment_says_so_instead_of_the_form_acc_5(world):
    """ACC-5: the bid box swapped in by htmx after a suspended member's bid is the notice
    alone (a fragment, no bid or buy-now form), not the form back with an error."""
    suspend(world)
    token = csrf_from(world.client.get("/").get_data(as_text=True))
    response = world.client.post(f"/auctions/{world.auction.id}/bid",
                                 data={"csrf_token": token, "amount": "200", "mode": "direct"},
                                 headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and 'id="bid-box"' in html
    assert NOTICE in html and APPEAL_LINK in html
    assert f'action="/auctions/{world.auction.id}/bid' not in html
    assert "/buy-now" not in html


def test_the_seller_of_an_auction_is_not_shown_the_bid_notice_acc_5(world, client_for):
    """ACC-5: the bid box tells a suspended member only where it would offer a bid; the
    auction's own seller (who has no bid form) keeps the site-wide banner instead."""
    sanctions.impose(world.seller, "suspension", world.moderator, rule="MKT-6", facts="x",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=3))
    db.session.commit()
    html = client_for(world.seller).get(f"/auctions/{world.auction.id}").get_data(as_text=True)
    assert "This is your auction." in html
    assert html.count(NOTICE) == 1 and "suspended-banner" in html


def test_staff_of_a_suspended_owner_are_told_before_posting_acc_5(world, make_member,
                                                                   client_for):
    """ACC-5: nothing is posted in a suspended owner's shop, by staff either; the staff
    member's new-listing page says so in place of the form (the service's own reason)."""
    from app.models import ShopStaff

    staff = make_member(display_name="Staffer")
    db.session.add(ShopStaff(shop_id=world.own_shop.id, user_id=staff.id))
    db.session.commit()
    suspend(world)
    url, form = pages(world)["new listing"]
    html = client_for(staff).get(url).get_data(as_text=True)
    assert form not in html
    assert "This shop cannot post while its owner is suspended." in html


def test_the_banner_invites_an_appeal_only_until_one_is_filed_acc_5(world):
    """ACC-5, MOD-9: the site-wide banner links to the suspension's appeal form while none was
    filed; after the appeal it says the appeal is waiting for a moderator and invites no
    other; a member in good standing sees no banner."""
    assert "suspended-banner" not in world.client.get("/").get_data(as_text=True)
    sanction = suspend(world)
    html = world.client.get("/").get_data(as_text=True)
    assert "suspended-banner" in html
    assert f'href="/moderation/me/sanctions#sanction-{sanction.id}" {APPEAL_LINK}' in html
    assert "Appeal the suspension" in html
    appeal(world, sanction)
    html = world.client.get("/").get_data(as_text=True)
    assert "suspended-banner" in html
    assert APPEAL_LINK not in html and "Appeal the suspension" not in html
    assert "is waiting for a moderator" in html
    assert 'href="/moderation/me/sanctions"' in html


def test_the_banner_goes_when_the_suspension_is_lifted_acc_5(world):
    """ACC-5: once the suspension is lifted, the member acts again: no banner, the forms are
    back."""
    sanction = suspend(world)
    sanctions.lift(sanction, world.moderator, "Served", now=utcnow())
    db.session.commit()
    html = world.client.get("/shops/new").get_data(as_text=True)
    assert NOTICE not in html and 'action="/shops/new"' in html


def test_the_notice_is_in_thai_by_default_acc_5(world, app, login):
    """ACC-5: the notice speaks the member's language, Thai by default, with the date in
    the Buddhist era and Bangkok time."""
    suspend(world)
    client = app.test_client()
    login(world.member.email, target=client)
    html = client.get("/shops/new").get_data(as_text=True)
    until = format_datetime(world.member.suspended_until, "th")
    assert f"บัญชีของคุณถูกระงับชั่วคราวถึง {until}" in html
    assert 'action="/shops/new"' not in html


def test_the_notice_knows_an_expired_appeal_window_acc_5(world):
    """ACC-5, MOD-9: the service offers no appeal once the 15 days to appeal are over, and
    none while an appeal waits; a member who is not suspended has no notice at all."""
    assert suspension_notice(world.member, utcnow()) is None
    sanction = suspend(world, days=30)
    notice = suspension_notice(world.member, utcnow())
    assert (notice.appeal_sanction_id, notice.appeal_pending_since) == (sanction.id, None)
    later = suspension_notice(world.member, utcnow() + timedelta(days=16))
    assert later.appeal_sanction_id is None and later.appeal_pending_since is None


def test_an_open_conversation_tells_a_suspended_member_instead_of_the_form_acc_5(world):
    """ACC-5: a suspended member's messages are refused (message_services), in a conversation
    already started too, so its page shows the notice where the message form was; the
    conversation itself stays readable (browsing)."""
    from app.blueprints.shops import message_services

    conversation, _message, _created = message_services.contact_seller(
        world.other_listing, world.member, "Is it still available?", now=utcnow())
    db.session.commit()
    url = f"/messages/{conversation.id}"
    action = f'action="{url}"'
    assert action in world.client.get(url).get_data(as_text=True)
    suspend(world)
    html = world.client.get(url).get_data(as_text=True)
    assert "Is it still available?" in html
    assert action not in html and NOTICE in html and APPEAL_LINK in html


def test_a_suspended_buyer_still_writes_about_an_open_order_and_only_then_acc_5(world):
    """ACC-5: a message about an order still open between the buyer and the shop settles it,
    as paying does (the shop, which did nothing wrong, must learn where to send the parcel),
    so a suspended buyer keeps the form and the message is taken, in the order's
    conversation or a new one with that shop; once the order is completed, nothing."""
    from app.blueprints.shops import message_services
    from app.models import Message
    from tests.test_orders import latest_order, place

    assert place(world.client, world.other_listing).status_code in (302, 303)
    order = latest_order()
    suspend(world)
    url = f"/listings/{world.other_listing.id}/contact"
    html = world.client.get(url).get_data(as_text=True)
    assert f'action="{url}"' in html and 'id="message-form"' in html
    response = post_form(world.client, url, {"body": "Please send it to my office."},
                         form_url=f"/listings/{world.other_listing.id}")
    assert response.status_code == 302
    assert db.session.scalar(select(Message.body)) == "Please send it to my office."
    conversation = message_services.find_conversation(world.other_listing.id, world.member.id)
    order.status = "completed"
    db.session.commit()
    reply = f"/messages/{conversation.id}"
    html = world.client.get(reply).get_data(as_text=True)
    assert f'action="{reply}"' not in html and NOTICE in html
    assert post_form(world.client, reply, {"body": "And another thing"},
                     form_url=reply).status_code == 422


def test_the_order_page_tells_a_suspended_member_instead_of_posting_forms_acc_5(
        world, client_for):
    """ACC-5: on an order, the shop's cancellation (selling) and the buyer's review (a post)
    are refused to a suspended member, so the order page shows the notice in their place;
    the steps that settle the order (paying) stay offered."""
    from tests.test_orders import latest_order, place

    assert place(world.client, world.other_listing).status_code in (302, 303)
    order = latest_order()
    url = f"/orders/{order.id}"
    cancel, pay = f'action="{url}/shop-cancel"', f'action="{url}/pay"'
    seller = client_for(world.seller)
    assert cancel in seller.get(url).get_data(as_text=True)
    sanctions.impose(world.seller, "suspension", world.moderator, rule="MKT-6", facts="x",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=3))
    db.session.commit()
    html = seller.get(url).get_data(as_text=True)
    assert cancel not in html and NOTICE in html
    suspend(world)
    html = world.client.get(url).get_data(as_text=True)
    assert pay in html  # paying settles an open order: still possible
    order = db.session.get(type(order), order.id)
    order.status, order.completed_at = "completed", utcnow()
    db.session.commit()
    html = world.client.get(url).get_data(as_text=True)
    assert f'action="{url}/review"' not in html
    assert "Rate the shop" in html and NOTICE in html and APPEAL_LINK in html


def test_the_photos_page_tells_a_suspended_member_instead_of_the_upload_form_acc_5(world):
    """ACC-5: adding photos to a listing is posting (listing_services.add_photo refuses it
    while suspended), so the photos page shows the notice where the upload form was."""
    url = f"/listings/{world.own_listing.id}/photos"
    form = f'action="{url}"'
    assert form in world.client.get(url).get_data(as_text=True)
    suspend(world)
    html = world.client.get(url).get_data(as_text=True)
    assert form not in html and NOTICE in html and APPEAL_LINK in html


def test_the_sale_page_tells_a_suspended_party_instead_of_message_and_rating_forms_acc_5(
        sale, make_member):
    """ACC-5: after an auction, a suspended party may not rate the other (a post the
    services refuse), nor write once the sale is completed, so the sale page says so in
    place of those forms; the messages stay readable. (While the sale is open the message
    form stays: below.)"""
    message_form = f'action="{sale.url}/messages"'
    rating_form = f'action="{sale.url}/feedback#feedback"'
    html = sale.alice_client.get(sale.url).get_data(as_text=True)
    assert message_form in html and rating_form in html and NOTICE not in html
    moderator = make_member(display_name="Mod", role="moderator")
    sanctions.impose(sale.alice, "suspension", moderator, rule="MKT-6", facts="x",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=3))
    sale.sale.step = "completed"
    db.session.commit()
    html = sale.alice_client.get(sale.url).get_data(as_text=True)
    assert message_form not in html and rating_form not in html
    assert NOTICE in html and APPEAL_LINK in html
    assert html.count(NOTICE) == 1 and "data-rating-refused" in html  # said once


def test_a_suspended_party_of_an_open_sale_keeps_the_message_form_acc_5(sale, make_member):
    """ACC-5: until the sale is completed a message settles it (sale_messages), so the form
    stays; the rating form gives way to the notice, said once."""
    message_form = f'action="{sale.url}/messages"'
    rating_form = f'action="{sale.url}/feedback#feedback"'
    moderator = make_member(display_name="Mod", role="moderator")
    sanctions.impose(sale.alice, "suspension", moderator, rule="MKT-6", facts="x",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=3))
    db.session.commit()
    html = sale.alice_client.get(sale.url).get_data(as_text=True)
    assert message_form in html and rating_form not in html
    assert html.count(NOTICE) == 1 and "data-rating-refused" in html


def test_the_reinstatement_page_uses_the_same_notice_acc_5(world):
    """ACC-5: a member whose auction rights and account are both suspended may not ask for
    the rights back yet; that page shows the same notice (appeal link, once on the page)
    in place of its form."""
    world.member.auction_rights = "suspended"
    db.session.commit()
    sanction = suspend(world)
    html = world.client.get("/moderation/reinstatement").get_data(as_text=True)
    assert 'action="/moderation/reinstatement"' not in html
    assert html.count(NOTICE) == 1
    assert f'href="/moderation/me/sanctions#sanction-{sanction.id}" {APPEAL_LINK}' in html


def test_a_closed_account_is_told_and_invited_to_appeal_the_closure_once_acc_5(world):
    """ACC-5, MOD-9: a closed account (no end date) gets the same notice: closed by the
    moderators, a link to appeal the closure until an appeal is filed, then its state."""
    closure = sanctions.impose(world.member, "closure", world.moderator, rule="MKT-6",
                               facts="Repeated fraud", now=utcnow())
    db.session.commit()
    html = world.client.get("/auctions/new").get_data(as_text=True)
    assert 'action="/auctions/new"' not in html
    assert "Your account has been closed by the moderators." in html
    assert f'href="/moderation/me/sanctions#sanction-{closure.id}" {APPEAL_LINK}' in html
    assert "Appeal the closure" in html
    appeal(world, closure)
    html = world.client.get("/").get_data(as_text=True)
    assert "Appeal the closure" not in html and "is waiting for a moderator" in html
