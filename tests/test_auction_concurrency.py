"""Bidding under real concurrency, on SQLite and PostgreSQL (AUC-6, AUC-7, AUC-8).

Many members, each with their own logged-in client in a real thread, post confirmed bids at
one auction at the same moment. Afterwards the bid history must be exactly the accepted bids,
in one gap-free order, and replaying them through the pure engine (and the slow reference
model) must give exactly the auction's final state. Bids racing the end must be refused once
it has passed, and the settlement job run from several threads at once settles only once.
"""
import random
import re
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.blueprints.auctions import engine, lifecycle, panel
from app.blueprints.auctions.bidding import lock_auction
from app.blueprints.auctions.engine import BAHT
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import Auction, Bid, Category, Sale
from tests.conftest import csrf_from
from tests.test_auction_engine import Reference

BIDDERS = 12
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
ENDED = "This auction has ended"


@pytest.fixture
def arena(app, make_member, login):
    """A seller's open auction (฿100 start, the increment table) and twelve bidders, each
    with a logged-in client (English pages) and the auction page's CSRF token."""
    seller = make_member(display_name="Seller")
    category = db.session.scalar(select(Category.id).where(Category.slug == "phra-somdet"))
    auction = lifecycle.create_auction(seller, dict(
        title="พระสมเด็จวัดระฆัง พิมพ์ใหญ่", category_id=category, duration_days=7,
        starting_price_satang=100 * BAHT, min_increment_satang=1 * BAHT), now=utcnow())
    db.session.commit()
    bidders = []
    for n in range(BIDDERS):
        member = make_member(display_name=f"Bidder {n}")
        client = app.test_client()
        client.set_cookie("lang", "en")
        login(member.email, target=client)
        token = csrf_from(client.get(f"/auctions/{auction.id}").get_data(as_text=True))
        bidders.append((member.id, client, token))
    yield auction.id, bidders
    # The live panel is cached per (auction id, version) in the process; the next test's
    # auction gets the same id in the emptied tables, so the many versions made here must go.
    panel._cache.clear()


def submit(client, token, auction_id, bidder_id, amount, proxy, tries=4):
    """Bid as a member does: the confirmation step, then the confirmed post. When the
    auction moved on meanwhile, the page asks again with the new state; confirm again, a few
    times. Returns what happened: "accepted", "refused" (with the message) or "stale"."""
    url = f"/auctions/{auction_id}/bid"
    data = {"csrf_token": token, "amount": str(amount // BAHT),
            "mode": "proxy" if proxy else "direct"}
    started = time.monotonic()
    response = client.post(url, data=data)
    for _ in range(tries):
        if response.status_code != 200:
            break
        version = VERSION_RE.search(response.get_data(as_text=True)).group(1)
        response = client.post(url, data={**data, "confirmed": "yes", "version": version})
    outcome = {302: "accepted", 422: "refused", 200: "stale"}.get(response.status_code)
    assert outcome is not None, (response.status_code, response.get_data(as_text=True)[:500])
    return dict(outcome=outcome, bidder=bidder_id, amount=amount, proxy=proxy,
                started=started, body=response.get_data(as_text=True) if outcome == "refused"
                else "")


def in_threads(count, target):
    """Run ``target(i)`` in ``count`` real threads at once and wait for all of them."""
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait()
            target(index)
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def fresh_auction(auction_id):
    """The auction as committed now (the test's own session re-reads it)."""
    db.session.commit()
    return db.session.get(Auction, auction_id, populate_existing=True)


def bid_rows(auction_id):
    return db.session.scalars(select(Bid).where(Bid.auction_id == auction_id)
                              .order_by(Bid.sequence)).all()


def check_history(auction_id, results):
    """The invariants of AUC-6 after any concurrent run: one gap-free order, every accepted
    bid recorded once, nothing from a refused one, and the final state equal to the engine's
    (and the reference model's) replay of the accepted bids in that order."""
    auction = fresh_auction(auction_id)
    rows = bid_rows(auction_id)
    assert [row.sequence for row in rows] == list(range(1, len(rows) + 1))
    assert auction.history_lines == len(rows)  # the next bid numbers on from here
    # The order of the history is the order of time: the clock is read under the lock.
    assert all(a.created_at <= b.created_at for a, b in zip(rows, rows[1:], strict=False))

    accepted = [r for r in results if r["outcome"] == "accepted"]
    own = [row for row in rows if row.kind != "auto"]
    assert Counter((r["bidder"], r["amount"]) for r in accepted) == Counter(
        (row.bidder_id, row.max_satang) for row in own)
    taken = {(r["bidder"], r["amount"]) for r in accepted}
    for refused in (r for r in results if r["outcome"] != "accepted"):
        assert (refused["bidder"], refused["amount"]) not in taken or refused["amount"] in {
            row.max_satang for row in own if row.bidder_id == refused["bidder"]}
    assert len(own) == len(accepted)

    proxy_of = {(r["bidder"], r["amount"]): r["proxy"] for r in accepted}
    state = engine.State(starting_price=auction.starting_price_satang,
                         seller_increment=auction.min_increment_satang,
                         price=auction.starting_price_satang, reserve=auction.reserve_satang,
                         buy_now=auction.buy_now_satang)
    model = Reference(state.starting_price, state.seller_increment, state.reserve)
    expected_lines = []
    for row in own:
        proxy = proxy_of[(row.bidder_id, row.max_satang)]
        outcome = engine.place(state, row.bidder_id, row.max_satang, proxy=proxy)
        assert model.bid(row.bidder_id, row.max_satang, proxy)
        state = outcome.state
        assert (state.leader, state.price) == (model.leader(), model.price())
        expected_lines += [(line.bidder, line.amount, line.kind, line.max_amount)
                           for line in outcome.lines]
    assert expected_lines == [(row.bidder_id, row.amount_satang, row.kind, row.max_satang)
                              for row in rows]
    assert (auction.current_price_satang, auction.leader_id, auction.leader_max_satang,
            auction.bid_count) == (state.price, state.leader, state.leader_max, state.bid_count)
    assert auction.bid_count == sum(1 for row in rows if row.kind != "raise")
    if accepted:
        # Exactly one leader: the highest maximum, the earliest on a tie.
        top = max(r["amount"] for r in accepted)
        assert auction.leader_max_satang == top
        assert auction.leader_id == model.leader()
    return auction, rows


@pytest.mark.parametrize("seed", [4, 2569])
def test_concurrent_bidders_lose_no_bid_and_match_the_engine_auc_6(app, arena, seed):
    """AUC-6: twelve bidders in real threads bid at once, direct and proxy mixed, for several
    rounds: every accepted bid is recorded exactly once in one gap-free order, refused ones
    leave nothing, and the final price, leader and maximum are the engine's replay of it."""
    auction_id, bidders = arena
    rng = random.Random(seed)
    results, lock = [], threading.Lock()
    for _round in range(6):
        auction = fresh_auction(auction_id)
        least = engine.minimum_bid(engine.State(
            starting_price=auction.starting_price_satang,
            seller_increment=auction.min_increment_satang, price=auction.current_price_satang,
            bid_count=auction.bid_count))
        plan = [(least + rng.randint(0, 40) * 5 * BAHT, rng.random() < 0.6)
                for _ in bidders]

        def bid(index, plan=plan):
            bidder_id, client, token = bidders[index]
            amount, proxy = plan[index]
            result = submit(client, token, auction_id, bidder_id, amount, proxy)
            with lock:
                results.append(result)

        in_threads(len(bidders), bid)

    assert Counter(r["outcome"] for r in results)["accepted"] >= 6
    check_history(auction_id, results)
    for refused in (r for r in results if r["outcome"] == "refused"):
        assert 'role="alert"' in refused["body"]


def test_bids_racing_the_end_are_refused_after_it_and_settle_once_auc_7_auc_8(app, arena):
    """AUC-7 / AUC-8: bidders keep bidding while the auction's end arrives. Bids before it
    are taken; none is taken at or after it (a bid that raises the price in the last five
    minutes would move the end, so the end here comes without one); every bid started after
    the end is refused with the reason; and the settlement job, run from three threads at
    once, settles the auction exactly once with the final leader and price."""
    auction_id, bidders = arena
    rng = random.Random(7)
    results, lock = [], threading.Lock()
    stop = threading.Event()
    ended = {}

    def bidder(index):
        bidder_id, client, token = bidders[index]
        while not stop.is_set():
            amount = (100 + rng.randint(0, 400) * 5) * BAHT + index * BAHT
            result = submit(client, token, auction_id, bidder_id, amount, rng.random() < 0.5)
            with lock:
                results.append(result)

    def clock():
        # The end arrives mid-race: the row is locked, as by any writer, and its end is now.
        time.sleep(0.6)
        with app.app_context():
            auction = lock_auction(auction_id)
            auction.ends_at = utcnow()
            auction.version += 1
            db.session.commit()
            db.session.remove()
        ended["at"] = time.monotonic()
        time.sleep(0.6)
        stop.set()

    def run(index):
        with app.app_context():
            try:
                if index == BIDDERS:
                    clock()
                else:
                    bidder(index)
            finally:
                db.session.remove()

    in_threads(BIDDERS + 1, run)

    auction, rows = check_history(auction_id, results)
    after = [r for r in results if r["started"] > ended["at"]]
    assert after, "no bid was fired after the end"
    for result in after:
        assert result["outcome"] == "refused", result
        assert ENDED in result["body"]
    assert all(row.created_at < auction.ends_at for row in rows)
    assert any(r["outcome"] == "accepted" for r in results)

    settled = []
    later = utcnow()

    def settle(_index):
        with app.app_context():
            try:
                settled.append(JOBS["settle-auctions"](app, later))
            finally:
                db.session.remove()

    in_threads(3, settle)
    assert sum(settled) == 1
    auction = fresh_auction(auction_id)
    sales = db.session.scalars(select(Sale).where(Sale.auction_id == auction_id)).all()
    assert len(sales) == 1
    assert (sales[0].buyer_id, sales[0].price_satang) == (
        auction.leader_id, auction.current_price_satang)
    assert auction.winner_id == auction.leader_id and auction.settled_at is not None
    assert db.session.scalar(select(func.count(Bid.id)).where(
        Bid.auction_id == auction_id)) == len(rows)
