"""Watching, following and the ranking lists (RANK-2)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.shops import activity, rankings
from app.database import utcnow
from app.extensions import db
from app.i18n import bangkok_today
from app.models import Follow, ListingActivity, Watch
from tests.conftest import post_form


def add_activity(listing, days_ago=0, views=0, watch_adds=0, sales=0):
    day = bangkok_today(utcnow()) - timedelta(days=days_ago)
    db.session.add(ListingActivity(listing_id=listing.id, day=day, views=views,
                                   watch_adds=watch_adds, sales=sales))
    db.session.commit()


def titles(key, viewer=None):
    from flask_login import AnonymousUserMixin

    return [item.title for item in rankings.ranked(key, viewer or AnonymousUserMixin(), utcnow())]


def test_member_watches_a_listing_and_it_counts_as_a_watch_add_rank_2(client, make_member,
                                                                      make_listing, login):
    listing = make_listing()
    login(make_member().email)
    response = post_form(client, f"/listings/{listing.id}/watch", {},
                         form_url=f"/listings/{listing.id}", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert db.session.scalar(select(Watch.listing_id)) == listing.id
    assert db.session.scalar(select(ListingActivity.watch_adds)) == 1
    assert listing.title in client.get("/watchlist").get_data(as_text=True)
    post_form(client, f"/listings/{listing.id}/watch", {}, form_url=f"/listings/{listing.id}")
    assert db.session.scalar(select(Watch.id)) is None


def test_watching_again_and_again_counts_once_rank_2(make_member, make_listing, client_for):
    """Found in review: one member toggling the watch button 136 times pushed a listing to the
    top of Hits and Rising. A member's watch of a listing counts once; another member's
    counts too."""
    listing = make_listing()
    url = f"/listings/{listing.id}"
    client = client_for(make_member())
    for _ in range(6):
        post_form(client, f"{url}/watch", {}, form_url=url)
    assert db.session.scalar(select(Watch.id)) is None  # an even number of toggles
    db.session.expire_all()
    assert db.session.scalar(select(ListingActivity.watch_adds)) == 1
    post_form(client_for(make_member()), f"{url}/watch", {}, form_url=url)
    db.session.expire_all()
    assert db.session.scalar(select(ListingActivity.watch_adds)) == 2


def test_the_shops_own_people_watching_do_not_count_rank_2(make_member, make_shop,
                                                            make_listing, client_for):
    """RANK-2 (found in review): the shop's owner or staff watching its listing pushed it up
    Hits and Rising, though their views are not counted; their watches are not either."""
    from app.models import ShopStaff

    owner = make_member()
    shop = make_shop(owner=owner)
    helper = make_member()
    db.session.add(ShopStaff(shop_id=shop.id, user_id=helper.id))
    db.session.commit()
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}"
    for member in (owner, helper):
        post_form(client_for(member), f"{url}/watch", {}, form_url=url)
    assert len(db.session.scalars(select(Watch.id)).all()) == 2  # they may still watch it
    db.session.expire_all()
    assert (db.session.scalar(select(ListingActivity.watch_adds)) or 0) == 0
    post_form(client_for(make_member()), f"{url}/watch", {}, form_url=url)
    db.session.expire_all()
    assert db.session.scalar(select(ListingActivity.watch_adds)) == 1


def test_member_follows_a_shop(client, make_member, make_shop, login):
    shop = make_shop(name="ร้านที่ติดตาม")
    login(make_member().email)
    post_form(client, f"/shops/{shop.slug}/follow", {}, form_url=f"/shops/{shop.slug}")
    assert db.session.scalar(select(Follow.shop_id)) == shop.id
    assert "ร้านที่ติดตาม" in client.get("/watchlist").get_data(as_text=True)


def test_watching_needs_login(client, make_listing):
    listing = make_listing()
    assert client.post(f"/listings/{listing.id}/watch").status_code in (302, 400)


BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"


def view(client, listing, ip="203.0.113.7", agent=BROWSER, method="get"):
    return getattr(client, method)(f"/listings/{listing.id}", headers={"User-Agent": agent},
                                   environ_base={"REMOTE_ADDR": ip})


def counted_views(listing):
    db.session.commit()  # (a new snapshot on SQLite too)
    return db.session.scalar(select(ListingActivity.views).where(
        ListingActivity.listing_id == listing.id)) or 0


def test_views_are_counted_in_batches_without_a_write_per_page_rank_2(app, client,
                                                                      make_listing, monkeypatch):
    """RANK-2: counting a view must not slow the page: views gather in memory and are
    written in one batch."""
    monkeypatch.setattr(activity, "FLUSH_SECONDS", 3600)
    listing = make_listing()
    for n in range(5):
        view(client, listing, ip=f"203.0.113.{n}")
    assert db.session.scalar(select(ListingActivity.views)) is None  # nothing written yet
    assert activity.views.flush(db.engine) == 1
    db.session.commit()
    assert db.session.scalar(select(ListingActivity.views)) == 5


def test_a_view_counts_once_a_viewer_a_day_rank_2(app, client, make_listing, make_member,
                                                  client_for, monkeypatch):
    """Found in review: every reload counted as a view, so one visitor could push a listing up
    Hits and Rising by reloading it. A view now counts once a viewer (a member; else a
    visitor's address and browser) a listing a Bangkok day, across batches and processes;
    the shop's own people, crawlers and HEAD requests are not counted."""
    monkeypatch.setattr(activity, "FLUSH_SECONDS", 3600)
    listing, other = make_listing(title="ชิ้นที่หนึ่ง"), make_listing(title="ชิ้นที่สอง")
    for _ in range(4):
        view(client, listing)
    view(client, other)
    activity.views.flush(db.engine)
    assert (counted_views(listing), counted_views(other)) == (1, 1)
    view(client, listing)  # a later batch (or another process): seen already today
    view(client, listing, agent=BROWSER + " Edg/131")  # another browser at that address
    view(client, listing, ip="198.51.100.9")  # another address
    member = client_for(make_member())
    for _ in range(3):
        view(member, listing, ip="198.51.100.10")
        view(member, listing, ip="198.51.100.11")  # a member is one viewer wherever they are
    owner = client_for(db.session.get(type(listing.shop.owner), listing.shop.owner_id))
    view(owner, listing)
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "facebookexternalhit/1.1",
                  "", "python-requests/2.32"):
        view(client, listing, ip="192.0.2.50", agent=agent)
    view(client, listing, ip="192.0.2.51", method="head")
    activity.views.flush(db.engine)
    assert counted_views(listing) == 4

    # The next Bangkok day, the same viewer counts again.
    tomorrow = utcnow() + timedelta(days=1)
    with app.test_request_context():
        key = activity.viewer_key(None, "203.0.113.7", BROWSER, bangkok_today(tomorrow))
    activity.views.add(listing.id, tomorrow, key)
    activity.views.flush(db.engine)
    db.session.commit()  # (a new snapshot on SQLite too)
    assert db.session.scalar(select(ListingActivity.views).where(
        ListingActivity.day == bangkok_today(tomorrow))) == 1


def test_phones_are_not_taken_for_crawlers_rank_2(app):
    """Found in review: any browser whose name held "bot" went uncounted, such as CUBOT
    phones."""
    for browser in ("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, "
                    "like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36", BROWSER,
                    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1 Line/14.9.0"):
        assert not activity.is_crawler(browser), browser
    for crawler in ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
                    "facebookexternalhit/1.1", "Twitterbot/1.0", "WhatsApp/2.23.20.0 A",
                    "TelegramBot (like TwitterBot)", "Slackbot-LinkExpanding 1.0",
                    "python-requests/2.32.3", "curl/8.5.0", ""):
        assert activity.is_crawler(crawler), crawler


def test_who_viewed_is_kept_as_a_hash_and_forgotten_after_a_day_rank_2(app, client,
                                                                       make_listing):
    from app.jobs import run_jobs
    from app.models import ViewSeen

    listing = make_listing()
    view(client, listing, ip="203.0.113.7")
    activity.views.flush(db.engine)
    seen = db.session.scalars(select(ViewSeen)).all()
    assert len(seen) == 1 and "203.0.113.7" not in seen[0].viewer
    assert len(seen[0].viewer) == 32
    today = bangkok_today(utcnow())
    for days in (1, 2, 5):
        db.session.add(ViewSeen(listing_id=listing.id, day=today - timedelta(days=days),
                                viewer=f"{days:032d}"))
    db.session.commit()
    run_jobs(app, ["purge-views-seen"], echo=lambda line: None)
    db.session.commit()  # (a new snapshot on SQLite too)
    assert sorted(s.day for s in db.session.scalars(select(ViewSeen))) == [
        today - timedelta(days=1), today]


def test_a_due_batch_is_written_after_the_response_rank_2(app, client, make_listing,
                                                          monkeypatch):
    monkeypatch.setattr(activity, "FLUSH_SECONDS", 0)
    listing = make_listing()
    response = view(client, listing)
    response.close()
    db.session.commit()
    assert db.session.scalar(select(ListingActivity.views)) == 1


def test_hits_rank_by_sales_watch_adds_and_views_in_the_window_rank_2(app, make_listing):
    seller_a, seller_b, seller_c = (make_listing(title=t) for t in ("A sold", "B watched",
                                                                    "C old views"))
    add_activity(seller_a, sales=2)                  # 20
    add_activity(seller_b, watch_adds=5, views=3)    # 18
    add_activity(seller_c, days_ago=5, views=100)    # outside the 3-day window
    assert titles("hits") == ["A sold", "B watched"]
    assert titles("weekly") == ["C old views", "A sold", "B watched"]
    assert titles("best-sellers") == ["A sold"]


def test_rising_only_counts_recently_listed_items_rank_2(app, make_listing):
    fresh = make_listing(title="Fresh")
    old = make_listing(title="Old", created_at=utcnow() - timedelta(days=30))
    add_activity(fresh, views=1)
    add_activity(old, views=50)
    assert titles("rising") == ["Fresh"]
    assert titles("hits") == ["Old", "Fresh"]


def test_new_updated_and_completed_lists_rank_2(app, make_listing):
    now = utcnow()
    first = make_listing(title="First", created_at=now - timedelta(hours=2),
                         updated_at=now - timedelta(minutes=1))
    make_listing(title="Second", created_at=now - timedelta(hours=1),
                 updated_at=now - timedelta(hours=1))
    make_listing(title="Sold", status="sold_out", quantity=0, sold_out_at=now)
    assert titles("new") == ["Second", "First"]
    assert titles("updated") == ["First", "Second"]
    assert titles("completed") == ["Sold"]
    assert first.id


def test_rankings_never_show_adult_listings_to_visitors_rank_1_rank_2(app, make_listing):
    adult = make_listing(title="Adult item", content_rating="adult")
    add_activity(adult, views=10)
    assert titles("hits") == []
    assert titles("new") == []


@pytest.mark.parametrize("key", [r.key for r in rankings.RANKINGS])
def test_every_list_says_how_it_is_ranked_rank_2(app, client, key):
    client.set_cookie("lang", "en")
    html = client.get(f"/rankings?list={key}").get_data(as_text=True)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        how = str(rankings.BY_KEY[key].how)
    from markupsafe import escape

    assert str(escape(how)) in html
    fragment = client.get(f"/rankings?list={key}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_unknown_ranking_is_404(client):
    assert client.get("/rankings?list=nope").status_code == 404


def test_the_watchlist_loads_its_photos_in_a_fixed_number_of_queries_rank_2(
        make_member, make_listing, client_for):
    """Found in review: the watchlist read each card's photos with a query of its own (one a
    watched listing); 8 watched listings cost the same queries as 2."""
    from sqlalchemy import event

    from app.models import ListingPhoto

    member = make_member()
    client = client_for(member)

    def queries_with(n):
        for k in range(n):
            listing = make_listing(title=f"พระเครื่อง {n}-{k}")
            db.session.add(ListingPhoto(listing_id=listing.id, position=0, key=f"k{n}x{k}",
                                        width=10, height=10, created_at=utcnow()))
            db.session.add(Watch(user_id=member.id, listing_id=listing.id, created_at=utcnow()))
        db.session.commit()
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            html = client.get("/watchlist").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert f"/media/k{n}x{n - 1}/thumb.jpg" in html
        return len(seen)

    small = queries_with(2)
    assert queries_with(6) == small  # 8 listings watched now
