"""Benchmark: fan-out of live auction updates (AUC-2). gunicorn (2 workers with the stream
hub, Redis event bus) holds 1,000 open SSE streams on one auction; bids are placed and
committed through the bidding service from this process, and every watcher's delay from "bid
accepted" (the commit returned) to "update received" is measured. Prints p50/p95/p99 and the
resident memory of all gunicorn processes. Prints figures; passes or fails nothing.

    make bench-fanout
    .venv/bin/python bench/fanout.py --watchers 200 --bids 5      # a quicker look

The watchers are raw non-blocking sockets on one selector thread, so the load generator
stays light next to the server on the same two cores.
"""
import argparse
import os
import re
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
VERSION_RE = re.compile(rb'data-version="(\d+)"')

from bench.browse_search import free_port, wait  # noqa: E402


class Watchers:
    """N open SSE streams read by one selector thread; records when each watcher first sees
    each auction version."""

    def __init__(self, port, path, count):
        self.port, self.path, self.count = port, path, count
        self.selector = selectors.DefaultSelector()
        self.buffers, self.connected, self.refused, self.closed = {}, set(), set(), set()
        self.seen = {}  # version -> list of arrival times (time.monotonic())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def open(self, batch=20, pause=0.02):
        """Connect every watcher (in small batches, as pages would), then start reading."""
        request = (f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                   "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n").encode()
        for n in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port))
            sock.sendall(request)
            sock.setblocking(False)
            self.buffers[sock] = b""
            self.selector.register(sock, selectors.EVENT_READ)
            if n % batch == batch - 1:
                time.sleep(pause)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            events = self.selector.select(timeout=0.1)
            now = time.monotonic()
            for key, _ in events:
                self._read(key.fileobj, now)

    def _read(self, sock, now):
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.selector.unregister(sock)
            self.buffers.pop(sock, None)
            sock.close()
            self.closed.add(sock)
            return
        buffer = self.buffers.get(sock, b"") + data
        if sock not in self.connected and sock not in self.refused:
            head, sep, rest = buffer.partition(b"\r\n\r\n")
            if not sep:
                self.buffers[sock] = buffer
                return
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                self.refused.add(sock)
                return
            self.connected.add(sock)
            buffer = rest
        *events, buffer = buffer.split(b"\n\n")
        self.buffers[sock] = buffer
        for event in events:
            if b"event: update" in event:
                match = VERSION_RE.search(event)
                if match:
                    self.seen.setdefault(int(match.group(1)), []).append(now)

    def streaming(self):
        """Streams that answered 200 (chunked SSE) so far."""
        return len(self.connected)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in list(self.buffers):
            sock.close()


def gunicorn_rss():
    """(RSS sum, PSS sum) in MB of the gunicorn master and its workers."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"gunicorn" in cmdline and b"fanout-bench" in cmdline:
            pids.append(entry)
    rss = pss = 0
    for entry in pids:
        try:
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024, len(pids)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--bids", type=int, default=10)
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between bids")
    parser.add_argument("--warmup", type=int, default=1,
                        help="first bids left out of the figures (templates compile)")
    parser.add_argument("--verbose", action="store_true", help="figures for each bid")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL",
                                                              "redis://127.0.0.1:6379/14"))
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.watchers + 256)),
                                                hard))
    tmp = Path(tempfile.mkdtemp(prefix="talat-fanout-"))
    port = free_port()
    database_url = args.database_url or f"sqlite:///{tmp}/talat.sqlite3"
    env = {**os.environ, "DATABASE_URL": database_url, "TALAT_INSTANCE_DIR": str(tmp),
           "REDIS_URL": args.redis_url, "LIVE_CHANNEL_PREFIX": f"talat-bench-{uuid.uuid4().hex}:",
           "RATELIMIT_ENABLED": "0", "FLASK_APP": "wsgi", "BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": "/dev/null", "PAGE_CACHE_SECONDS": "0",
           "LIVE_STREAM_SECONDS": "3600"}
    # The default worker holds every stream in its hub (app/live/hub.py): no thread each.
    # With plain gthread (GUNICORN_WORKER_CLASS=gthread) each stream needs a thread: enough
    # per worker for its share of the watchers. Connections do not split evenly between
    # workers (whichever wakes first accepts), so each worker may hold up to 1.5 times its
    # even share; threads are started only when needed. Tune from the environment
    # (GUNICORN_THREADS, LIVE_MAX_STREAMS, WEB_CONCURRENCY).
    env.setdefault("WEB_CONCURRENCY", "2")
    if env.get("GUNICORN_WORKER_CLASS") == "gthread":
        per_worker = args.watchers // int(env["WEB_CONCURRENCY"])
        env.setdefault("LIVE_MAX_STREAMS", str(int(per_worker * 1.5) + 8))
        env.setdefault("GUNICORN_THREADS", str(int(env["LIVE_MAX_STREAMS"]) + 32))
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "TALAT_INSTANCE_DIR", "REDIS_URL",
                                           "LIVE_CHANNEL_PREFIX", "RATELIMIT_ENABLED")})
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)

    from app import create_app
    from app.blueprints.accounts.services import register_member
    from app.blueprints.auctions import bidding, lifecycle
    from app.database import utcnow
    from app.extensions import db
    from app.models import Category
    from datetime import date

    app = create_app()
    with app.app_context():
        members = [register_member(email=f"bidder{n}@talat.example",
                                   password=f"kite-mango-river-{n}42",
                                   display_name=f"Bidder {n}", birth_date=date(1980, 1, 1),
                                   now=utcnow()) for n in range(3)]
        db.session.commit()
        seller, bidders = members[0], members[1:]
        category = db.session.scalar(db.select(Category.id).where(Category.slug == "phra-somdet"))
        auction = lifecycle.create_auction(seller, dict(
            title="พระสมเด็จวัดระฆัง พิมพ์ใหญ่", description="", category_id=category,
            starting_price_satang=10000, min_increment_satang=1000, duration_days=7),
            now=utcnow())
        db.session.commit()
        auction_id = auction.id
        bidder_ids = [b.id for b in bidders]

    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--name", "fanout-bench",
               "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(tmp / "gunicorn.log", "wb"))
    watchers = None
    try:
        wait(f"http://127.0.0.1:{port}/healthz", server)
        rss_idle, pss_idle, _ = gunicorn_rss()
        print(f"gunicorn: {env['WEB_CONCURRENCY']} workers "
              f"({env.get('GUNICORN_WORKER_CLASS', 'with the stream hub')}) x "
              f"{env.get('GUNICORN_THREADS', 'the default')} threads, "
              f"LIVE_MAX_STREAMS={env.get('LIVE_MAX_STREAMS', 'the default')}, Redis bus, "
              f"{'SQLite' if database_url.startswith('sqlite') else 'PostgreSQL'}")
        watchers = Watchers(port, f"/auctions/{auction_id}/live", args.watchers)
        started = time.monotonic()
        watchers.open()
        deadline = time.monotonic() + 60
        while (watchers.streaming() + len(watchers.refused) < args.watchers
               and time.monotonic() < deadline):
            time.sleep(0.1)
        print(f"{watchers.streaming()} watchers streaming, {len(watchers.refused)} told to poll "
              f"(204), opened in {time.monotonic() - started:.1f} s")
        time.sleep(1.0)

        accepted = {}
        from app.models import User
        for n in range(args.bids):
            with app.app_context():
                bidder = db.session.get(User, bidder_ids[n % 2])
                price = 10000 + (n + 1) * 2000
                auction, _ = bidding.place_bid(auction_id, bidder, price, proxy=False,
                                               now=utcnow())
                version = auction.version
                db.session.commit()
                accepted[version] = time.monotonic()
            time.sleep(args.gap)
        time.sleep(1.0)
        rss, pss, processes = gunicorn_rss()

        delays, missing = [], 0
        for n, (version, at) in enumerate(accepted.items()):
            arrivals = watchers.seen.get(version, [])
            missing += max(0, watchers.streaming() - len(arrivals))
            these = [(t - at) * 1000 for t in arrivals]
            if args.verbose and these:
                print(f"  bid {n + 1}: {len(these)} updates, p50 {percentile(these, 0.5):.0f} ms,"
                      f" max {max(these):.0f} ms")
            if n >= args.warmup:
                delays += these
        if delays:
            print(f"{len(accepted)} bids ({args.warmup} warm-up), {len(delays)} updates "
                  f"counted, {missing} missed (or coalesced), "
                  f"{len(watchers.closed)} streams closed early")
            print(f"bid accepted -> update received: p50 {percentile(delays, 0.50):.0f} ms   "
                  f"p95 {percentile(delays, 0.95):.0f} ms   p99 {percentile(delays, 0.99):.0f} ms"
                  f"   max {max(delays):.0f} ms   mean {statistics.mean(delays):.0f} ms")
        else:
            print("no updates received")
        print(f"gunicorn memory ({processes} processes): RSS {rss:.0f} MB (idle {rss_idle:.0f} MB),"
              f" PSS {pss:.0f} MB (idle {pss_idle:.0f} MB)")
    finally:
        if watchers is not None:
            watchers.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        app.extensions["talat_bus"].close()


if __name__ == "__main__":
    main()
