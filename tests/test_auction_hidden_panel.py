"""AUC-2, CMP-3: an auction page whose live stream is unavailable polls the panel. Once the
auction was hidden, the poll was answered 404: htmx swapped nothing, so the member kept seeing
the last figures, and the page polled for ever. The poll is now answered with the panel's last
word (status 286: htmx stops polling), which replaces the whole panel with one that neither
polls nor listens to the stream, and says nothing of the auction."""
import re

import pytest

from app.blueprints.auctions import bidding
from app.database import utcnow
from app.extensions import db
from app.models import Auction
from tests.test_live import uphold_against

HTMX = {"HX-Request": "true"}
BAHT = 100
TITLE = "พระปิดตาหลวงปู่ทับ"
GONE = "This auction is no longer available."
#: What makes an element poll or listen to the live stream (htmx and its SSE extension).
LIVE_ATTRIBUTES = ("hx-trigger", "hx-get", "sse-connect", "sse-swap", "data-poll-fallback",
                   "hx-ext")


def _poll(client, auction_id):
    return client.get(f"/auctions/{auction_id}/panel", headers=HTMX)


def _hidden_auction(board, moderator, make_auction):
    """Seller's auction with Alice's bid, its page open, then hidden after a complaint."""
    auction = make_auction(seller=board.seller, title=TITLE)
    bidding.place_bid(auction.id, board.alice, 150 * BAHT, proxy=False, now=utcnow())
    db.session.commit()
    page = board.alice_client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    live = re.search(r'<section id="bid-panel"[^>]*>', page).group(0)
    assert 'hx-trigger="every 3s"' in live and f"/auctions/{auction.id}/panel" in live
    assert _poll(board.alice_client, auction.id).status_code == 200
    uphold_against(auction, moderator)
    assert db.session.get(Auction, auction.id).hidden_at is not None
    return auction


def _assert_last_word(response, message=GONE):
    """The poll's answer for an auction the viewer may no longer see."""
    assert response.status_code == 286, "286: htmx stops polling"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<body" not in html
    assert message in html
    # It stands in for the whole panel (the page's scripts find it by id), and it neither
    # polls nor listens any more.
    assert re.match(r'\s*(\{#.*?#\}\s*)?<section id="bid-panel"', html, re.S)
    for attribute in LIVE_ATTRIBUTES:
        assert attribute not in html, attribute
    # Nothing of the auction: no figures, no title, no history.
    assert "data-price" not in html and TITLE not in html and "฿" not in html
    assert 'data-phase="halted"' in html  # the bid form closes (talat.js, syncBidBox)
    return html


@pytest.mark.parametrize("who", ["alice", "bob", "visitor"])
def test_polling_a_hidden_auction_stops_with_a_message_auc_2_cmp_3(
        board, moderator, make_auction, client_for, who):
    """AUC-2, CMP-3: the bidder, another member and a visitor whose page polls the panel of
    an auction hidden meanwhile are told it is no longer available, and the polls stop."""
    auction = _hidden_auction(board, moderator, make_auction)
    client = {"alice": board.alice_client, "bob": board.bob_client,
              "visitor": client_for(None)}[who]
    _assert_last_word(_poll(client, auction.id))
    # Outside htmx the panel's address is still not there, as the auction's page.
    assert client.get(f"/auctions/{auction.id}/panel").status_code == 404
    assert client.get(f"/auctions/{auction.id}").status_code == 404


def test_the_last_word_is_in_the_members_language_auc_2(board, moderator, make_auction):
    """AUC-2: the message is translated (Thai, the site's first language, here; the other
    tests read it in English)."""
    auction = _hidden_auction(board, moderator, make_auction)
    board.bob_client.set_cookie("lang", "th")
    html = _assert_last_word(_poll(board.bob_client, auction.id), "การประมูลนี้ไม่เปิดให้ชมแล้ว")
    assert "หน้านี้จะไม่อัปเดตอีก" in html and "no longer" not in html


def test_seller_and_moderator_still_poll_the_hidden_auctions_panel_auc_2_cmp_3(
        board, moderator, make_auction, client_for):
    """CMP-3: the seller and moderators still see a hidden auction: their polls go on
    with its figures."""
    auction = _hidden_auction(board, moderator, make_auction)
    for client in (board.seller_client, client_for(moderator)):
        response = _poll(client, auction.id)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "฿150" in html and 'data-phase="halted"' in html


def test_a_hidden_and_a_missing_auction_get_the_same_answer_cmp_3(
        board, moderator, make_auction, client_for):
    """CMP-3: the answer tells a visitor nothing, not even that a hidden auction exists: an
    auction that is not there is answered alike (and a page polling it stops too)."""
    auction = _hidden_auction(board, moderator, make_auction)
    visitor = client_for(None)
    hidden = _assert_last_word(_poll(visitor, auction.id))
    missing = _assert_last_word(_poll(visitor, 999_999))
    assert hidden == missing
    assert visitor.get("/auctions/999999/panel").status_code == 404


def test_a_stop_sign_that_does_not_hide_keeps_the_panel_polling_auc_2_auc_3(
        board, moderator, make_auction):
    """AUC-3: a STOP sign halts the auction but leaves it shown (it may come down): the
    polls go on, with the figures."""
    from app.blueprints.moderation.signs import hang_sign

    auction = make_auction(seller=board.seller, title=TITLE)
    hang_sign("auction", auction.id, "under_review", moderator, "Checking.", now=utcnow())
    db.session.commit()
    response = _poll(board.alice_client, auction.id)
    assert response.status_code == 200
    assert 'data-phase="halted"' in response.get_data(as_text=True)
