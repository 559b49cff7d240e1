"""Live auction pages (AUC-2): the event bus (in-process and Redis, across processes), the SSE
stream (ping at once, the rendered panel after a bid, catching up on a stale version, letting
go of its subscription, the per-process cap) and the polled panel fragment."""
import queue
import threading
import time
import uuid

import pytest
from flask.testing import FlaskClient

from app.blueprints.auctions import auction_views, bidding, lifecycle, panel
from app.database import utcnow
from app.extensions import db
from app.live.bus import InProcessBus, RedisBus
from app.models import Auction, Category, User

BAHT = 100
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_panels():
    """Rendered panels are cached by auction id and version, which repeat from test to test
    once the tables are emptied."""
    panel.clear_cache()
    auction_views.clear_shared_panels()
    yield
    panel.clear_cache()
    auction_views.clear_shared_panels()


def unique_prefix():
    """Channels of this test only: pub/sub is shared by everyone using the Redis server."""
    return f"talat-test-{uuid.uuid4().hex}:"


@pytest.fixture
def make_auction(make_member):
    """An open auction started through the service: ฿100 start, ฿10 steps, 7 days."""

    def _make(seller=None):
        return new_auction(seller or make_member())

    return _make


def new_auction(seller, title="พระสมเด็จวัดระฆัง พิมพ์ใหญ่"):
    """An open auction of ``seller``'s, started through the service and committed: ฿100
    start, ฿10 steps, 7 days."""
    category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
    auction = lifecycle.create_auction(seller, dict(
        title=title, description="", category_id=category,
        starting_price_satang=100 * BAHT, min_increment_satang=10 * BAHT,
        duration_days=7), now=utcnow())
    db.session.commit()
    return auction


def bid(auction_id, bidder, baht):
    """A direct bid through the service, committed (so the event is published)."""
    bidding.place_bid(auction_id, bidder, baht * BAHT, proxy=False, now=utcnow())
    db.session.commit()


class StreamReader:
    """Opens and reads a streamed response in a thread of its own, as a gunicorn thread does
    (the request context lives in that thread), so a test can wait for the next event with a
    timeout while it bids from the main thread."""

    def __init__(self, client, url):
        self.chunks = queue.Queue()
        self._stop = threading.Event()
        self._opened = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(client, url), daemon=True)
        self._thread.start()
        self.response = self._opened.get(timeout=10)
        if isinstance(self.response, BaseException):
            raise self.response

    def _read(self, client, url):
        try:
            response = FlaskClient.open(client, url, buffered=False)
        except BaseException as error:  # noqa: BLE001 (reported to the test)
            self._opened.put(error)
            return
        self._opened.put(response)
        try:
            for chunk in response.response:
                self.chunks.put(chunk.decode())
                if self._stop.is_set():
                    break
            else:
                self.chunks.put(None)
        except Exception as error:  # noqa: BLE001 (reported to the test)
            self.chunks.put(error)
        finally:
            response.close()

    def next_chunk(self, timeout=5.0):
        chunk = self.chunks.get(timeout=timeout)
        if isinstance(chunk, Exception):
            raise chunk
        return chunk

    def next_update(self, timeout=5.0):
        """The data of the next ``update`` event, skipping pings."""
        deadline = time.monotonic() + timeout
        while True:
            chunk = self.next_chunk(max(0.01, deadline - time.monotonic()))
            assert chunk is not None, "the stream ended"
            if chunk.startswith("event: update"):
                return "".join(line[len("data: "):] + "\n" for line in chunk.splitlines()
                               if line.startswith("data: "))

    def disconnect(self):
        """What the server sees when the browser goes: the response is closed (after the
        next ping lets the reader look up)."""
        self._stop.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive()


def open_stream(client, auction_id, version=None):
    url = f"/auctions/{auction_id}/live" + (f"?v={version}" if version is not None else "")
    stream = StreamReader(client, url)
    assert stream.response.status_code == 200
    assert stream.response.mimetype == "text/event-stream"
    return stream


# The bus ------------------------------------------------------------------------------------

def wait_for(subscription, timeout=5.0):
    message = subscription.get(timeout=timeout)
    assert message is not None, "no event arrived"
    return message


def test_in_process_bus_delivers_to_each_subscriber_of_the_channel_auc_2():
    """Every subscriber of a channel gets the event; other channels hear nothing."""
    bus = InProcessBus()
    first, second = bus.subscribe("auction:1"), bus.subscribe("auction:1")
    other = bus.subscribe("auction:2")
    bus.publish("auction:1", {"version": 3})
    assert wait_for(first) == {"version": 3}
    assert wait_for(second) == {"version": 3}
    assert other.get(timeout=0.05) is None
    for subscription in (first, second, other):
        subscription.close()
    assert bus.hub.count() == 0


def test_a_busy_subscriber_gets_only_the_latest_event_auc_2():
    """A page re-renders the current state, so events that pile up coalesce into the newest."""
    bus = InProcessBus()
    subscription = bus.subscribe("auction:1")
    for version in (1, 2, 3):
        bus.publish("auction:1", {"version": version})
    assert wait_for(subscription) == {"version": 3}
    assert subscription.get(timeout=0.05) is None
    subscription.close()


@pytest.mark.redis
def test_redis_bus_delivers_to_subscribers_auc_2(redis_url):
    """With Redis, a subscriber of the publishing process gets the event through Redis."""
    bus = RedisBus(redis_url, prefix=unique_prefix())
    try:
        subscription = bus.subscribe("auction:7")
        bus.publish("auction:7", {"version": 1, "leader": 5})
        assert wait_for(subscription) == {"version": 1, "leader": 5}
        subscription.close()
    finally:
        bus.close()


@pytest.mark.redis
def test_two_processes_on_redis_see_each_others_events_auc_2(redis_url):
    """Two buses stand for two gunicorn workers: an event published by either reaches the
    subscribers of both, each through its one listener connection."""
    prefix = unique_prefix()
    worker_a, worker_b = RedisBus(redis_url, prefix=prefix), RedisBus(redis_url, prefix=prefix)
    try:
        on_a = [worker_a.subscribe("auction:9") for _ in range(3)]
        on_b = worker_b.subscribe("auction:9")
        worker_a.publish("auction:9", {"version": 1})
        assert wait_for(on_b) == {"version": 1}
        assert all(wait_for(s) == {"version": 1} for s in on_a)
        worker_b.publish("auction:9", {"version": 2})
        assert wait_for(on_a[0]) == {"version": 2}
        assert wait_for(on_b) == {"version": 2}
        stranger = RedisBus(redis_url, prefix=unique_prefix())  # another site on this Redis
        try:
            heard = stranger.subscribe("auction:9")
            worker_a.publish("auction:9", {"version": 3})
            assert wait_for(on_b) == {"version": 3}
            assert heard.get(timeout=0.3) is None
        finally:
            stranger.close()
    finally:
        worker_a.close()
        worker_b.close()


# The SSE stream and the panel -----------------------------------------------------------------

def test_live_stream_pings_at_once_then_sends_the_panel_after_a_bid_auc_2(
        app, client, make_member, make_auction):
    """The stream opens with a comment (proxies flush it), then an ``update`` event carrying
    the rendered panel with the new price follows a committed bid."""
    auction = make_auction()
    bidder = make_member(display_name="Somchai")
    stream = open_stream(client, auction.id, version=auction.version)
    try:
        assert stream.next_chunk().startswith(": connected")
        started = time.monotonic()
        bid(auction.id, bidder, 150)
        panel = stream.next_update()
        assert time.monotonic() - started < 1.0
        assert "฿150" in panel and "data-price" in panel
        assert "<html" not in panel
    finally:
        stream.disconnect()


def test_live_stream_pings_while_nothing_happens_auc_2(app, client, make_auction):
    """With no bids the stream keeps talking (``LIVE_PING_SECONDS``, 1 s in tests)."""
    auction = make_auction()
    stream = open_stream(client, auction.id, version=auction.version)
    try:
        assert stream.next_chunk().startswith(": connected")
        assert stream.next_chunk(timeout=3) == ": ping\n\n"
    finally:
        stream.disconnect()


def test_stale_version_gets_an_update_at_once_auc_2(app, client, make_member, make_auction):
    """A page rendered before the latest bid (``?v=`` older than the auction's version) is
    brought up to date as soon as its stream opens."""
    auction = make_auction()
    seen = auction.version
    bid(auction.id, make_member(), 120)
    stream = open_stream(client, auction.id, version=seen)
    try:
        assert stream.next_chunk().startswith(": connected")
        assert "฿120" in stream.next_update(timeout=2)
    finally:
        stream.disconnect()


def test_a_kept_panel_carries_the_servers_clock_when_sent_not_when_rendered_auc_2(
        app, client, make_member, make_auction):
    """AUC-2 / AUC-7, found in review: the panel streams share was kept with the server's
    clock of the moment it was rendered, so a page reconnecting minutes later (with the
    version it was loaded at) set its countdown minutes fast, even past the end. A kept panel
    is now stamped as it leaves, and one rendered before the end is not the panel after it."""
    import re
    from datetime import datetime, timedelta

    auction = make_auction()
    seen = auction.version
    bid(auction.id, make_member(), 120)
    version = db.session.get(Auction, auction.id, populate_existing=True).version

    def mark(html):
        return datetime.fromisoformat(re.search(r'data-server-now="([^"]+)"', html).group(1))

    first = auction_views.shared_panel(auction.id, version, None, False)
    time.sleep(0.3)
    again = auction_views.shared_panel(auction.id, version, None, False)
    assert "\x00" not in again and mark(again) - mark(first) >= timedelta(seconds=0.25)
    stream = open_stream(client, auction.id, version=seen)
    try:
        assert stream.next_chunk().startswith(": connected")
        update = stream.next_update(timeout=2)
        assert abs(mark(update) - utcnow()) < timedelta(seconds=2) and "฿120" in update
    finally:
        stream.disconnect()

    # The clock reaches the end with no change made (no new version): the kept open panel
    # is not sent for it.
    db.session.get(Auction, auction.id).ends_at = utcnow() + timedelta(seconds=1)
    db.session.commit()
    auction_views.clear_shared_panels()
    before_end = auction_views.shared_panel(auction.id, version, None, False)
    assert 'data-phase="open"' in before_end
    time.sleep(1.2)
    after_end = auction_views.shared_panel(auction.id, version, None, False)
    assert 'data-phase="ended"' in after_end


def test_stream_lets_go_of_its_subscription_and_slot_on_disconnect_auc_2(
        app, client, make_auction):
    """When the browser goes away, the stream unsubscribes and frees its slot."""
    auction = make_auction()
    hub = app.extensions["talat_bus"].hub
    slots = app.extensions["talat_stream_slots"]
    stream = open_stream(client, auction.id, version=auction.version)
    assert stream.next_chunk().startswith(": connected")
    assert hub.count(f"auction:{auction.id}") == 1
    assert slots.open == 1
    stream.disconnect()
    assert hub.count() == 0
    assert slots.open == 0


def test_streams_above_the_cap_are_told_to_poll_auc_2(make_app, make_member):
    """Past ``LIVE_MAX_STREAMS`` open streams in a process, ``/live`` answers 204 at once (the
    page keeps polling the panel); a freed slot serves the next page."""
    app = make_app(LIVE_MAX_STREAMS=1)
    with app.app_context():
        auction = new_auction(make_member(), "พระรอด")
        client = app.test_client()
        first = open_stream(client, auction.id)
        assert first.next_chunk().startswith(": connected")
        started = time.monotonic()
        refused = client.get(f"/auctions/{auction.id}/live")
        assert refused.status_code == 204
        assert time.monotonic() - started < 0.5
        first.disconnect()
        again = open_stream(client, auction.id)
        assert again.next_chunk().startswith(": connected")
        again.disconnect()


def test_live_stream_of_a_missing_auction_is_404_and_frees_its_slot_auc_2(app, client):
    """A stream that fails before streaming gives its slot back."""
    assert client.get("/auctions/999999/live").status_code == 404
    assert app.extensions["talat_stream_slots"].open == 0


def test_panel_is_a_fragment_under_htmx_and_a_redirect_otherwise_auc_2(
        app, client, make_member, make_auction):
    """The polled panel: a fragment (never a whole page) with the current price for htmx,
    not cached, varying on HX-Request; a plain visit goes to the auction's page."""
    auction = make_auction()
    bid(auction.id, make_member(), 130)
    fragment = client.get(f"/auctions/{auction.id}/panel", headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "<body" not in html
    assert "฿130" in html and "data-countdown" in html and "data-server-now" in html
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in fragment.headers["Vary"]
    plain = client.get(f"/auctions/{auction.id}/panel")
    assert plain.status_code == 302
    assert plain.headers["Location"].endswith(f"/auctions/{auction.id}")


@pytest.mark.redis
def test_bid_on_one_worker_reaches_a_stream_on_another_through_redis_auc_2(
        make_app, make_member, redis_url):
    """Two apps on Redis stand for two gunicorn workers: a bid committed on one reaches the
    page whose stream is held by the other, well within a second."""
    prefix = unique_prefix()
    streaming = make_app(REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=prefix)
    bidding_app = make_app(REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=prefix)
    try:
        with bidding_app.app_context():
            category = db.session.scalar(
                db.select(Category.id).where(Category.slug == "phra-somdet"))
            auction = lifecycle.create_auction(make_member(), dict(
                title="พระนางพญา", description="", category_id=category,
                starting_price_satang=100 * BAHT, min_increment_satang=10 * BAHT,
                duration_days=7), now=utcnow())
            db.session.commit()
            auction_id, version = auction.id, auction.version
            bidder_id = make_member().id
        with streaming.app_context():
            stream = open_stream(streaming.test_client(), auction_id, version=version)
            try:
                assert stream.next_chunk().startswith(": connected")
                with bidding_app.app_context():
                    bid(auction_id, db.session.get(User, bidder_id), 140)
                    # From the bid accepted (committed, and so published), as the fan-out
                    # benchmark counts: the time the bid itself takes on a loaded machine
                    # is not the bus's.
                    started = time.monotonic()
                assert "฿140" in stream.next_update()
                assert time.monotonic() - started < 1.0
            finally:
                stream.disconnect()
    finally:
        streaming.extensions["talat_bus"].close()
        bidding_app.extensions["talat_bus"].close()
    with bidding_app.app_context():
        assert db.session.get(Auction, auction_id).current_price_satang == 140 * BAHT


def test_without_redis_a_bid_on_another_worker_still_reaches_the_page_auc_2(
        make_app, make_member):
    """Two apps without Redis stand for two workers of ``make run``: their in-process buses
    cannot hear each other, so the stream also checks the auction's version every second."""
    streaming, bidding_app = make_app(), make_app()
    with bidding_app.app_context():
        auction = new_auction(make_member(), "พระผงสุพรรณ")
        auction_id, version, bidder_id = auction.id, auction.version, make_member().id
    with streaming.app_context():
        stream = open_stream(streaming.test_client(), auction_id, version=version)
        try:
            assert stream.next_chunk().startswith(": connected")
            with bidding_app.app_context():
                bid(auction_id, db.session.get(User, bidder_id), 160)
            started = time.monotonic()  # from the bid committed (placing it is not the bus)
            assert "฿160" in stream.next_update(timeout=3)
            assert time.monotonic() - started < 2.0
        finally:
            stream.disconnect()


# A hidden auction (CMP-3) -------------------------------------------------------------------

def uphold_against(auction, moderator):
    """A complaint about ``auction`` upheld by ``moderator``: its publication is suspended."""
    from app.blueprints.complaints import handling
    from tests.complaint_helpers import make_complaint

    complaint = make_complaint(db.session.get(Auction, auction.id))
    handling.uphold(complaint, db.session.get(User, moderator.id), "Counterfeit.", "CMP-3",
                    now=utcnow())
    db.session.commit()


def next_event(stream, timeout=5.0):
    """The next event (not a ping), or None once the stream has ended."""
    deadline = time.monotonic() + timeout
    while True:
        chunk = stream.next_chunk(max(0.01, deadline - time.monotonic()))
        if chunk is None or chunk.startswith("event:"):
            return chunk


def test_open_stream_of_a_visitor_ends_when_the_auction_is_hidden_cmp_3(
        app, client, make_member, make_auction, moderator):
    """CMP-3: a page opened before the complaint was upheld is told once that the auction is
    no longer available (the figures go) and its stream ends; it hears no later change, and
    its reconnect is refused."""
    auction = make_auction()
    hub = app.extensions["talat_bus"].hub
    stream = open_stream(client, auction.id, version=auction.version)
    assert stream.next_chunk().startswith(": connected")
    uphold_against(auction, moderator)
    last = next_event(stream)
    assert last is not None and last.startswith("event: update")
    assert "การประมูลนี้ไม่เปิดให้ชมแล้ว" in last and 'data-phase="halted"' in last
    assert "data-price" not in last
    assert stream.next_chunk() is None, "the stream ended"
    stream.disconnect()
    assert hub.count() == 0 and app.extensions["talat_stream_slots"].open == 0
    assert client.get(f"/auctions/{auction.id}/live").status_code == 404


def test_a_member_bidders_stream_also_ends_when_the_auction_is_hidden_cmp_3(
        app, make_member, make_auction, moderator, client_for):
    """CMP-3: a bidder (not the seller) loses the live panel too."""
    auction = make_auction()
    bidder = make_member()
    bid(auction.id, bidder, 120)
    auction = db.session.get(Auction, auction.id)
    stream = open_stream(client_for(bidder), auction.id, version=auction.version)
    assert stream.next_chunk().startswith(": connected")
    uphold_against(auction, moderator)
    last = next_event(stream)
    assert "data-price" not in last and "data-hidden" in last
    assert stream.next_chunk() is None
    stream.disconnect()


def test_seller_and_moderator_streams_go_on_after_the_auction_is_hidden_cmp_3(
        app, make_member, make_auction, moderator, client_for):
    """CMP-3: the seller and moderators still see a hidden auction, live panel included."""
    seller = make_member()
    auction = make_auction(seller)
    streams = [open_stream(client_for(member), auction.id, version=auction.version)
               for member in (seller, moderator)]
    try:
        for stream in streams:
            assert stream.next_chunk().startswith(": connected")
        uphold_against(auction, moderator)
        for stream in streams:
            panel = stream.next_update()
            assert "data-price" in panel and 'data-phase="halted"' in panel
    finally:
        for stream in streams:
            stream.disconnect()


def test_a_stream_opened_as_the_auction_is_hidden_sends_no_panel_cmp_3(
        app, client, make_auction, moderator, monkeypatch):
    """CMP-3: hidden between the stream's check and its subscription: the stale page is told
    the auction is gone, not sent its panel."""
    auction = make_auction()
    version = auction.version
    real = auction_views._current_version
    hidden = []

    def hide_first(auction_id):
        if not hidden:
            hidden.append(True)
            uphold_against(auction, moderator)
        return real(auction_id)

    monkeypatch.setattr(auction_views, "_current_version", hide_first)
    stream = open_stream(client, auction.id, version=version)
    assert stream.next_chunk().startswith(": connected")
    last = next_event(stream)
    assert "data-hidden" in last and "data-price" not in last
    assert stream.next_chunk() is None
    stream.disconnect()


def test_without_redis_hiding_on_another_worker_ends_the_stream_cmp_3(make_app, make_member):
    """CMP-3 without Redis: the stream learns of the hiding from its version check."""
    streaming, deciding = make_app(), make_app()
    with deciding.app_context():
        moderator = make_member(display_name="Mod", role="moderator")
        moderator_id = moderator.id
        auction = new_auction(make_member(), "พระผงสุพรรณ")
        auction_id, version = auction.id, auction.version
    with streaming.app_context():
        stream = open_stream(streaming.test_client(), auction_id, version=version)
        assert stream.next_chunk().startswith(": connected")
        with deciding.app_context():
            uphold_against(db.session.get(Auction, auction_id),
                           db.session.get(User, moderator_id))
        last = next_event(stream, timeout=3)
        assert "data-hidden" in last and "data-price" not in last
        assert stream.next_chunk() is None
        stream.disconnect()
