"""Benchmark: bid throughput and latency on PostgreSQL behind gunicorn, 64 bidders on one
auction and on 100 auctions, then a check that no bid was lost. Prints figures; passes or
fails nothing (a lost bid is printed as LOST and the exit status is 1).

Each bidder is a real member logged in through the log-in form, with its own keep-alive
connection, bidding as fast as it can the way the auction page does (htmx posts): the
confirmation step, then the confirmed post with the auction version it showed, direct and
proxy mixed. When another bid got in first, the answer is the new state and the bidder
confirms again. Latency figures are those of the confirmed posts (the bid itself).

    make bench-bids
    .venv/bin/python bench/bids.py --seconds 5 --bidders 32
"""
import argparse
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browse_search import free_port, serve, show as show_baseline, wait  # noqa: E402
from bench.loadgen import run as load  # noqa: E402

BIN = Path(sys.executable).parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PASSWORD = "bench-bidder-2569"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
LEAST_RE = re.compile(r"at least ฿([\d,]+)")
PRICE_RE = re.compile(r"Current price: ฿([\d,]+)")
BAHT = 100


class Browser:
    """One member's keep-alive connection with its cookies."""

    def __init__(self, port):
        self.port = port
        self.cookies = {"lang": "en"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, form=None, htmx=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, text

    def login(self, email, form_page):
        _, page = self.request("GET", "/login")
        token = CSRF_RE.search(page).group(1)
        status, _ = self.request("POST", "/login", {"csrf_token": token, "email": email,
                                                    "password": PASSWORD})
        assert status == 302, f"log-in of {email} failed ({status})"
        _, page = self.request("GET", form_page)
        self.token = CSRF_RE.search(page).group(1)


def baht(text):
    return int(text.replace(",", "")) * BAHT


def bidder_loop(browser, member_id, auctions, stop, rng, out):
    """Bid until ``stop`` the way the auction page does (htmx posts): the confirmation step,
    then the confirmed post; when the auction moved on meanwhile, confirm again (up to three
    times). Records every confirmed post's latency and outcome and every accepted bid
    (auction, bidder, amount, proxy)."""
    from app.blueprints.auctions.engine import increment

    least = {a: 100 * BAHT for a in auctions}
    while not stop.is_set():
        auction = rng.choice(auctions)
        amount = least[auction] + rng.randint(0, 12) * increment(least[auction], BAHT)
        proxy = rng.random() < 0.5
        form = {"csrf_token": browser.token, "amount": str(amount // BAHT),
                "mode": "proxy" if proxy else "direct"}
        for attempt in range(4):
            started = time.perf_counter()
            try:
                status, text = browser.request("POST", f"/auctions/{auction}/bid", form,
                                               htmx=True)
            except (OSError, http.client.HTTPException):
                out["errors"] += 1
                break
            elapsed = time.perf_counter() - started
            confirming = status == 200 and "bid-box--confirm" in text
            if attempt == 0:
                out["outcomes"]["confirmation step"] += 1
                if not confirming:
                    break
            else:
                kind = ("stale (confirm again)" if confirming else
                        {200: "accepted", 422: "refused"}.get(status, f"HTTP {status}"))
                out["outcomes"][kind] += 1
                out["latency"].append(elapsed)
            if status == 200 and not confirming:
                out["accepted"].append((auction, member_id, amount, proxy))
                out["accepted_latency"].append(elapsed)
                least[auction] = amount + increment(amount, BAHT)
                break
            if status == 422:
                found = LEAST_RE.search(text)
                least[auction] = baht(found.group(1)) if found else amount + increment(
                    amount, BAHT)
                break
            if status != 200:
                break
            form.update(confirmed="yes", version=VERSION_RE.search(text).group(1))
            price = PRICE_RE.search(text)
            if price:
                least[auction] = max(least[auction], baht(price.group(1)))


def run_load(browsers, members, auctions, seconds, seed):
    """Every bidder in its own thread for ``seconds``; returns the pooled figures."""
    stop = threading.Event()
    outs = [dict(latency=[], accepted_latency=[], outcomes=Counter(), accepted=[], errors=0)
            for _ in browsers]
    threads = [threading.Thread(target=bidder_loop, args=(
        b, m, auctions, stop, random.Random(seed + i), out))
        for i, (b, m, out) in enumerate(zip(browsers, members, outs, strict=True))]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latency = sorted(x for out in outs for x in out["latency"])
    accepted_latency = sorted(x for out in outs for x in out["accepted_latency"])
    outcomes = sum((out["outcomes"] for out in outs), Counter())
    accepted = [a for out in outs for a in out["accepted"]]

    def pct(p, values=latency):
        return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values \
            else 0.0

    return dict(elapsed=elapsed, latency=latency, outcomes=outcomes, accepted=accepted,
                errors=sum(out["errors"] for out in outs), p50=pct(50), p95=pct(95),
                p99=pct(99), accepted_p50=pct(50, accepted_latency),
                accepted_p99=pct(99, accepted_latency))


def verify(app, auctions, accepted):
    """Nothing lost: the members' rows are exactly the accepted bids, and replaying them in
    sequence order through the engine gives each auction's final state. Returns problems."""
    from sqlalchemy import select

    from app.blueprints.auctions import engine
    from app.extensions import db
    from app.models import Auction, Bid

    problems = []
    with app.app_context():
        for auction_id in auctions:
            auction = db.session.get(Auction, auction_id)
            rows = db.session.scalars(select(Bid).where(Bid.auction_id == auction_id)
                                      .order_by(Bid.sequence)).all()
            mine = [a for a in accepted if a[0] == auction_id]
            own = [row for row in rows if row.kind != "auto"]
            if [row.sequence for row in rows] != list(range(1, len(rows) + 1)):
                problems.append(f"auction {auction_id}: sequence has gaps or repeats")
            if Counter((a[1], a[2]) for a in mine) != Counter(
                    (row.bidder_id, row.max_satang) for row in own):
                problems.append(f"auction {auction_id}: {len(mine)} accepted responses but "
                                f"{len(own)} bid rows by the bidders")
                continue
            proxy = {(a[1], a[2]): a[3] for a in mine}
            state = engine.State(starting_price=auction.starting_price_satang,
                                 seller_increment=auction.min_increment_satang,
                                 price=auction.starting_price_satang)
            lines = []
            try:
                for row in own:
                    outcome = engine.place(state, row.bidder_id, row.max_satang,
                                           proxy=proxy[(row.bidder_id, row.max_satang)])
                    state = outcome.state
                    lines += [(x.bidder, x.amount, x.kind) for x in outcome.lines]
            except engine.BidRefused as error:
                problems.append(f"auction {auction_id}: replay refused a taken bid ({error})")
                continue
            if lines != [(row.bidder_id, row.amount_satang, row.kind) for row in rows]:
                problems.append(f"auction {auction_id}: history differs from the replay")
            final = (auction.current_price_satang, auction.leader_id, auction.leader_max_satang,
                     auction.bid_count)
            if final != (state.price, state.leader, state.leader_max, state.bid_count):
                problems.append(f"auction {auction_id}: final state {final} != replay")
        db.session.remove()
    return problems


def show(title, figures, auctions):
    bids = figures["outcomes"]["accepted"]
    confirmed = len(figures["latency"])
    print(f"\n{title}: {figures['elapsed']:.1f} s, {len(auctions)} auction(s)")
    print(f"  accepted bids      {bids:>7}   {bids / figures['elapsed']:>7.1f} bids/s   "
          f"p50 {figures['accepted_p50']:.1f} ms   p99 {figures['accepted_p99']:.1f} ms")
    print(f"  confirmed posts    {confirmed:>7}   {confirmed / figures['elapsed']:>7.1f} /s   "
          f"p50 {figures['p50']:.1f} ms   p95 {figures['p95']:.1f} ms   "
          f"p99 {figures['p99']:.1f} ms")
    posts = sum(figures["outcomes"].values())
    print(f"  all bid posts      {posts:>7}   {posts / figures['elapsed']:>7.1f} /s "
          f"(confirmation steps included)")
    for kind, count in sorted(figures["outcomes"].items()):
        print(f"    {kind:<24} {count:>7}")
    if figures["errors"]:
        print(f"    connection errors        {figures['errors']:>7}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--bidders", type=int, default=64)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--threads", default="8")
    args = parser.parse_args()

    import psycopg

    name = f"talat_bench_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="talat-bench-bids-"))
    url = f"{SERVER}/{name}"
    env = {**os.environ, "TALAT_INSTANCE_DIR": str(work / "instance"), "FLASK_APP": "wsgi",
           "DATABASE_URL": url, "RATELIMIT_ENABLED": "0", "REDIS_URL": "",
           "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8192",
           "UPLOAD_DIR": str(work / "uploads"), "BASELINE_DB": str(work / "baseline.sqlite3")}
    admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    server = baseline = None
    try:
        print(f"Migrating {name} ...", flush=True)
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.environ.update(env)
        from app import create_app
        from app.blueprints.accounts.services import register_member
        from app.blueprints.auctions import lifecycle
        from app.config import Config
        from app.database import utcnow
        from app.extensions import db
        from app.models import Category

        app = create_app(Config())
        with app.app_context():
            now = utcnow()
            members = [register_member(email=f"bidder{n}@bench.example",
                                       display_name=f"Bidder {n}", password=PASSWORD,
                                       birth_date=date(1990, 1, 1), now=now)
                       for n in range(args.bidders + 1)]
            db.session.commit()
            seller, member_ids = members[0], [m.id for m in members[1:]]
            category = db.session.scalar(db.select(Category.id).where(
                Category.slug == "phra-somdet"))
            auction_ids = [lifecycle.create_auction(seller, dict(
                title=f"พระสมเด็จ องค์ที่ {n}", category_id=category, duration_days=7,
                starting_price_satang=100 * BAHT, min_increment_satang=BAHT), now=now).id
                for n in range(101)]
            db.session.commit()
            db.session.remove()

        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", args.workers, "-k", "gthread", "--threads",
             args.threads, "--keep-alive", "30", "-b", f"127.0.0.1:{port}",
             "--access-logfile", "/dev/null",
             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait(f"http://127.0.0.1:{port}/healthz")
        sys.path.insert(0, str(ROOT / "bench"))
        from baseline_app import prepare

        prepare(env["BASELINE_DB"])
        baseline_port = free_port()
        baseline = serve("baseline_app:app", env, baseline_port, ROOT / "bench",
                         worker_class="sync")
        wait(f"http://127.0.0.1:{baseline_port}/")
        browsers = [Browser(port) for _ in member_ids]
        for n, browser in enumerate(browsers, start=1):
            browser.login(f"bidder{n}@bench.example", f"/auctions/{auction_ids[0]}")
        print(f"{os.cpu_count()} cores; {args.bidders} bidders logged in; gunicorn "
              f"{args.workers} workers x {args.threads} threads (gthread); PostgreSQL; "
              f"{args.seconds:.0f} s per run\n")
        # The machine's speed right now: the minimal Flask page the other benchmarks use.
        show_baseline("baseline: 12 rows from SQLite", load(
            f"http://127.0.0.1:{baseline_port}/", threads=8, seconds=3))
        baseline.terminate()
        baseline.wait(timeout=20)
        baseline = None

        lost = []
        for title, auctions, seed in (("One auction", auction_ids[:1], 1),
                                      ("100 auctions", auction_ids[1:], 1000)):
            figures = run_load(browsers, member_ids, auctions, args.seconds, seed)
            show(title, figures, auctions)
            problems = verify(app, auctions, figures["accepted"])
            for problem in problems:
                print(f"  LOST: {problem}")
            if not problems:
                print(f"  verified: {len(figures['accepted'])} accepted responses == bid rows "
                      f"written by the bidders; final price, leader and maximum equal the "
                      f"engine's replay")
            lost += problems
        print("\ntarget: at least 300 bids/s, p99 under 150 ms (load generator on the same "
              "machine)")
        return 1 if lost else 0
    finally:
        for process in (server, baseline):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    sys.exit(main())
