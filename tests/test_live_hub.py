"""Live streams held by the stream hub of gunicorn's worker (AUC-2): gunicorn serves the site
with gunicorn.conf.py on a SQLite database, one worker of two threads, and the tests open more
live pages than it has threads."""
import os
import queue
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from app import create_app
from app.config import TestConfig
from app.database import utcnow
from app.extensions import db
from tests.gunicorn_process import stop_gunicorn
from tests.test_live import unique_prefix

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
BAHT = 100


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """gunicorn on a migrated SQLite database, and an app on the same database to set up
    auctions and place bids from the test (another process, as another worker would be)."""

    def __init__(self, tmp, **settings):
        self.port = _free_port()
        self.url = f"sqlite:///{tmp}/talat.sqlite3"
        self.env = {**os.environ, "DATABASE_URL": self.url, "FLASK_APP": "wsgi",
                    "TALAT_INSTANCE_DIR": str(tmp / "instance"), "RATELIMIT_ENABLED": "0",
                    "MAIL_DELIVERY": "inline", "BIND": f"127.0.0.1:{self.port}",
                    "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2",
                    "LIVE_PING_SECONDS": "1", "REDIS_URL": "", "GUNICORN_ACCESS_LOG": "/dev/null",
                    **settings}
        subprocess.run([str(VENV_BIN / "flask"), "db", "upgrade"], cwd=REPO_ROOT, env=self.env,
                       check=True, capture_output=True, timeout=300)
        self.log = tmp / "gunicorn.log"
        with open(self.log, "wb") as log:
            self.server = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.app = create_app(TestConfig(self.url, REDIS_URL=settings.get("REDIS_URL", ""),
                                         LIVE_CHANNEL_PREFIX=settings.get(
                                             "LIVE_CHANNEL_PREFIX")))
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):
                    break
            except OSError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + self.log.read_text())
                time.sleep(0.2)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def member(self, name):
        """A new member's id."""
        from app.blueprints.accounts.services import register_member

        with self.app.app_context():
            member = register_member(
                email=f"{name}{time.monotonic_ns()}@talat.example", display_name=name,
                password="hub-test-password-1", birth_date=date(1990, 1, 1), now=utcnow())
            db.session.commit()
            return member.id

    def auction(self):
        from app.blueprints.auctions import lifecycle
        from app.models import Category, User

        seller_id, bidder_id = self.member("seller"), self.member("bidder")
        with self.app.app_context():
            now = utcnow()
            seller, bidder = db.session.get(User, seller_id), db.session.get(User, bidder_id)
            category = db.session.scalar(db.select(Category.id).where(
                Category.slug == "phra-somdet"))
            auction = lifecycle.create_auction(seller, dict(
                title="พระสมเด็จ", category_id=category, duration_days=7,
                starting_price_satang=100 * BAHT, min_increment_satang=BAHT), now=now)
            db.session.commit()
            return auction.id, bidder.id

    def bid(self, auction_id, bidder_id, baht):
        from app.blueprints.auctions.bidding import place_bid
        from app.models import User

        with self.app.app_context():
            place_bid(auction_id, db.session.get(User, bidder_id), baht * BAHT, proxy=False)
            db.session.commit()

    def stop(self):
        stop_gunicorn(self.server)
        bus = self.app.extensions["talat_bus"]
        bus.close()


@pytest.fixture
def site(tmp_path):
    built = []

    def _site(**settings):
        built.append(Site(tmp_path, **settings))
        return built[-1]

    yield _site
    for each in built:
        each.stop()
        print(f"--- gunicorn output ---\n{each.log.read_text()}", file=sys.stderr)


class Page:
    """One open live page: a raw HTTP/1.1 connection reading its event stream."""

    def __init__(self, site, auction_id):
        self.sock = socket.create_connection(("127.0.0.1", site.port), timeout=10)
        self.sock.sendall(f"GET /auctions/{auction_id}/live HTTP/1.1\r\nHost: x\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.received = queue.Queue()
        self.text = ""
        self.ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.received.put(data.decode(errors="replace"))
        except OSError:
            pass
        self.ended.set()

    def wait_for(self, needle, timeout=5.0):
        """Wait until ``needle`` has arrived; the text received so far."""
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} not received; got {self.text[-500:]!r}")
            try:
                self.text += self.received.get(timeout=left)
            except queue.Empty:
                pass
        return self.text

    def status(self):
        return int(self.wait_for("\r\n").split(" ", 2)[1])

    def close(self):
        self.sock.close()


def _get(site, path, timeout=5):
    with urllib.request.urlopen(site.base + path, timeout=timeout) as response:
        return response.status


def test_more_live_pages_than_threads_all_get_a_bid_and_pages_still_load_auc_2(site):
    """Six open live pages on one worker of two threads: none holds a thread, so a page still
    loads at once, and a bid placed by another process reaches all six (without Redis the
    streams look at the auction's version every second)."""
    running = site()
    auction_id, bidder_id = running.auction()
    pages = [Page(running, auction_id) for _ in range(6)]
    try:
        for page in pages:
            assert page.status() == 200
            page.wait_for(": connected")
        started = time.monotonic()
        assert _get(running, f"/auctions/{auction_id}", timeout=5) == 200
        assert time.monotonic() - started < 3
        running.bid(auction_id, bidder_id, 150)
        for page in pages:
            assert "฿150" in page.wait_for("event: update", timeout=5)
    finally:
        for page in pages:
            page.close()


def test_a_bid_reaches_hub_held_pages_through_redis_within_a_second_auc_2(site, redis_url):
    running = site(REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=unique_prefix())
    auction_id, bidder_id = running.auction()
    pages = [Page(running, auction_id) for _ in range(4)]
    try:
        for page in pages:
            page.wait_for(": connected")
        started = time.monotonic()
        running.bid(auction_id, bidder_id, 150)
        placed = time.monotonic()
        for page in pages:
            page.wait_for("event: update", timeout=5)
        assert time.monotonic() - placed < 1.0, time.monotonic() - started
    finally:
        for page in pages:
            page.close()


def test_a_closed_page_gives_its_stream_slot_back_and_streams_end_at_their_lifetime_auc_2(
        site):
    """With a cap of three streams the fourth page polls (204); closing one page frees a
    slot for the next. A stream ends itself after ``LIVE_STREAM_SECONDS`` (the browser
    reconnects)."""
    running = site(LIVE_MAX_STREAMS="3", LIVE_STREAM_SECONDS="4")
    auction_id, _ = running.auction()
    pages = [Page(running, auction_id) for _ in range(3)]
    try:
        for page in pages:
            page.wait_for(": connected")
        extra = Page(running, auction_id)
        assert extra.status() == 204
        extra.close()
        pages[0].close()
        deadline = time.monotonic() + 5
        while True:
            again = Page(running, auction_id)
            if again.status() == 200:
                break
            again.close()
            assert time.monotonic() < deadline, "the closed page's slot never came back"
            time.sleep(0.2)
        pages.append(again)
        assert pages[1].ended.wait(8), "the stream did not end at its lifetime"
        assert pages[1].wait_for("0\r\n\r\n", timeout=1)
    finally:
        for page in pages:
            page.close()


def test_pages_reset_at_once_and_head_requests_hold_no_stream_slot_auc_2(site):
    """Found in review: a page reset while its stream was being handed over, or a HEAD
    request, kept its stream slot until the worker restarted; with a cap of two, six resets
    and a HEAD later a page still gets its stream."""
    running = site(LIVE_MAX_STREAMS="2")
    auction_id, _ = running.auction()
    request = (f"GET /auctions/{auction_id}/live HTTP/1.1\r\nHost: x\r\n\r\n").encode()
    for _ in range(6):
        sock = socket.create_connection(("127.0.0.1", running.port), timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(request)
        sock.close()  # a reset, at once
    with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
        sock.sendall(f"HEAD /auctions/{auction_id}/live HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        head = sock.recv(65536).decode()
        assert head.startswith("HTTP/1.1 200")
        assert head.endswith("\r\n\r\n"), head  # headers only, never a body
    deadline = time.monotonic() + 5
    while True:
        page = Page(running, auction_id)
        if page.status() == 200:
            page.close()
            break
        page.close()
        assert time.monotonic() < deadline, "stream slots leaked"
        time.sleep(0.2)


def test_pages_that_stop_reading_are_dropped_and_hold_up_nobody_auc_2(site, redis_url):
    """Found in review: a page that stopped reading made each of its updates wait on a request
    thread. Four such pages (tiny receive buffers, never read) and a stream of bids: pages
    still load at once, and a page that reads gets every bid."""
    running = site(REDIS_URL=redis_url, LIVE_CHANNEL_PREFIX=unique_prefix())
    auction_id, bidder_id = running.auction()
    stalled = []
    for _ in range(4):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        sock.connect(("127.0.0.1", running.port))
        sock.sendall(f"GET /auctions/{auction_id}/live HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        stalled.append(sock)
    reader = Page(running, auction_id)
    try:
        reader.wait_for(": connected")
        bidders = (bidder_id, running.member("rival"))
        for step in range(40):  # each an update of its own (2-3 KB): the stalled pages fill up
            running.bid(auction_id, bidders[step % 2], 150 + step * 100)
            time.sleep(0.05)
        started = time.monotonic()
        assert _get(running, "/healthz", timeout=10) == 200
        assert time.monotonic() - started < 2
        assert "฿4,050" in reader.wait_for("฿4,050", timeout=5)
        for sock in stalled:  # each was dropped: what it was sent, then the end
            sock.settimeout(5)
            deadline = time.monotonic() + 10
            while sock.recv(65536):
                assert time.monotonic() < deadline, "a page that stopped reading was kept"
    finally:
        reader.close()
        for sock in stalled:
            sock.close()
