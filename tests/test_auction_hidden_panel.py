"""AUC-2, CMP-3: an auction page whose live stream is unavailable polls the panel. Once the
auction was hidden, the poll was answered 404: htmx swapped nothing, so the member kept seeing
the last figures, and the page polled for ever. The poll is now answered with the panel's last
word (status 286: htmx stops polling), which replaces the whole panel with one that no longer
listens to the stream, says nothing of the auction, and asks only every 30 seconds whether
the auction is back (204 while it is not); once it is published again, the whole live panel
comes back."""
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
#: What makes an element listen to the live stream (htmx's SSE extension) or poll it as the
#: live panel does.
LIVE_ATTRIBUTES = ("sse-connect", "sse-swap", "data-poll-fallback", "hx-ext", "every 3s")


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
    # It stands in for the whole panel (the page's scripts find it by id), and it no longer
    # listens: all it does is ask, every 30 seconds, whether the auction is back.
    assert re.match(r'\s*(\{#.*?#\}\s*)?<section id="bid-panel"', html, re.S)
    for attribute in LIVE_ATTRIBUTES:
        assert attribute not in html, attribute
    assert re.findall(r'hx-trigger="([^"]*)"', html) == ["every 30s"]
    assert re.findall(r'hx-get="([^"]*)"', html) == [
        response.request.path + "?gone=1"]
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
    assert "หน้านี้จะแสดงให้เห็นเอง" in html and "no longer" not in html


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
    # (each asks after its own address: the id the page polled, nothing more)
    assert hidden.replace(f"/{auction.id}/", "/999999/") == missing
    assert visitor.get("/auctions/999999/panel").status_code == 404
    for auction_id in (auction.id, 999_999):
        asked = visitor.get(f"/auctions/{auction_id}/panel?gone=1", headers=HTMX)
        assert asked.status_code == 204 and asked.get_data() == b""


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


def _restore(auction, moderator):
    """The owner's answer accepted (CMP-3): the auction is published again."""
    from sqlalchemy import select

    from app.blueprints.complaints import hiding
    from app.models import ComplaintTarget, User

    target = db.session.scalar(select(ComplaintTarget).where(
        ComplaintTarget.target_type == "auction", ComplaintTarget.target_id == auction.id))
    hiding.restore_target(target, db.session.get(User, moderator.id), now=utcnow())
    db.session.commit()
    assert db.session.get(Auction, auction.id).hidden_at is None


@pytest.mark.parametrize("who", ["alice", "visitor"])
def test_a_page_told_the_auction_was_gone_comes_back_when_it_is_published_again_auc_2_cmp_3(
        board, moderator, make_auction, client_for, who):
    """AUC-2, CMP-3: the page that showed "no longer available" keeps asking, slowly, whether
    the auction is back: nothing while it is hidden; once the owner's answer is accepted and
    it is published again, the whole live panel (stream, polls, figures, open for bids) takes
    the message's place, without a reload. (The message's panel used to poll nothing: the
    page stayed "no longer available", bidding closed, until the member reloaded it.)"""
    auction = _hidden_auction(board, moderator, make_auction)
    client = {"alice": board.alice_client, "visitor": client_for(None)}[who]
    gone = _assert_last_word(_poll(client, auction.id))
    ask = re.search(r'hx-get="([^"]*)"', gone).group(1)
    while_hidden = client.get(ask, headers=HTMX)
    assert while_hidden.status_code == 204
    _restore(auction, moderator)
    back = client.get(ask, headers=HTMX)
    assert back.status_code == 200
    assert back.headers["HX-Reswap"] == "outerHTML"
    assert back.headers["Cache-Control"] == "no-store"
    html = back.get_data(as_text=True)
    section = re.search(r'<section id="bid-panel"[^>]*>', html).group(0)
    assert 'hx-trigger="every 3s"' in section and f"/auctions/{auction.id}/live" in section
    assert f'hx-get="/auctions/{auction.id}/panel"' in section and "data-poll-fallback" in section
    assert "฿150" in html and 'data-phase="open"' in html and "data-hidden" not in html
    if who == "alice":
        assert 'data-bid-status="leading"' in html
    # The page's usual polls go on as before.
    assert _poll(client, auction.id).status_code == 200
