"""Short page caching for visitors who are not logged in: fast for crowds, never wrong for
anyone."""
import pytest

from tests.conftest import csrf_from, post_form


@pytest.fixture
def cached_app(make_app):
    return make_app(PAGE_CACHE_SECONDS=60)


def test_second_visitor_gets_the_kept_page(cached_app, make_shop):
    with cached_app.app_context():
        make_shop(name="ร้านแคช")
    first, second = cached_app.test_client(), cached_app.test_client()
    assert first.get("/shops").headers["X-Page-Cache"] == "miss"
    response = second.get("/shops")
    assert response.headers["X-Page-Cache"] == "hit"
    assert "ร้านแคช" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_each_visitor_gets_their_own_csrf_token_and_it_works(cached_app):
    first, second = cached_app.test_client(), cached_app.test_client()
    token_one = csrf_from(first.get("/").get_data(as_text=True))
    page = second.get("/")
    assert page.headers["X-Page-Cache"] == "hit"
    token_two = csrf_from(page.get_data(as_text=True))
    assert token_one != token_two
    response = second.post("/language", data={"csrf_token": token_two, "lang": "en",
                                              "next": "/"})
    assert response.status_code == 302


def test_languages_and_fragments_are_kept_apart(cached_app):
    client = cached_app.test_client()
    client.get("/search")
    client.set_cookie("lang", "en")
    english = client.get("/search")
    assert english.headers["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.get_data(as_text=True)
    fragment = client.get("/search", headers={"HX-Request": "true"})
    assert fragment.headers["X-Page-Cache"] == "miss"
    assert "<html" not in fragment.get_data(as_text=True)


def test_members_always_get_fresh_pages(cached_app, make_member, login):
    with cached_app.app_context():
        email = make_member(display_name="Fresh Member").email
    cached_app.test_client().get("/")
    client = cached_app.test_client()
    login(email, target=client)
    response = client.get("/")
    assert "X-Page-Cache" not in response.headers
    assert "Fresh Member" in response.get_data(as_text=True)


def test_a_page_with_a_flashed_message_is_not_kept(cached_app, make_member, login):
    with cached_app.app_context():
        email = make_member().email
    client = cached_app.test_client()
    login(email, target=client)
    post_form(client, "/logout", {}, form_url="/account")  # flashes "You are logged out."
    shown = client.get("/")
    assert "X-Page-Cache" not in shown.headers
    assert cached_app.test_client().get("/").headers["X-Page-Cache"] == "miss"


def test_a_kept_auction_page_catches_up_through_its_live_panel_auc_2(cached_app, make_member):
    """AUC-2 with the visitors' cache: a kept auction page carries the version it was
    rendered at, so its live stream sends the current state at once after a newer bid
    (that the stream does so is tested in tests/test_live.py)."""
    from app.blueprints.auctions import bidding, lifecycle
    from app.database import utcnow
    from app.extensions import db
    from tests.conftest import category_id

    with cached_app.app_context():
        seller, bidder = make_member(), make_member()
        auction = lifecycle.create_auction(seller, dict(
            title="พระรอด กรุวัดมหาวัน", category_id=category_id(), duration_days=3,
            starting_price_satang=10_000, min_increment_satang=1_000), now=utcnow())
        db.session.commit()
        auction_id, bidder_id = auction.id, bidder.id
    url = f"/auctions/{auction_id}"
    first = cached_app.test_client().get(url)
    assert first.headers["X-Page-Cache"] == "miss" and f"{url}/live?v=0" in first.get_data(
        as_text=True)
    with cached_app.app_context():
        from app.models import User

        bidding.place_bid(auction_id, db.session.get(User, bidder_id), 20_000,
                          proxy=False, now=utcnow())
        db.session.commit()
    kept = cached_app.test_client().get(url)
    assert kept.headers["X-Page-Cache"] == "hit" and f"{url}/live?v=0" in kept.get_data(
        as_text=True)
    # The stream answering ?v=0 with the current panel at once: tests/test_live.py.


def test_a_kept_auction_page_tells_the_servers_clock_as_it_is_sent_auc_2(cached_app,
                                                                        make_member):
    """AUC-2: the countdown sets its clock by the page's server-time mark; a kept page carried
    the moment it was rendered, putting a visitor's countdown up to the cache's age fast."""
    import re
    import time
    from datetime import datetime, timedelta

    from app.blueprints.auctions import lifecycle
    from app.database import utcnow
    from app.extensions import db
    from tests.conftest import category_id

    with cached_app.app_context():
        auction = lifecycle.create_auction(make_member(), dict(
            title="พระรอด กรุวัดมหาวัน", category_id=category_id(), duration_days=3,
            starting_price_satang=10_000, min_increment_satang=1_000), now=utcnow())
        db.session.commit()
        url = f"/auctions/{auction.id}"

    def mark(response):
        found = re.findall(r'data-server-now="([^"]+)"', response.get_data(as_text=True))
        assert found and "\x00" not in response.get_data(as_text=True)
        return datetime.fromisoformat(found[-1])

    first = cached_app.test_client().get(url)
    time.sleep(0.3)
    kept = cached_app.test_client().get(url)
    assert (first.headers["X-Page-Cache"], kept.headers["X-Page-Cache"]) == ("miss", "hit")
    assert mark(kept) - mark(first) >= timedelta(seconds=0.25)
