"""Benchmark: the auction page of an auction with 200 bids, served by gunicorn, for a visitor
and for a logged-in member, and its polling fragment (the live panel under htmx), against a
minimal Flask page reading 12 rows from SQLite, measured in the same run. Prints figures;
passes or fails nothing.

    make bench-auction-page
    .venv/bin/python bench/auction_page.py --seconds 5
    .venv/bin/python bench/auction_page.py --profile      # also cProfile one page in process
"""
import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browse_search import free_port, serve, show, wait  # noqa: E402
from bench.loadgen import CSRF_RE, log_in, run  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-bidder-2569"
BAHT = 100


def prepare_auction(env, bids, members):
    """One open auction with ``bids`` bids from ``members`` members, each bid placed through
    the bidding service and committed on its own. Returns (app, auction id, bidder e-mail)."""
    os.environ.update(env)
    from app import create_app
    from app.blueprints.accounts.services import register_member
    from app.blueprints.auctions import lifecycle
    from app.blueprints.auctions.bidding import place_bid
    from app.blueprints.auctions.state import minimum_bid
    from app.config import Config
    from app.database import utcnow
    from app.extensions import db
    from app.models import Auction, Category

    app = create_app(Config())
    with app.app_context():
        now = utcnow()
        people = [register_member(email=f"bidder{n}@bench.example", display_name=f"Bidder {n}",
                                  password=PASSWORD, birth_date=date(1990, 1, 1), now=now)
                  for n in range(members + 1)]
        db.session.commit()
        seller, bidders = people[0], people[1:]
        category = db.session.scalar(db.select(Category.id).where(
            Category.slug == "phra-somdet"))
        auction_id = lifecycle.create_auction(seller, dict(
            title="พระสมเด็จวัดระฆัง พิมพ์ใหญ่ (ทดสอบความเร็ว)", category_id=category,
            description="องค์นี้ใช้วัดความเร็วของหน้าประมูลที่มี 200 ราคา",
            duration_days=7, starting_price_satang=1000 * BAHT,
            min_increment_satang=BAHT), now=now).id
        db.session.commit()
        for n in range(bids):
            auction = db.session.get(Auction, auction_id)
            amount = minimum_bid(auction) + (n % 3) * BAHT
            place_bid(auction_id, bidders[n % len(bidders)], amount, proxy=False)
            db.session.commit()
        auction = db.session.get(Auction, auction_id)
        assert auction.bid_count == bids, auction.bid_count
        db.session.remove()
    return app, auction_id, "bidder1@bench.example"


def in_process(app, auction_id, email, count=200, profile=False):
    """Milliseconds a request and SQL statements a request, with the Flask test client in one
    thread (steadier than the served figures); optionally cProfile the member's page."""
    from sqlalchemy import event

    from app.extensions import db

    statements = [0]

    def counted(*_args):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    visitor, member = app.test_client(), app.test_client()
    page = member.get("/login")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    response = member.post("/login", data={"csrf_token": token, "email": email,
                                           "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    cases = [("visitor page", visitor, f"/auctions/{auction_id}", {}),
             ("member page", member, f"/auctions/{auction_id}", {}),
             ("panel (htmx)", visitor, f"/auctions/{auction_id}/panel", {"HX-Request": "true"}),
             ("member panel (htmx)", member, f"/auctions/{auction_id}/panel",
              {"HX-Request": "true"})]
    results = {}
    try:
        for name, client, path, headers in cases:
            for _ in range(20):
                assert client.get(path, headers=headers).status_code == 200
            statements[0] = 0
            began = time.perf_counter()
            for _ in range(count):
                client.get(path, headers=headers)
            results[name] = ((time.perf_counter() - began) / count * 1000,
                             statements[0] / count)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                member.get(f"/auctions/{auction_id}")
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
            results["profile"] = out.getvalue()
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--profile", action="store_true",
                        help="cProfile 50 member pages in process and print the top entries")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="talat-bench-auction-"))
    env = {**os.environ, "TALAT_INSTANCE_DIR": str(work / "instance"), "FLASK_APP": "wsgi",
           "DATABASE_URL": f"sqlite:///{work}/talat.sqlite3", "RATELIMIT_ENABLED": "0",
           "REDIS_URL": "", "BASELINE_DB": str(work / "baseline.sqlite3"),
           "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8192",
           "UPLOAD_DIR": str(work / "uploads")}
    flask = str(BIN / "flask")
    print(f"Preparing an auction with {args.bids} bids from {args.members} members in "
          f"{work} ...", flush=True)
    for step in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([flask, *step], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app, auction_id, email = prepare_auction(env, args.bids, args.members)
    sys.path.insert(0, str(ROOT / "bench"))
    from baseline_app import prepare

    prepare(env["BASELINE_DB"])

    talat_port, baseline_port = free_port(), free_port()
    servers = [serve("wsgi:app", env, talat_port, ROOT),
               serve("baseline_app:app", env, baseline_port, ROOT / "bench",
                     worker_class="sync")]
    try:
        talat, baseline = f"http://127.0.0.1:{talat_port}", f"http://127.0.0.1:{baseline_port}"
        for url in (f"{talat}/healthz", f"{baseline}/"):
            wait(url)
        cookie = log_in(talat_port, email, PASSWORD)
        page, fragment = f"{talat}/auctions/{auction_id}", f"{talat}/auctions/{auction_id}/panel"
        check = urllib.request.Request(page, headers={"Cookie": cookie})
        with urllib.request.urlopen(check, timeout=30) as response:
            if b"data-bid-status" not in response.read():
                raise SystemExit("the session cookie did not log the member in")
        print(f"{os.cpu_count()} cores; {args.threads} client threads; {args.seconds:.0f} s "
              f"each; 2 gunicorn workers each; auction {auction_id}, {args.bids} bids\n")
        base = run(f"{baseline}/", threads=args.threads, seconds=args.seconds)
        show("baseline: 12 rows from SQLite", base)
        figures = {
            "auction page, visitor": run(page, threads=args.threads, seconds=args.seconds),
            "auction page, member (bidder)": run(page, threads=args.threads,
                                                 seconds=args.seconds,
                                                 headers={"Cookie": cookie}),
            "panel fragment, HX-Request": run(fragment, threads=args.threads,
                                              seconds=args.seconds,
                                              headers={"HX-Request": "true"}),
        }
        for name, result in figures.items():
            show(name, result)
        print()
        for name, result in figures.items():
            print(f"{name + ' / baseline':<44} {result['rps'] / base['rps']:.2f}")
        print("target: at least 0.50 for the page")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)

    print("\nIn process (Flask test client, one thread, 200 requests each):")
    results = in_process(app, auction_id, email, profile=args.profile)
    profile = results.pop("profile", None)
    for name, (ms, queries) in results.items():
        print(f"  {name:<24} {ms:>6.2f} ms a request   {queries:>4.1f} SQL statements")
    if profile:
        print(profile)


if __name__ == "__main__":
    main()
