"""AUC-10: "My bids" lists every auction of a member's history. Its bidding, won, lost and
"my auctions" lists were cut silently at 200 auctions; each is now paged on its own (newest
first, ties by id), the other lists keeping their page."""
import html as html_lib
import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.blueprints.auctions import queries
from app.blueprints.auctions.state import effective_winner
from app.database import utcnow
from app.extensions import db
from app.models import Auction, Bid
from tests.conftest import category_id

PRICE = 200_00


def _auctions(seller, count, *, ends_at, leader, bidders=(), title="ประมูล", **fields):
    """``count`` auctions of ``seller`` ending at ``ends_at`` (the same moment for all: the
    order must break ties), each bid on by ``bidders`` and led by ``leader``; written in bulk.
    Their titles are ``<title> <n>``."""
    rows = []
    for n in range(count):
        values = dict(
            seller_id=seller.id, category_id=category_id(), title=f"{title} {n}",
            starting_price_satang=100_00, min_increment_satang=10_00,
            starts_at=ends_at - timedelta(days=3), ends_at=ends_at, planned_end_at=ends_at,
            current_price_satang=PRICE, bid_count=len(bidders),
            leader_id=leader.id if leader else None, leader_max_satang=PRICE, version=1,
            history_lines=len(bidders))
        values.update(fields)
        rows.append(Auction(**values))
    db.session.add_all(rows)
    db.session.flush()
    for auction in rows:
        for sequence, bidder in enumerate(bidders, 1):
            db.session.add(Bid(auction_id=auction.id, sequence=sequence, bidder_id=bidder.id,
                               amount_satang=PRICE - 10_00 * (len(bidders) - sequence),
                               max_satang=PRICE))
    db.session.commit()
    return rows


def _section(page, anchor):
    """The part of the page under the heading ``id=anchor``, up to the next heading."""
    return page.split(f'<h2 id="{anchor}">', 1)[1].split("<h2", 1)[0]


def _titles(part):
    return re.findall(r'listing-card__title">([^<]*)<', part)


def _walk(client, anchor, start="/auctions/mine"):
    """Follow one list's "next" links from ``start``: the titles of each page, and each
    page's whole HTML."""
    pages, url = [], start
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        part = _section(page, anchor)
        pages.append((_titles(part), page))
        following = re.findall(r'href="([^"]*)">[^<]*→</a>', part)
        assert len(following) <= 1
        url = html_lib.unescape(following[0]) if following else None
        assert len(pages) < 50, "the next links go round in circles"
    return pages


def _reached_once(pages, expected):
    shown = [title for titles, _ in pages for title in titles]
    assert len(shown) == len(set(shown)), f"shown twice: {shown}"
    assert sorted(shown) == sorted(a.title for a in expected)
    return shown


@pytest.mark.parametrize("anchor", ["won", "lost"])
def test_every_won_and_lost_auction_is_reachable_once_through_pages_auc_10(
        board, make_member, monkeypatch, anchor):
    """AUC-10: more ended auctions than one page, many ending at the same moment: the first
    page shows one page (the latest to end first), "next" links reach every auction exactly
    once, in order, and the last page has no "next"."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    now = utcnow()
    alice, bob = board.alice, board.bob
    leader = alice if anchor == "won" else bob
    older = _auctions(board.seller, 5, ends_at=now - timedelta(days=5), leader=leader,
                      bidders=(alice, bob) if anchor == "lost" else (bob, alice),
                      title="เก่า")
    newer = _auctions(board.seller, 6, ends_at=now - timedelta(days=1), leader=leader,
                      bidders=(alice, bob) if anchor == "lost" else (bob, alice),
                      title="ใหม่")
    pages = _walk(board.alice_client, anchor)
    assert [len(titles) for titles, _ in pages] == [4, 4, 3]
    shown = _reached_once(pages, older + newer)
    # Newest first: the six that ended a day ago, then the five of five days ago.
    assert set(shown[:6]) == {a.title for a in newer}
    other = "lost" if anchor == "won" else "won"
    for _, page in pages:
        assert _titles(_section(page, other)) == []


def test_paging_one_list_keeps_the_others_page_auc_10(board, monkeypatch):
    """AUC-10: the "next" link of the won list keeps the page the lost list and the
    watchlist were on, and the lost list's "previous" link keeps the won list's page."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    now = utcnow()
    alice, bob = board.alice, board.bob
    won = _auctions(board.seller, 5, ends_at=now - timedelta(days=2), leader=alice,
                    bidders=(bob, alice), title="ชนะ")
    lost = _auctions(board.seller, 5, ends_at=now - timedelta(days=2), leader=bob,
                     bidders=(alice, bob), title="แพ้")
    start = "/auctions/mine?lost_page=2&watched_page=1"
    pages = _walk(board.alice_client, "won", start)
    _reached_once(pages, won)
    lost_second = _titles(_section(pages[0][1], "lost"))
    assert len(lost_second) == 2 and set(lost_second) <= {a.title for a in lost}
    for _, page in pages:
        assert _titles(_section(page, "lost")) == lost_second
        assert "watched_page=1" in _section(page, "won")
    last = pages[-1][1]
    previous = re.findall(r'href="([^"]*)">← [^<]*</a>', _section(last, "lost"))
    assert len(previous) == 1
    assert "won_page=3" in previous[0] and "lost_page=1" in previous[0]


def test_every_running_auction_bid_on_is_reachable_once_ending_soonest_first_auc_10(
        board, monkeypatch):
    """AUC-10: "Bidding now" is paged too, ending soonest first (ties by id), each card
    saying whether the member leads."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    now = utcnow()
    alice, bob = board.alice, board.bob
    later = _auctions(board.seller, 4, ends_at=now + timedelta(days=3), leader=alice,
                      bidders=(bob, alice), title="นำอยู่")
    sooner = _auctions(board.seller, 3, ends_at=now + timedelta(hours=2), leader=bob,
                       bidders=(alice, bob), title="ถูกแซง")
    # The fixture's auction, not bid on, is not listed.
    pages = _walk(board.alice_client, "bidding")
    assert [len(titles) for titles, _ in pages] == [3, 3, 1]
    shown = _reached_once(pages, later + sooner)
    assert set(shown[:3]) == {a.title for a in sooner}
    first = _section(pages[0][1], "bidding")
    assert first.count('data-bid-status="outbid"') == 3
    assert _section(pages[1][1], "bidding").count('data-bid-status="leading"') == 3


def test_every_auction_a_member_sells_is_reachable_once_newest_first_auc_10(
        board, monkeypatch):
    """AUC-10: "My auctions" (hidden ones included: the seller still sees them) is paged,
    newest first, ties by id."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    now = utcnow()
    mine = _auctions(board.alice, 7, ends_at=now + timedelta(days=1), leader=None,
                     title="ของฉัน", bid_count=0, leader_max_satang=None,
                     current_price_satang=100_00)
    mine[0].hidden_at = now
    newest = mine[-2:]
    db.session.execute(update(Auction).where(Auction.id.in_([a.id for a in mine]))
                       .values(created_at=now - timedelta(days=1)))
    db.session.execute(update(Auction).where(Auction.id.in_([a.id for a in newest]))
                       .values(created_at=now))
    db.session.commit()
    pages = _walk(board.alice_client, "selling")
    assert [len(titles) for titles, _ in pages] == [3, 3, 1]
    shown = _reached_once(pages, mine)
    assert shown[:2] == [newest[1].title, newest[0].title]


def test_a_history_longer_than_the_old_cut_of_200_is_all_reachable_auc_10(board):
    """AUC-10: a collector who lost 230 auctions: the list was cut at 200 without a word;
    the pages (of the real size) now reach all 230."""
    now = utcnow()
    alice, bob = board.alice, board.bob
    lost = []
    for day in range(1, 24):
        lost += _auctions(board.seller, 10, ends_at=now - timedelta(days=day), leader=bob,
                          bidders=(alice, bob), title=f"วันที่ {day} ชิ้น")
    pages = _walk(board.alice_client, "lost")
    _reached_once(pages, lost)
    assert len(pages) == -(-230 // queries.PAGE_SIZE)


@pytest.mark.parametrize("case", [
    "no reserve", "reserve met", "reserve not met", "fake sign", "authentic sign",
    "settled to me", "settled unsold", "settled to another"])
def test_won_and_lost_lists_follow_who_wins_by_the_rules_auc_10(board, case):
    """AUC-10, AUC-3: the won/lost split made in the database agrees with the rule the
    auction page follows (``effective_winner``): reserve, STOP signs and a settled winner."""
    now = utcnow()
    alice, bob = board.alice, board.bob
    fields = {
        "no reserve": {}, "reserve met": dict(reserve_satang=PRICE),
        "reserve not met": dict(reserve_satang=PRICE + 1), "fake sign": dict(stop_sign="fake"),
        "authentic sign": dict(stop_sign="authentic"),
        "settled to me": dict(settled_at=now, winner_id=alice.id),
        "settled unsold": dict(settled_at=now, winner_id=None),
        "settled to another": dict(settled_at=now, winner_id=bob.id),
    }[case]
    auction, = _auctions(board.seller, 1, ends_at=now - timedelta(hours=1), leader=alice,
                         bidders=(bob, alice), **fields)
    won = [a.id for a in queries.my_bids(alice.id, now, "won")]
    lost = [a.id for a in queries.my_bids(alice.id, now, "lost")]
    expected = effective_winner(auction) == alice.id
    assert (won, lost) == (([auction.id], []) if expected else ([], [auction.id]))
    assert expected == (case in ("no reserve", "reserve met", "authentic sign",
                                 "settled to me"))


def test_the_sql_won_or_lost_rule_is_effective_winner_in_every_case_auc_10(board):
    """AUC-10, AUC-3, AUC-7, CMP-3: ``queries._won_by`` (the SQL the won and lost lists are
    paged by) repeats ``state.effective_winner``; pinned together over every combination of
    what that rule reads: reserve (none, below, at, above the price), bids or none, leader
    (none, the member, another), every sign kind (MOD-1) or none, hidden or not, and settled
    (to nobody, the member, another) or not. A change to one that the other does not follow
    fails here."""
    from sqlalchemy import select

    from app.blueprints.moderation.sign_texts import SIGN_LABELS

    now = utcnow()
    alice, bob = board.alice, board.bob
    rows = []
    for n, (reserve, bids, leader, sign, hidden, settled) in enumerate(itertools.product(
            (None, PRICE - 10_00, PRICE, PRICE + 1), (0, 2), (None, alice.id, bob.id),
            (None, *SIGN_LABELS), (False, True),
            ("no", None, alice.id, bob.id))):
        rows.append(Auction(
            seller_id=board.seller.id, category_id=category_id(), title=f"กรณี {n}",
            starting_price_satang=100_00, min_increment_satang=10_00,
            starts_at=now - timedelta(days=3), ends_at=now - timedelta(hours=1),
            planned_end_at=now - timedelta(hours=1), current_price_satang=PRICE,
            bid_count=bids, leader_id=leader, leader_max_satang=PRICE, reserve_satang=reserve,
            stop_sign=sign, hidden_at=now if hidden else None, version=1,
            settled_at=None if settled == "no" else now,
            winner_id=None if settled == "no" else settled))
    db.session.add_all(rows)
    db.session.commit()
    for member in (alice.id, bob.id):
        in_sql = dict(db.session.execute(select(Auction.id, queries._won_by(member)).where(
            Auction.id.in_([a.id for a in rows]))).all())
        differ = [a.title for a in rows if in_sql[a.id] != int(effective_winner(a) == member)]
        assert differ == []
    assert {in_sql[a.id] for a in rows} == {0, 1}
