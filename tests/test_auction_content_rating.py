"""Content ratings of auctions (RANK-1, ACC-3): the seller marks an auction 18+ when starting
it, a member under 18 may not, moderators can change it, and an 18+ auction is never shown to
a visitor who is not logged in nor to an under-18 member, wherever an auction can be seen."""
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.blueprints.auctions import bidding
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.boards import services as boards
from app.database import utcnow
from app.extensions import db
from app.models import Auction, AuctionPhoto, AuctionWatch, Bid
from app.uploads import store_image
from tests.conftest import category_id, post_form
from tests.images import jpeg

pytestmark = pytest.mark.usefixtures("english")


def auction_form(**fields):
    """The start-auction form as a member fills it in (AUC-1)."""
    data = {"title": "ปลัดขิก ADULTONLY", "description": "", "category_id": str(category_id()),
            "starting_price": "500", "min_increment": "20", "reserve": "", "buy_now": "",
            "starts_at": "", "duration_days": "7", "ends_at": ""}
    data.update(fields)
    return data


@pytest.fixture
def minor(make_member):
    """A member aged 15, registered with a guardian's consent (ACC-3)."""
    return make_member(display_name="Minor", birth_date=date(date.today().year - 15, 1, 1),
                       guardian_name="Somsri Jaidee", guardian_email="guardian@talat.example",
                       guardian_consent=True)


# --- starting an auction ----------------------------------------------------------------------

def test_the_start_form_offers_the_listing_forms_ratings_general_by_default_rank_1(
        make_member, client_for):
    """RANK-1: the form asks who may see the auction in the listing form's words, general
    chosen; there is no "restricted" (an auction has no shop circle)."""
    html = client_for(make_member()).get("/auctions/new").get_data(as_text=True)
    assert "Who may see it" in html and "Adults only (18+)" in html
    assert re.search(r'<option (selected )?value="general"( selected)?>', html).group(1, 2) \
        != (None, None)
    assert 'value="restricted"' not in html


def test_an_adult_seller_starts_an_18_plus_auction_rank_1(make_member, client_for):
    """RANK-1: the seller sets the rating."""
    response = post_form(client_for(make_member()), "/auctions/new",
                         auction_form(content_rating="adult"))
    assert response.status_code == 302
    assert db.session.scalar(select(Auction.content_rating)) == "adult"


def test_an_auction_started_without_a_rating_is_general_rank_1(make_member, client_for):
    """RANK-1: the default is general."""
    data = auction_form(title="พระผงสุพรรณ")
    post_form(client_for(make_member()), "/auctions/new", data)
    assert db.session.scalar(select(Auction.content_rating)) == "general"


def test_an_under_18_member_cannot_start_an_18_plus_auction_acc_3(minor, client_for):
    """ACC-3: a member who may not see 18+ auctions may not start one either; the form says
    why, beside the rating, and no auction is made. A forged rating is refused too."""
    client = client_for(minor)
    response = post_form(client, "/auctions/new", auction_form(content_rating="adult"))
    assert response.status_code == 422
    assert "Members under 18 cannot start auctions for adults (18+)." in \
        response.get_data(as_text=True)
    forged = post_form(client, "/auctions/new", auction_form(content_rating="restricted"))
    assert forged.status_code == 422
    assert db.session.scalar(select(func.count(Auction.id))) == 0
    assert post_form(client, "/auctions/new", auction_form()).status_code == 302


def test_the_service_refuses_an_18_plus_auction_by_an_under_18_seller_acc_3(
        minor, make_auction):
    """ACC-3: the rule lives in the service, not only in the form."""
    from app.blueprints.auctions.errors import AuctionError

    with pytest.raises(AuctionError) as refused:
        make_auction(seller=minor, content_rating="adult")
    assert refused.value.field == "content_rating"
    db.session.rollback()


def test_the_rating_migration_makes_existing_auctions_general_rank_1(app, make_auction):
    """RANK-1: the migration adding the rating gives every auction started before it
    "general", its CHECK refuses any other word, and it can be stepped back."""
    auction_id = make_auction().id
    db.session.remove()
    downgrade(revision="5c1f0a7d2e94")  # (the one before the rating's)
    with db.engine.connect() as connection:
        columns = {c["name"] for c in db.inspect(connection).get_columns("auctions")}
    assert "content_rating" not in columns
    upgrade()
    assert db.session.scalar(select(Auction.content_rating).where(
        Auction.id == auction_id)) == "general"
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE auctions SET content_rating = 'restricted'"))
    db.session.rollback()


# --- who sees an 18+ auction --------------------------------------------------------------------

HTMX = {"HX-Request": "true"}
#: Whether each kind of viewer may see an 18+ auction (ACC-3; its seller and moderators do).
VIEWERS = {"visitor": False, "minor": False, "adult": True, "seller": True, "moderator": True}


@pytest.fixture
def scene(make_member, make_auction, minor, moderator, client_for):
    """An adult seller's open 18+ auction (with a photo), one scheduled to start tomorrow,
    one that has ended, and an open general one; a client for each kind of viewer."""
    seller = make_member(display_name="Seller")
    adult = make_auction(seller=seller, title="ADULTONLY ปลัดขิก", content_rating="adult")
    later = make_auction(seller=seller, title="ADULTLATER ปลัดขิก", content_rating="adult",
                         starts_at=utcnow() + timedelta(days=1))
    ended = make_auction(seller=seller, title="ADULTENDED ปลัดขิก", content_rating="adult")
    ended.starts_at, ended.ends_at = utcnow() - timedelta(days=3), utcnow() - timedelta(hours=1)
    general = make_auction(seller=seller, title="EVERYONE ปลัดขิก")
    key = store_image(jpeg()).key
    db.session.add(AuctionPhoto(auction_id=adult.id, position=0, key=key, width=10,
                                height=10))
    db.session.commit()
    people = {"visitor": None, "minor": minor, "adult": make_member(display_name="Grown"),
              "seller": seller, "moderator": moderator}
    return SimpleNamespace(adult=adult, later=later, ended=ended, general=general, key=key,
                           people=people,
                           clients={name: client_for(user) for name, user in people.items()})


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("url", [
    "/auctions/", "/auctions/?sort=new", "/auctions/?sort=ending&page=1",
    "/auctions/?category={category}", "/auctions/?q=ปลัดขิก", "/auctions/?q=ADULTONLY",
    "/auctions/?q=ปลัดขิก&sort=new&category={category}"])
def test_the_board_and_its_search_show_an_18_plus_auction_only_to_who_may_see_it_acc_3(
        scene, viewer, url):
    """ACC-3, RANK-1: the board, in every sort and category, its search and the fragment it
    answers as one types (htmx), lists an 18+ auction (open, scheduled or ended) only to
    adult members, its seller and moderators; the general one to everyone."""
    url = url.format(category=category_id())
    client = scene.clients[viewer]
    for headers in ({}, HTMX):
        response = client.get(url, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert ("<html" in html) == (not headers)
        # (by the links to them: the search box repeats the words searched for)
        def listed(auction, html=html):
            return f'href="/auctions/{auction.id}"' in html
        assert listed(scene.general) == ("ADULTONLY" not in url), (viewer, url, headers)
        assert listed(scene.adult) == VIEWERS[viewer], (viewer, url, headers)
        assert ("ADULTONLY" in html) == (VIEWERS[viewer] or "q=ADULTONLY" in url)
        if "q=" not in url and "page=" not in url:  # scheduled and ended: the first page
            assert listed(scene.later) == VIEWERS[viewer], (viewer, url, headers)
        if url == "/auctions/" and not headers:  # (ended ones: the page, not the results)
            assert listed(scene.ended) == VIEWERS[viewer], (viewer, url, headers)
        assert (scene.key in html) == VIEWERS[viewer]  # its photo's address


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_18_plus_auctions_page_panel_stream_and_photo_are_404_for_who_may_not_see_it_acc_3(
        scene, viewer):
    """ACC-3, RANK-1: for a visitor or an under-18 member an 18+ auction does not exist, as
    an 18+ listing's page does not: its page, its live panel (without htmx), its stream and
    its photos answer 404; the panel polled under htmx gets the same last word as a missing
    auction's, which names nothing of it. Whoever may see it gets all of them, and the page
    says "18+"."""
    client, auction = scene.clients[viewer], scene.adult
    base = f"/auctions/{auction.id}"
    page = client.get(base)
    photo = client.get(f"/auctions/media/{scene.key}/thumb.jpg")
    panel = client.get(f"{base}/panel")
    polled = client.get(f"{base}/panel", headers=HTMX)
    if VIEWERS[viewer]:
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "ADULTONLY" in html
        assert 'data-content-rating="adult">18+<' in html
        assert photo.status_code == 200 and panel.status_code == 302
        assert polled.status_code == 200
        return
    assert page.status_code == photo.status_code == panel.status_code == 404
    missing = client.get("/auctions/999999/panel", headers=HTMX)
    assert polled.status_code == missing.status_code == 286
    assert "ADULTONLY" not in polled.get_data(as_text=True)
    assert client.get(f"{base}/live").status_code == 404
    general = client.get(f"/auctions/{scene.general.id}").get_data(as_text=True)
    assert "EVERYONE" in general and 'data-content-rating="adult"' not in general


@pytest.mark.parametrize("viewer", ["adult", "seller", "moderator"])
def test_whoever_may_see_an_18_plus_auction_gets_its_live_stream_rank_1(scene, viewer):
    """RANK-1: the stream opens for an adult member, its seller and a moderator."""
    from tests.test_live import open_stream

    stream = open_stream(scene.clients[viewer], scene.adult.id, version=scene.adult.version)
    try:
        assert stream.next_chunk().startswith(": connected")
    finally:
        stream.disconnect()


def test_an_under_18_member_cannot_bid_on_buy_or_watch_an_18_plus_auction_acc_3(scene):
    """ACC-3: bidding, buying now and watching are refused an under-18 member: the routes
    answer 404 as the page does, and the bidding service refuses too (the check beside the
    suspension and staff refusals), so no bid is recorded. An adult member bids."""
    minor, client = scene.people["minor"], scene.clients["minor"]
    auction = scene.adult
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(f"/auctions/{scene.general.id}").get_data(as_text=True))[1]
    for path in ("bid", "buy-now", "watch"):
        response = client.post(f"/auctions/{auction.id}/{path}",
                               data={"csrf_token": token, "amount": "200", "mode": "direct"})
        assert response.status_code == 404, path
    with pytest.raises(BidNotAccepted) as refused:
        bidding.place_bid(auction.id, minor, 20_000, proxy=False, now=utcnow())
    assert "Members under 18 cannot bid on auctions for adults (18+)." in str(
        refused.value.message)
    db.session.rollback()
    with pytest.raises(BidNotAccepted):
        bidding.buy_now(auction.id, minor, now=utcnow())
    db.session.rollback()
    assert db.session.scalar(select(func.count(Bid.id))) == 0
    assert db.session.scalar(select(func.count(AuctionWatch.id))) == 0
    bidding.place_bid(auction.id, scene.people["adult"], 20_000, proxy=False, now=utcnow())
    db.session.commit()
    assert db.session.scalar(select(func.count(Bid.id))) == 1


def test_an_auction_rated_18_plus_after_a_minor_bid_and_watched_leaves_their_lists_acc_3(
        scene):
    """ACC-3: a member under 18 who bid on and watched a general auction that moderators
    then rated 18+ no longer finds it under "My bids" nor in their watchlist."""
    minor, client = scene.people["minor"], scene.clients["minor"]
    auction = scene.general
    bidding.place_bid(auction.id, minor, 20_000, proxy=False, now=utcnow())
    db.session.add(AuctionWatch(user_id=minor.id, auction_id=auction.id, created_at=utcnow()))
    db.session.commit()
    assert "EVERYONE" in client.get("/auctions/mine").get_data(as_text=True)
    db.session.get(Auction, auction.id).content_rating = "adult"
    db.session.commit()
    html = client.get("/auctions/mine").get_data(as_text=True)
    assert "EVERYONE" not in html
    assert client.get(f"/auctions/{auction.id}").status_code == 404


def test_the_seller_finds_their_18_plus_auctions_under_my_auctions_rank_1(scene):
    """RANK-1: the seller always sees their own auctions."""
    html = scene.clients["seller"].get("/auctions/mine").get_data(as_text=True)
    assert "ADULTONLY" in html and "ADULTLATER" in html


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_fake_post_about_an_18_plus_auction_hides_it_from_who_may_not_see_it_acc_3(
        scene, viewer):
    """ACC-3, RANK-1, AUC-5: the public board "Fake reports from auctions" shows a visitor
    and an under-18 member that a post is there, not the 18+ auction's title nor what was
    written about it; adults, the seller and moderators read it in full."""
    post = boards.post("fake-auctions", "ADULTONLY ปลัดขิก", "ADULTONLY reason",
                       target_type="auction", target_id=scene.adult.id, now=utcnow())
    boards.post("fake-auctions", "EVERYONE ปลัดขิก", "EVERYONE reason",
                target_type="auction", target_id=scene.general.id, now=utcnow())
    db.session.commit()
    client = scene.clients[viewer]
    for url in ("/boards/fake-auctions", f"/boards/posts/{post.id}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert ("ADULTONLY" in html) == VIEWERS[viewer], (viewer, url)
        assert ("An auction you may not see" in html) == (not VIEWERS[viewer]), (viewer, url)
    assert "EVERYONE reason" in client.get("/boards/fake-auctions").get_data(as_text=True)


def test_an_18_plus_auction_never_enters_the_visitors_page_cache_acc_3(make_app, make_member):
    """ACC-3: the page cache keeps pages for visitors only; an 18+ auction's page is 404 for
    them, so it is never kept, and the board kept for visitors does not list it, even after
    an adult member has opened both (members' pages are never kept)."""
    from app.blueprints.auctions import lifecycle
    from app.pagecache import page_cache
    from tests.conftest import PASSWORD

    app = make_app(PAGE_CACHE_SECONDS=60)
    with app.app_context():
        seller = make_member()
        auction = lifecycle.create_auction(seller, dict(
            title="ADULTONLY ปลัดขิก", description="", category_id=category_id(),
            starting_price_satang=10_000, min_increment_satang=1_000, duration_days=7,
            content_rating="adult"), now=utcnow())
        db.session.commit()
        url = f"/auctions/{auction.id}"
        member = app.test_client()
        post_form(member, "/login", {"email": seller.email, "password": PASSWORD})
        assert "ADULTONLY" in member.get(url).get_data(as_text=True)
        assert "ADULTONLY" in member.get("/auctions/").get_data(as_text=True)
        for _ in range(2):
            visitor = app.test_client()
            page = visitor.get(url)
            assert page.status_code == 404 and "X-Page-Cache" not in page.headers
            board = visitor.get("/auctions/")
            assert "ADULTONLY" not in board.get_data(as_text=True)
        assert board.headers["X-Page-Cache"] == "hit"
        assert not any("ADULTONLY" in body for body in page_cache().bodies())


# --- moderators change the rating -----------------------------------------------------------

def test_moderators_change_an_auctions_rating_audited_and_the_seller_is_told_rank_1(
        make_member, make_auction, moderator, client_for):
    """RANK-1, MOD-10: a moderator rates a general auction 18+ from its page (as a
    listing's); the change is in the audit log, the seller gets a notice leading to the
    auction, and visitors no longer see it. The seller (not a moderator) cannot change it,
    and a rating auctions do not have is refused."""
    from app.models import AuditEntry, Notification

    seller = make_member(display_name="Seller")
    auction = make_auction(seller=seller, title="EVERYONE ปลัดขิก")
    url, page = f"/auctions/{auction.id}/content-rating", f"/auctions/{auction.id}"
    mod_client, seller_client = client_for(moderator), client_for(seller)
    assert "data-rating-form" in mod_client.get(page).get_data(as_text=True)
    assert "data-rating-form" not in seller_client.get(page).get_data(as_text=True)
    response = post_form(mod_client, url, {"content_rating": "adult"}, form_url=page,
                         follow_redirects=True)
    assert "Who may see this auction has been changed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Auction, auction.id).content_rating == "adult"
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "auction.content_rating"))
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        moderator.id, "auction", auction.id)
    assert "general" in entry.before and "adult" in entry.after
    notice = db.session.scalar(select(Notification).where(
        Notification.kind == "auction_rating_changed"))
    assert (notice.user_id, notice.target_type, notice.target_id) == (
        seller.id, "auction", auction.id)
    html = seller_client.get("/notifications").get_data(as_text=True)
    assert "Moderators changed who may see your auction “EVERYONE ปลัดขิก”: Adults only " \
        "(18+)." in html and f'href="/auctions/{auction.id}"' in html
    assert client_for(None).get(page).status_code == 404
    assert seller_client.get(page).status_code == 200
    refused = post_form(seller_client, url, {"content_rating": "general"}, form_url=page)
    assert refused.status_code == 403
    post_form(mod_client, url, {"content_rating": "restricted"}, form_url=page)
    db.session.expire_all()
    assert db.session.get(Auction, auction.id).content_rating == "adult"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "auction.content_rating")) == 1
    post_form(mod_client, url, {"content_rating": "general"}, form_url=page)
    assert client_for(None).get(page).status_code == 200


def test_an_open_stream_of_a_visitor_ends_when_moderators_rate_the_auction_18_plus_acc_3(
        app, client, make_auction, moderator):
    """ACC-3, AUC-2: a visitor's page opened while the auction was general is told once that
    it is no longer available (its figures go), and its stream ends; its reconnect is
    refused."""
    from app.blueprints.auctions import moderation_services
    from tests.test_live import next_event, open_stream

    auction = make_auction()
    stream = open_stream(client, auction.id, version=auction.version)
    try:
        assert stream.next_chunk().startswith(": connected")
        moderation_services.set_content_rating(auction.id, "adult", now=utcnow(),
                                               moderator=moderator)
        db.session.commit()
        last = next_event(stream)
        assert last is not None and last.startswith("event: update")
        assert "data-price" not in last and "data-hidden" in last
        assert stream.next_chunk() is None, "the stream ended"
    finally:
        stream.disconnect()
    assert client.get(f"/auctions/{auction.id}/live").status_code == 404


def test_rating_an_auction_18_plus_withdraws_the_bids_and_watches_of_members_under_18_acc_3(
        scene, moderator):
    """ACC-3, RANK-1: when moderators rate an open auction 18+, a member under 18 takes no
    further part: their bids are withdrawn (price and leader replayed without them, so their
    maximum cannot win it for them) and their watch removed; they are told without the
    auction's name. An adult's bid and watch stay."""
    from app.blueprints.auctions.moderation_services import set_content_rating
    from app.models import Bid, Notification

    minor, grown = scene.people["minor"], scene.people["adult"]
    auction = scene.general
    bidding.place_bid(auction.id, grown, 20_000, proxy=False, now=utcnow())
    db.session.commit()
    bidding.place_bid(auction.id, minor, 50_000_00, proxy=True, now=utcnow())
    db.session.commit()
    for member in (minor, grown):
        db.session.add(AuctionWatch(user_id=member.id, auction_id=auction.id,
                                    created_at=utcnow()))
    db.session.commit()
    assert db.session.get(Auction, auction.id).leader_id == minor.id

    set_content_rating(auction.id, "adult", now=utcnow(), moderator=moderator)
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Auction, auction.id)
    assert fresh.leader_id == grown.id and fresh.current_price_satang == 20_000
    assert db.session.scalar(select(func.count(Bid.id)).where(
        Bid.auction_id == auction.id, Bid.bidder_id == minor.id)) == 0
    watchers = set(db.session.scalars(select(AuctionWatch.user_id).where(
        AuctionWatch.auction_id == auction.id)))
    assert watchers == {grown.id}
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == minor.id, Notification.kind == "bids_withdrawn_adult"))
    assert notice is not None
    html = scene.clients["minor"].get("/notifications").get_data(as_text=True)
    assert "withdrawn" in html and "EVERYONE" not in html
