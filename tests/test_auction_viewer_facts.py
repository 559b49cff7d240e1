"""The auction page reads a member's own part in an auction in one statement: whether they
bid, their maximum (shown to them only, AUC-9) and whether they watch it (AUC-10)."""
import pytest

from app.blueprints.auctions import bidding, queries, watching
from app.database import utcnow
from app.extensions import db

BAHT = 100

pytestmark = pytest.mark.usefixtures("english")


def test_a_visitor_has_no_part_in_an_auction_auc_9(board):
    assert queries.viewer_facts(None, board.auction.id) == queries.NO_VIEWER


def test_a_members_bid_maximum_and_watch_are_read_together_auc_9_auc_10(board, make_auction):
    auction, other = board.auction, make_auction(seller=board.seller)
    assert queries.viewer_facts(board.alice.id, auction.id) == queries.ViewerFacts(
        has_bid=False, my_max=None, watching=False)
    for auction_id, member, amount in ((auction.id, board.alice, 300), (other.id, board.bob, 900),
                                       (auction.id, board.alice, 450)):  # she raises hers
        bidding.place_bid(auction_id, member, amount * BAHT, proxy=True)
        db.session.commit()
    assert watching.toggle_watch(board.alice, auction, utcnow())
    db.session.commit()
    assert queries.viewer_facts(board.alice.id, auction.id) == queries.ViewerFacts(
        has_bid=True, my_max=450 * BAHT, watching=True)
    # Another member's bids and watches, and her own on other auctions, are not hers here.
    assert queries.viewer_facts(board.bob.id, auction.id) == queries.ViewerFacts(
        has_bid=False, my_max=None, watching=False)
    assert queries.viewer_facts(board.alice.id, other.id) == queries.ViewerFacts(
        has_bid=False, my_max=None, watching=False)
    # The single questions agree with it.
    assert queries.has_bid(board.alice.id, auction.id) is True
    assert queries.my_maximum(board.alice.id, auction.id) == 450 * BAHT
    assert queries.is_watching(board.alice.id, auction.id) is True
    assert queries.is_watching(board.bob.id, auction.id) is False
