"""Shill signals read in the statement that locks the auction for a bid (AUC-12): staff of the
seller's shop are refused at the confirmed post too, and a bid is flagged for the address or
device of a live log-in session of the seller, never for an expired one or an empty value."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.auctions import bidding
from app.blueprints.auctions.shill import Signals
from app.blueprints.auctions.errors import BidNotAccepted
from app.database import utcnow
from app.extensions import db
from app.models import Bid, BidFlag, LoginSession, ShopStaff
from tests.conftest import csrf_from

BAHT = 100
HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.usefixtures("english")


def seller_session(seller, *, ip="", device="", expires_in=timedelta(hours=1)):
    now = utcnow()
    db.session.add(LoginSession(token_hash=f"{ip}{device}{expires_in}"[:64], user_id=seller.id,
                                created_at=now, last_seen_at=now, expires_at=now + expires_in,
                                ip=ip, device=device))
    db.session.commit()


def flags():
    return sorted(db.session.scalars(select(BidFlag.reason)).all())


def test_staff_are_refused_at_the_confirmed_post_auc_12(board, make_shop):
    """A post that skips the confirmation step (the page's own confirmation sends it straight)
    meets the same refusal under the lock, and nothing is written."""
    shop = make_shop(owner=board.seller)
    db.session.add(ShopStaff(shop_id=shop.id, user_id=board.bob.id))
    db.session.commit()
    url = f"/auctions/{board.auction.id}"
    token = csrf_from(board.bob_client.get(url).get_data(as_text=True))
    response = board.bob_client.post(f"{url}/bid", headers=HTMX, data={
        "csrf_token": token, "amount": "500", "mode": "proxy", "confirmed": "yes",
        "version": str(board.auction.version), "leading": "0"})
    assert response.status_code == 422
    assert "Staff of the seller" in response.get_data(as_text=True)
    assert db.session.scalar(select(Bid.id)) is None
    with pytest.raises(BidNotAccepted):
        bidding.place_bid(board.auction.id, board.bob, 500 * BAHT, proxy=True)


def test_the_sellers_live_session_address_flags_a_bid_auc_12(board):
    seller_session(board.seller, ip="203.0.113.50")
    bidding.place_bid(board.auction.id, board.alice, 500 * BAHT, proxy=True,
                      ip="203.0.113.50", device="a" * 32)
    db.session.commit()
    assert flags() == ["same_ip"]


def test_an_expired_session_or_an_empty_value_flags_nothing_auc_12(board):
    seller_session(board.seller, ip="203.0.113.60", device="e" * 32,
                   expires_in=-timedelta(minutes=1))
    seller_session(board.seller, ip="", device="")  # a session that recorded neither
    bidding.place_bid(board.auction.id, board.alice, 500 * BAHT, proxy=True,
                      ip="203.0.113.60", device="e" * 32)
    db.session.commit()
    bidding.place_bid(board.auction.id, board.bob, 700 * BAHT, proxy=True, ip="", device="")
    db.session.commit()
    assert flags() == []


def test_address_and_device_both_flag_a_buy_now_auc_12(board, make_auction):
    auction = make_auction(seller=board.seller, buy_now_satang=5_000 * BAHT)
    seller_session(board.seller, ip="203.0.113.70", device="f" * 32)
    bidding.buy_now(auction.id, board.alice, ip="203.0.113.70", device="f" * 32)
    db.session.commit()
    assert flags() == ["same_device", "same_ip"]


def test_signals_are_read_for_the_seller_only_and_never_for_empty_values_auc_12(board):
    """The locking statement's own answer: another member's live session at the bid's address
    is no signal; an empty address or device matches no session, even one that recorded
    none."""
    seller_session(board.bob, ip="203.0.113.80", device="b" * 32)  # not the seller
    seller_session(board.seller, ip="", device="")
    locked = bidding.lock_for_bid(board.auction.id, board.alice.id, ip="203.0.113.80",
                                  device="b" * 32)
    assert locked.signals == Signals(staff=False, seller_ip=False, seller_device=False)
    db.session.rollback()
    locked = bidding.lock_for_bid(board.auction.id, board.alice.id, ip="", device="")
    assert locked.signals == Signals(staff=False, seller_ip=False, seller_device=False)
    db.session.rollback()
    seller_session(board.seller, ip="203.0.113.81", device="c" * 32)
    locked = bidding.lock_for_bid(board.auction.id, board.alice.id, ip="203.0.113.81",
                                  device="c" * 32)
    assert locked.signals == Signals(staff=False, seller_ip=True, seller_device=True)
    db.session.rollback()


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "page"])
def test_a_confirmed_bid_on_a_hidden_auction_is_a_404_cmp_3(board, headers):
    """A bid posted straight (the page's own confirmation) on an auction whose publication
    was suspended meanwhile shows nothing of it: 404, as the page itself answers."""
    from app.models import Auction

    url = f"/auctions/{board.auction.id}"
    token = csrf_from(board.alice_client.get(url).get_data(as_text=True))
    auction = db.session.get(Auction, board.auction.id)
    auction.hidden_at = utcnow()
    db.session.commit()
    response = board.alice_client.post(f"{url}/bid", headers=headers, data={
        "csrf_token": token, "amount": "500", "mode": "proxy", "confirmed": "yes",
        "version": str(auction.version), "leading": "0"})
    assert response.status_code == 404
    assert auction.title not in response.get_data(as_text=True)
    assert db.session.scalar(select(Bid.id)) is None
