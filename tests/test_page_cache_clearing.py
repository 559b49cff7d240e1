"""The pages kept for visitors are dropped in every worker when what visitors may see changes
(RANK-1, ACC-3, CMP-3, MOD-1): after the commit, never on rollback, in the worker that made
the change at once and in the others through the event bus (Redis)."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.blueprints.auctions import lifecycle
from app.blueprints.auctions.moderation_services import set_content_rating
from app.database import utcnow
from app.extensions import db
from app.live.bus import RECONNECTED
from app.models import Auction, User
from app.pagecache import PageCache, page_cache
from app.pagecache_clearing import CHANNEL, hear_clears
from tests.conftest import category_id
from tests.test_live import unique_prefix

pytestmark = pytest.mark.usefixtures("english")

BOARD = "/auctions/"


def new_auction(seller, title="NAMED พระรอด กรุวัดมหาวัน"):
    auction = lifecycle.create_auction(seller, dict(
        title=title, description="", category_id=category_id(), duration_days=7,
        starting_price_satang=10_000, min_increment_satang=1_000), now=utcnow())
    db.session.commit()
    return auction


def keep_board(app):
    """A visitor opens the auction board twice: the second comes from ``app``'s cache."""
    assert app.test_client().get(BOARD).headers["X-Page-Cache"] in ("miss", "hit")
    kept = app.test_client().get(BOARD)
    assert kept.headers["X-Page-Cache"] == "hit"
    return kept.get_data(as_text=True)


def emptied(app, timeout=2.0):
    """True once ``app``'s kept pages are gone (a clear from another worker takes a moment)."""
    deadline = time.monotonic() + timeout
    while len(page_cache(app)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def cached(make_app):
    """An app keeping visitors' pages a minute, without Redis."""
    return make_app(PAGE_CACHE_SECONDS=60)


@pytest.fixture
def workers(make_app, redis_url):
    """Two apps on one Redis, standing for two gunicorn workers (or hosts) of one site."""
    prefix = unique_prefix()
    pair = [make_app(REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=prefix, PAGE_CACHE_SECONDS=60)
            for _ in range(2)]
    yield pair
    for app in pair:
        app.extensions["talat_bus"].close()


# --- in one worker ------------------------------------------------------------------------------

def test_a_moderators_18_plus_rating_drops_the_kept_board_at_once_rank_1_acc_3(
        cached, make_member):
    """RANK-1, ACC-3: the worker that rated the auction 18+ shows visitors a board without
    it on the next request, not a kept copy."""
    with cached.app_context():
        auction = new_auction(make_member())
        moderator = make_member(role="moderator")
        assert "NAMED" in keep_board(cached)
        set_content_rating(auction.id, "adult", now=utcnow(), moderator=moderator)
        db.session.commit()
        assert len(page_cache()) == 0
        board = cached.test_client().get(BOARD)
        assert board.headers["X-Page-Cache"] == "miss"
        assert "NAMED" not in board.get_data(as_text=True)


@pytest.mark.parametrize("change", ["pause", "rate_adult", "fake_sign", "complaint", "rename"])
def test_each_change_of_what_visitors_may_see_drops_the_pages_cmp_3_mod_1(
        cached, make_member, make_listing, change):
    """A seller pausing a listing or rating it 18+ (RANK-1), a FAKE sign (MOD-1), an upheld
    complaint hiding it (CMP-3) and a moderator renaming its seller (ACC-2) each drop the
    visitors' pages after the commit, through the services that make them."""
    from app.blueprints.complaints import handling
    from app.blueprints.moderation import renames, signs
    from app.blueprints.shops import listing_services, pausing
    from tests.complaint_helpers import make_complaint

    with cached.app_context():
        listing = make_listing(title="SHOWN พระสมเด็จ")
        owner, moderator = listing.shop.owner, make_member(role="moderator")
        cached.test_client().get("/search")
        assert len(page_cache()) == 1
        now = utcnow()
        if change == "pause":
            pausing.pause_listing(listing, owner, now=now)
        elif change == "rate_adult":
            listing_services.update_listing(listing, dict(
                title=listing.title, description="", category_id=listing.category_id,
                price_satang=listing.price_satang, quantity=1, condition="good",
                content_rating="adult"), now=now, editor=owner)
        elif change == "fake_sign":
            signs.hang_sign("listing", listing.id, "fake", moderator, "A copy.", now=now)
        elif change == "rename":
            renames.rename_display_name(owner, "Plain Name", "Offensive.", moderator=moderator,
                                        now=now)
        else:
            handling.uphold(make_complaint(listing), moderator, "Counterfeit.", "CMP-3",
                            now=now)
        assert len(page_cache()) == 1  # nothing before the commit
        db.session.commit()
        assert len(page_cache()) == 0


def test_a_change_rolled_back_keeps_the_pages_rank_1(cached, make_member):
    """RANK-1: a rating flushed and then rolled back changed nothing visitors see."""
    with cached.app_context():
        auction = new_auction(make_member())
        keep_board(cached)
        db.session.get(Auction, auction.id).content_rating = "adult"
        db.session.flush()
        db.session.rollback()
        db.session.commit()  # the next transaction's commit runs no clear left over
        assert len(page_cache()) == 1
        assert cached.test_client().get(BOARD).headers["X-Page-Cache"] == "hit"


def test_a_bid_or_a_new_price_keeps_the_pages(cached, make_member, make_listing):
    """Changes that hide nothing (a price, a bid) keep the pages: they show within
    PAGE_CACHE_SECONDS, and the auction page's live panel catches up by itself (AUC-2)."""
    from app.blueprints.auctions import bidding

    with cached.app_context():
        auction, listing = new_auction(make_member()), make_listing()
        bidder = make_member()
        keep_board(cached)
        listing.price_satang += 100
        db.session.commit()
        bidding.place_bid(auction.id, db.session.get(User, bidder.id), 20_000, proxy=False,
                          now=utcnow())
        db.session.commit()
        assert len(page_cache()) == 1


def test_a_listing_selling_out_or_back_in_stock_keeps_the_pages(cached, make_listing):
    """Sold out and on sale are shown to visitors alike (SHOP: the page says which), so a
    sale that sells the last one keeps every worker's pages; a deletion does not (found in
    review: every order that sold a listing out emptied the caches of all workers)."""
    with cached.app_context():
        listing = make_listing()
        keep_board(cached)
        listing.status = "sold_out"
        db.session.commit()
        listing.status = "active"
        db.session.commit()
        assert len(page_cache()) == 1
        listing.status = "deleted"
        db.session.commit()
        assert len(page_cache()) == 0


def test_a_members_own_rename_keeps_the_pages_acc_2(cached, make_member):
    """ACC-2: only a moderator's rename of an inappropriate name drops the pages (tested
    above); a member renaming themselves shows within PAGE_CACHE_SECONDS, or anyone could
    empty every worker's cache by renaming themselves over and over (found in review)."""
    from app.blueprints.accounts import services as account_services

    with cached.app_context():
        member = make_member()
        keep_board(cached)
        account_services.update_profile(member, display_name="New Self Name", locale="th",
                                        now=utcnow())
        db.session.commit()
        assert len(page_cache()) == 1


def test_a_page_drawn_while_the_pages_were_dropped_is_not_kept():
    """A page drawn from what was read before a clear may show what the clear was for: it
    is not kept (the clear's generation)."""
    pages = PageCache()
    generation = pages.generation
    pages.clear()  # another request's change committed meanwhile
    assert not pages.put("k", time.monotonic() + 60, "old", 200, [], generation)
    assert len(pages) == 0
    assert pages.put("k", time.monotonic() + 60, "new", 200, [], pages.generation)


def test_without_redis_another_worker_keeps_its_copy_until_it_expires_rank_1(
        make_app, make_member):
    """RANK-1: without ``REDIS_URL`` the bus stays in its process, so a second worker keeps
    its copy for ``PAGE_CACHE_SECONDS`` at most (README: set REDIS_URL with several
    workers). The worker that made the change drops its own at once."""
    changing, other = make_app(PAGE_CACHE_SECONDS=60), make_app(PAGE_CACHE_SECONDS=60)
    with changing.app_context():
        auction = new_auction(make_member())
        moderator = make_member(role="moderator")
        keep_board(changing)
        keep_board(other)
        set_content_rating(auction.id, "adult", now=utcnow(), moderator=moderator)
        db.session.commit()
        assert len(page_cache(changing)) == 0
        assert len(page_cache(other)) == 1


# --- across workers, through Redis ------------------------------------------------------------

@pytest.mark.redis
def test_an_18_plus_rating_on_one_worker_drops_the_board_kept_by_another_rank_1_acc_3(
        workers, make_member):
    """RANK-1, ACC-3: a moderator rates an auction 18+ on one worker; the board a second
    worker kept for visitors, naming it, is dropped through Redis well within a second."""
    rating, serving = workers
    with rating.app_context():
        auction = new_auction(make_member())
        moderator = make_member(role="moderator")
        assert "NAMED" in keep_board(serving)
        set_content_rating(auction.id, "adult", now=utcnow(), moderator=moderator)
        db.session.commit()
        started = time.monotonic()
        assert emptied(serving), "the other worker still keeps the board"
        assert time.monotonic() - started < 1.0
        board = serving.test_client().get(BOARD)
        assert board.headers["X-Page-Cache"] == "miss"
        assert "NAMED" not in board.get_data(as_text=True)


#: A worker of its own: keeps the board for visitors, says so, then says whether its copy was
#: dropped within ten seconds.
OTHER_PROCESS = """
import sys, time
from app import create_app
from app.config import TestConfig
from app.pagecache import page_cache

url, redis_url, prefix = sys.argv[1:4]
app = create_app(TestConfig(url, REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=prefix,
                            PAGE_CACHE_SECONDS=60))
client = app.test_client()
client.get("/auctions/")
page = client.get("/auctions/")
print("kept" if page.headers["X-Page-Cache"] == "hit" and "NAMED" in page.get_data(as_text=True)
      else "not kept", flush=True)
deadline = time.monotonic() + 10
while len(page_cache(app)) and time.monotonic() < deadline:
    time.sleep(0.01)
print("still kept" if len(page_cache(app)) else "dropped", flush=True)
app.extensions["talat_bus"].close()
"""


@pytest.mark.redis
def test_a_rating_drops_the_board_kept_by_another_process_rank_1_acc_3(
        make_app, make_member, redis_url, database_url):
    """RANK-1, ACC-3: as with gunicorn's workers, the board is kept by another process,
    which hears the clear only through Redis."""
    prefix = unique_prefix()
    rating = make_app(REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=prefix)
    with rating.app_context():
        auction = new_auction(make_member())
        moderator = make_member(role="moderator")
        other = subprocess.Popen(
            [sys.executable, "-c", OTHER_PROCESS, database_url, redis_url, prefix],
            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
        try:
            assert other.stdout.readline().strip() == "kept"
            set_content_rating(auction.id, "adult", now=utcnow(), moderator=moderator)
            db.session.commit()
            assert other.stdout.readline().strip() == "dropped"
            assert other.wait(timeout=30) == 0
        finally:
            if other.poll() is None:
                other.kill()
            rating.extensions["talat_bus"].close()


@pytest.mark.redis
def test_a_complaint_hiding_an_auction_on_one_worker_drops_its_page_on_another_cmp_3(
        workers, make_member):
    """CMP-3: an upheld complaint suspends an auction's publication on one worker; the page
    another worker kept for visitors goes too, and visitors get its "not found"."""
    from app.blueprints.complaints import handling
    from tests.complaint_helpers import make_complaint

    upholding, serving = workers
    with upholding.app_context():
        auction = new_auction(make_member())
        moderator = make_member(role="moderator")
        url = f"/auctions/{auction.id}"
        serving.test_client().get(url)
        assert serving.test_client().get(url).headers["X-Page-Cache"] == "hit"
        handling.uphold(make_complaint(auction), moderator, "Counterfeit.", "CMP-3",
                        now=utcnow())
        db.session.commit()
        assert emptied(serving)
        assert serving.test_client().get(url).status_code == 404


@pytest.mark.redis
def test_a_change_rolled_back_on_one_worker_clears_nothing_anywhere_rank_1(
        workers, make_member):
    """RANK-1: a rating flushed and rolled back publishes no clear. Redis delivers one
    publisher's messages in order, so once a later marker has reached the other worker, a
    clear sent before it would have too."""
    changing, serving = workers
    with changing.app_context():
        auction = new_auction(make_member())
        keep_board(changing)
        keep_board(serving)
        marker = serving.extensions["talat_bus"].subscribe("test:marker")
        try:
            db.session.get(Auction, auction.id).content_rating = "adult"
            db.session.flush()
            db.session.rollback()
            db.session.commit()
            changing.extensions["talat_bus"].publish("test:marker", {"after": "rollback"})
            assert marker.get(timeout=5) == {"after": "rollback"}
        finally:
            marker.close()
        assert len(page_cache(serving)) == 1 and len(page_cache(changing)) == 1
        assert db.session.scalar(select(Auction.content_rating)) == "general"


@pytest.mark.redis
def test_a_worker_that_lost_redis_drops_its_pages_when_it_is_back_rank_1(workers):
    """RANK-1: clears sent while a worker's Redis listener was cut off never reach it; when
    its listener is back (the bus says so in its process) it drops what it kept."""
    serving = workers[1]
    with serving.app_context():
        keep_board(serving)
        serving.extensions["talat_bus"].hub.dispatch(RECONNECTED, {})
        assert len(page_cache(serving)) == 0


@pytest.mark.redis
def test_a_worker_listens_once_whatever_it_serves(workers):
    """One listener per channel and process, however many visitors' pages it serves."""
    serving = workers[1]
    with serving.app_context():
        for _ in range(3):
            serving.test_client().get(BOARD)
        hear_clears(serving)
        hub = serving.extensions["talat_bus"].hub
        assert hub.count(CHANNEL) == 1 and hub.count(RECONNECTED) == 1

