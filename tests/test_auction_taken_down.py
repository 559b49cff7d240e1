"""CMP-3, AUC-10: an auction taken down after an upheld complaint vanished from its bidders'
"My bids" without a word (its page is gone for everyone but the seller and moderators), and
the seller's "My auctions" card did not say it was down. Bidders now find it under "Taken
down", with no link to the page, told what became of their bid; the seller's card says so."""
import re
from datetime import timedelta

from app.blueprints.auctions import bidding
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import Auction
from sqlalchemy import update
from tests.test_auction_hidden_panel import _restore
from tests.test_live import uphold_against

BAHT = 100
HOSTILE = '<script>alert("x")</script> พระรอด'


def _taken_down(page):
    """The "Taken down" section of My bids, or None when the page has none."""
    if 'id="taken-down"' not in page:
        return None
    return page.split('<h2 id="taken-down">', 1)[1].split("<h2", 1)[0]


def _outcomes(section):
    return re.findall(r'data-outcome="([a-z_]+)"', section)


def _mine(client):
    response = client.get("/auctions/mine")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _bid(auction, member, baht):
    bidding.place_bid(auction.id, member, baht * BAHT, proxy=False, now=utcnow())
    db.session.commit()


def _end(app, auction, settle=True):
    """Time passes: the auction's end is a minute ago (and the settling job has run)."""
    db.session.execute(update(Auction).where(Auction.id == auction.id).values(
        starts_at=utcnow() - timedelta(days=2), ends_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    if settle:
        JOBS["settle-auctions"](app, utcnow())
    return db.session.get(Auction, auction.id, populate_existing=True)


def test_bidders_are_told_of_a_running_auction_taken_down_cmp_3_auc_10(
        board, moderator, make_auction, client_for, make_member):
    auction = make_auction(seller=board.seller, title=HOSTILE)
    _bid(auction, board.alice, 150)
    _bid(auction, board.bob, 200)
    assert _taken_down(_mine(board.alice_client)) is None
    uphold_against(auction, moderator)

    for client in (board.alice_client, board.bob_client):
        page = _mine(client)
        section = _taken_down(page)
        assert section is not None
        assert _outcomes(section) == ["waiting"]
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; พระรอด" in section
        assert HOSTILE not in page
        # The page is gone for them: no link to it, no photo of it.
        assert f"/auctions/{auction.id}" not in page
        assert "No one can bid while it is down" in section
    # Someone who never bid is told nothing of it.
    assert _taken_down(_mine(client_for(make_member()))) is None
    # The seller's own card says it is down (the seller still sees the page).
    seller_page = _mine(board.seller_client)
    assert _taken_down(seller_page) is None
    selling = seller_page.split('<h2 id="selling">', 1)[1].split("<h2", 1)[0]
    assert "Taken down after a complaint" in selling
    assert f"/auctions/{auction.id}" in selling


def test_published_again_it_is_back_under_bidding_now_cmp_3_auc_10(
        board, moderator, make_auction):
    auction = make_auction(seller=board.seller, title="พระนางพญา")
    _bid(auction, board.alice, 150)
    uphold_against(auction, moderator)
    _restore(auction, moderator)
    page = _mine(board.alice_client)
    assert _taken_down(page) is None
    bidding_now = page.split('<h2 id="bidding">', 1)[1].split("<h2", 1)[0]
    assert "พระนางพญา" in bidding_now
    seller_page = _mine(board.seller_client)
    assert "Taken down after a complaint" not in seller_page


def test_an_auction_that_ended_while_down_has_no_winner_cmp_3_auc_3(
        app, board, moderator, make_auction):
    auction = make_auction(seller=board.seller)
    _bid(auction, board.alice, 150)
    uphold_against(auction, moderator)
    section = _taken_down(_mine(board.alice_client))
    assert _outcomes(section) == ["waiting"]
    # Ended, before and after the settling job ran.
    _end(app, auction, settle=False)
    assert _outcomes(_taken_down(_mine(board.alice_client))) == ["no_winner"]
    settled = _end(app, auction)
    assert settled.settled_at is not None and settled.winner_id is None
    section = _taken_down(_mine(board.alice_client))
    assert _outcomes(section) == ["no_winner"]
    assert "no one won it" in section


def test_the_winner_of_an_auction_taken_down_after_its_sale_still_reaches_the_sale_cmp_3(
        app, sale, moderator):
    """The sale made before the complaint goes on: its winner finds the way to it here (the
    auction's page, which led there, is gone); the other bidder is told they lost."""
    _end(app, sale.auction, settle=False)
    uphold_against(sale.auction, moderator)
    section = _taken_down(_mine(sale.alice_client))
    assert _outcomes(section) == ["won"]
    assert f'href="/auctions/sales/{sale.sale.id}"' in section
    assert "You won it before it was taken down." in section
    assert sale.alice_client.get(f"/auctions/sales/{sale.sale.id}").status_code == 200


def test_a_bidder_who_lost_before_it_was_taken_down_is_told_so_cmp_3(
        app, board, moderator, make_auction):
    auction = make_auction(seller=board.seller)
    _bid(auction, board.bob, 150)
    _bid(auction, board.alice, 300)
    assert _end(app, auction).winner_id == board.alice.id
    uphold_against(auction, moderator)
    bob_section = _taken_down(_mine(board.bob_client))
    assert _outcomes(bob_section) == ["lost"]
    assert "/auctions/sales/" not in bob_section
    assert _outcomes(_taken_down(_mine(board.alice_client))) == ["won"]


def test_taken_down_is_in_thai_for_thai_members_cmp_3(board, moderator, make_auction):
    auction = make_auction(seller=board.seller)
    _bid(auction, board.alice, 150)
    uphold_against(auction, moderator)
    board.alice_client.set_cookie("lang", "th")
    section = _taken_down(_mine(board.alice_client))
    assert "No one can bid" not in section
    assert re.search("[\u0e00-\u0e7f]", section)
