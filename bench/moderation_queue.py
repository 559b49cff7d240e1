"""Benchmark: the moderators' review queue (MOD-7) with 10,000 pending mixed items, served by
gunicorn on SQLite: the queue page (50 rows, each with its target, photos, owner, strikes,
earlier decisions and reports) and deciding one item in place (htmx post, the row partial
back), with the load generator on the same machine. Prints p50/p95; the issue's target is
p95 < 100 ms for both. Passes or fails nothing.

    make bench-queue
    .venv/bin/python bench/moderation_queue.py --seconds 5 --clients 1,4
"""
import argparse
import http.client
import os
import queue as queues
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.auction_page import log_in  # noqa: E402
from bench.browse_search import free_port, serve, show, wait  # noqa: E402
from bench.loadgen import run, run_clients  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-bidder-2569"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REASONS = ("fake", "prohibited", "scam", "wrong_info", "offensive", "spam", "other")


def seed(env, items=10_000, sellers=200):
    """``items`` open review items of mixed kinds on listings (held, reported), auctions
    (shill flags, reports) and members, with photos, reports, strikes and earlier decisions.
    Returns (app, moderator e-mail, ids of open prohibited-goods holds)."""
    os.environ.update(env)
    from sqlalchemy import insert, select

    from app import create_app
    from app.blueprints.accounts.services import register_member
    from app.blueprints.auctions import lifecycle
    from app.config import Config
    from app.database import utcnow
    from app.extensions import db
    from app.models import (Category, Listing, ListingPhoto, Report, ReviewItem, Shop,
                            StopSign, Strike, User)

    app = create_app(Config())
    with app.app_context():
        now = utcnow()
        born = date(1990, 1, 1)
        moderator = register_member(email="mod@bench.example", display_name="Bench checker",
                                    password=PASSWORD, birth_date=born, now=now)
        moderator.role = "moderator"
        people = [register_member(email=f"seller{n}@bench.example",
                                  display_name=f"Seller {n}", password=PASSWORD,
                                  birth_date=born, now=now) for n in range(sellers)]
        db.session.commit()
        category = db.session.scalar(select(Category.id).where(Category.slug == "phra-somdet"))
        shops = []
        for n, person in enumerate(people):
            shop = Shop(owner_id=person.id, name=f"Bench shop {n}", slug=f"bench-shop-{n}",
                        description="", plan="standard", created_at=now, updated_at=now)
            db.session.add(shop)
            shops.append(shop)
        db.session.flush()
        auctions = [lifecycle.create_auction(people[n % sellers], dict(
            title=f"พระสมเด็จ ประมูลทดสอบ {n}", description="องค์ทดสอบ",
            category_id=category, starting_price_satang=10_000, min_increment_satang=1_000,
            duration_days=7), now=now).id for n in range(300)]
        db.session.commit()

        n_auction_items = 600  # 300 shill flags + 300 reports
        n_user_items = 400     # 200 reports + 200 reinstatements
        listings = (items - n_auction_items - n_user_items) * 5 // 9  # holds; reports on 4/5
        held = [dict(shop_id=shops[n % sellers].id, created_by_id=shops[n % sellers].owner_id,
                     category_id=category, title=f"พระกริ่ง บูชาปืนใหญ่ เก่า {n}",
                     description="ของเก่าเก็บ", price_satang=50_000, quantity=1,
                     condition="good", content_rating="general", status="held",
                     hold_reason="Illegal weapons", created_at=now, updated_at=now)
                for n in range(listings)]
        db.session.execute(insert(Listing), held)
        listing_ids = db.session.scalars(select(Listing.id).order_by(Listing.id)).all()
        db.session.execute(insert(ListingPhoto), [
            dict(listing_id=lid, position=0, key=f"bench{lid:08d}", width=480, height=480,
                 created_at=now) for lid in listing_ids])
        owner_of = dict(db.session.execute(select(Listing.id, Shop.owner_id).join(
            Shop, Shop.id == Listing.shop_id)).all())

        def at(n):
            return now - timedelta(minutes=(n * 7919) % (10 * 24 * 60))

        rows = []
        for lid in listing_ids:
            rows.append(dict(kind="prohibited_hold", target_type="listing", target_id=lid,
                             subject_user_id=owner_of[lid], summary="Illegal weapons"))
        for lid in listing_ids[:items - n_auction_items - n_user_items - len(listing_ids)]:
            rows.append(dict(kind="report", target_type="listing", target_id=lid,
                             subject_user_id=owner_of[lid], report_count=1))
        for n, aid in enumerate(auctions):
            seller = people[n % sellers].id
            rows.append(dict(kind="shill_flag", target_type="auction", target_id=aid,
                             subject_user_id=seller, summary="same_ip"))
            rows.append(dict(kind="report", target_type="auction", target_id=aid,
                             subject_user_id=seller, report_count=1))
        for person in people:
            rows.append(dict(kind="report", target_type="user", target_id=person.id,
                             subject_user_id=person.id, report_count=1))
            rows.append(dict(kind="reinstatement", target_type="user", target_id=person.id,
                             subject_user_id=person.id))
        for n, row in enumerate(rows):
            row.update(status="open", created_at=at(n), updated_at=now)
            row.setdefault("report_count", 0)
            row.setdefault("summary", "")
        db.session.execute(insert(ReviewItem), rows)
        # Earlier decisions on some targets, and strikes on some sellers.
        db.session.execute(insert(ReviewItem), [
            dict(kind="report", target_type="listing", target_id=lid, status="done",
                 decision="dismiss", decided_by_id=moderator.id, decided_at=now,
                 created_at=now - timedelta(days=20), updated_at=now, report_count=1,
                 summary="") for lid in listing_ids[::5]])
        for n, aid in enumerate(auctions[:100]):
            sign = StopSign(target_type="auction", target_id=aid, owner_id=people[n].id,
                            kind="fake", reason="bench", hung_by_id=moderator.id, hung_at=now,
                            ended_at=now)
            db.session.add(sign)
            db.session.flush()
            db.session.add(Strike(user_id=people[n].id, sign_id=sign.id, created_at=now))
        reported = db.session.execute(select(ReviewItem.id, ReviewItem.target_type,
                                             ReviewItem.target_id)
                                      .where(ReviewItem.kind == "report",
                                             ReviewItem.status == "open")).all()
        db.session.execute(insert(Report), [
            dict(review_item_id=item_id, reporter_id=people[(n + 1) % sellers].id,
                 target_type=target_type, target_id=target_id,
                 reason=REASONS[n % len(REASONS)], detail="", created_at=now)
            for n, (item_id, target_type, target_id) in enumerate(reported)])
        db.session.commit()
        pending = db.session.scalar(select(db.func.count(ReviewItem.id)).where(
            ReviewItem.status == "open"))
        holds = db.session.scalars(select(ReviewItem.id).where(
            ReviewItem.kind == "prohibited_hold").order_by(ReviewItem.created_at.desc())).all()
        assert pending == items, pending
        assert db.session.scalar(select(db.func.count(User.id))) == sellers + 1
        db.session.remove()
    return app, "mod@bench.example", holds


def decide_many(port, cookie, token, ids, *, threads, seconds):
    """Decide items (approve a hold) from ``threads`` keep-alive clients for ``seconds``, the
    way the page does (htmx post, row partial back); figures as the load generator's."""
    work = queues.SimpleQueue()
    for item_id in ids:
        work.put(item_id)
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    body = urlencode({"csrf_token": token, "action": "approve"})
    headers = {"Cookie": cookie, "HX-Request": "true",
               "Content-Type": "application/x-www-form-urlencoded"}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop:
            try:
                item_id = work.get_nowait()
            except queues.Empty:
                break
            started = time.perf_counter()
            connection.request("POST", f"/moderation/items/{item_id}/decide", body=body,
                               headers=headers)
            response = connection.getresponse()
            text = response.read()
            if response.status != 200 or b'data-open' in text:
                failed += 1
                if failed == 1 and not errors[0]:
                    print(f"decide failed: HTTP {response.status} {text[:300]!r}", flush=True)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    return run_clients(client, threads, latencies, errors)


def in_process(app, email, count=50):
    """Milliseconds and SQL statements a queue page, Flask test client, one thread."""
    from sqlalchemy import event

    from app.extensions import db

    statements = [0]

    def counted(*_args):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": CSRF_RE.search(page).group(1), "email": email,
                                "password": PASSWORD})
    for _ in range(5):
        assert client.get("/moderation/queue").status_code == 200
    event.listen(engine, "before_cursor_execute", counted)
    try:
        began = time.perf_counter()
        for _ in range(count):
            client.get("/moderation/queue")
        elapsed = (time.perf_counter() - began) / count * 1000
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return elapsed, statements[0] / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,4", help="client threads, comma-separated")
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="talat-bench-queue-"))
    env = {**os.environ, "TALAT_INSTANCE_DIR": str(work / "instance"), "FLASK_APP": "wsgi",
           "DATABASE_URL": f"sqlite:///{work}/talat.sqlite3", "RATELIMIT_ENABLED": "0",
           "REDIS_URL": "", "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8192",
           "UPLOAD_DIR": str(work / "uploads")}
    print(f"Preparing {args.items:,} pending review items in {work} ...", flush=True)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = time.monotonic()
    app, email, holds = seed(env, args.items)
    print(f"seeded in {time.monotonic() - began:.0f} s", flush=True)

    port = free_port()
    server = serve("wsgi:app", env, port, ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait(f"{base}/healthz", server)
        cookie = log_in(port, email)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/moderation/queue", headers={"Cookie": cookie})
        response = connection.getresponse()
        page = response.read().decode()
        connection.close()
        # The page put its CSRF secret in the session: keep the session it sent back.
        jar = dict(part.split("=", 1) for part in cookie.split("; "))
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        if page.count('class="queue-row ') != 50:
            raise SystemExit("the queue page did not show 50 rows to the moderator")
        token = CSRF_RE.search(page).group(1)
        print(f"{os.cpu_count()} cores; gunicorn 2 gthread workers × 4 threads; SQLite; "
              f"{args.seconds:.0f} s each; load generator on the same machine\n")
        for clients in (int(c) for c in args.clients.split(",")):
            show(f"queue page, {clients} client(s)", run(
                f"{base}/moderation/queue", threads=clients, seconds=args.seconds,
                headers={"Cookie": cookie}))
            show(f"queue page htmx, kind filter, {clients}", run(
                f"{base}/moderation/queue?kind=report&age=1", threads=clients,
                seconds=args.seconds, headers={"Cookie": cookie, "HX-Request": "true"}))
            ids, holds = holds[:2000], holds[2000:]
            show(f"decide one item, {clients} client(s)", decide_many(
                port, cookie, token, ids, threads=clients, seconds=args.seconds))
        print("target: p95 < 100 ms for the page and for deciding one item")
    finally:
        server.terminate()
        server.wait(timeout=20)

    ms, statements = in_process(app, email)
    print(f"\nIn process (Flask test client, one thread): queue page {ms:.1f} ms, "
          f"{statements:.1f} SQL statements a page")


if __name__ == "__main__":
    main()
