"""The bid confirmation shown in the page (AUC-6, AUC-9): the bid box carries the state the
bidder sees (``version``, ``leading``) so a bid confirmed in the page is placed in one request;
a confirmation that no longer holds gets the server's own; without JavaScript the server still
confirms first."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Auction, Bid
from tests.conftest import csrf_from

pytestmark = pytest.mark.usefixtures("english")
BAHT = 100
HTMX = {"HX-Request": "true"}
HIDDEN = re.compile(r'<input type="hidden" name="(version|leading|confirmed)" value="([^"]*)">')


def fresh(auction):
    return db.session.get(Auction, auction.id, populate_existing=True)


def bids():
    return db.session.scalar(select(func.count(Bid.id)))


def box_state(html):
    """The hidden state of the bid form in a page or a bid box."""
    form = html.split('data-bid-form', 1)[1].split("</form>", 1)[0]
    return dict(HIDDEN.findall(form))


def bid_form(client, auction, amount, mode="proxy"):
    """What the bid form sends as the page drew it, before any confirmation."""
    html = client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    return {"csrf_token": csrf_from(html), "amount": str(amount), "mode": mode, **box_state(html)}


def confirmed_in_page(client, auction, amount, mode="proxy", headers=None):
    """Bid as the page's script does: one post, confirmed=yes, the state the box was drawn
    with."""
    data = {**bid_form(client, auction, amount, mode), "confirmed": "yes"}
    return client.post(f"/auctions/{auction.id}/bid", data=data, headers=headers or {})


def test_the_bid_box_carries_the_state_the_bidder_sees_auc_9(board):
    """AUC-9: version and leading come from the auction as drawn; confirmed starts empty, and
    the in-page confirmation is drawn with the server's sentences."""
    html = board.alice_client.get(f"/auctions/{board.auction.id}").get_data(as_text=True)
    assert box_state(html) == {"version": str(fresh(board.auction).version), "leading": "0",
                               "confirmed": ""}
    assert "<template data-bid-confirm>" in html and "Check your bid" in html
    assert "You set a maximum of [[amount]]." in html and "You bid exactly [[amount]]." in html
    assert "Current price: [[price]]." in html

    # The box the server sends back after a bid is drawn from the state that bid left.
    response = confirmed_in_page(board.alice_client, board.auction, 200, headers=HTMX)
    assert response.status_code == 200
    auction = fresh(board.auction)
    assert box_state(response.get_data(as_text=True)) == {
        "version": str(auction.version), "leading": "1", "confirmed": ""}
    bob_page = board.bob_client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert box_state(bob_page)["leading"] == "0"


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "full-page"])
def test_a_bid_confirmed_in_the_page_is_placed_in_one_request_auc_6_auc_9(board, headers):
    """AUC-6, AUC-9: the box's own state with confirmed=yes places the bid at once."""
    response = confirmed_in_page(board.alice_client, board.auction, 500, headers=headers)
    if headers:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "bid-box--confirm" not in html
        assert "Your bid is in: you are the highest bidder." in html
        assert "<html" not in html
    else:
        assert response.status_code == 302
    auction = fresh(board.auction)
    assert bids() == 1
    assert (auction.leader_id, auction.leader_max_satang) == (board.alice.id, 500 * BAHT)

    # Bids placed elsewhere since the box was drawn do not matter while the lead is the same.
    data = {**bid_form(board.bob_client, board.auction, 300, "direct"), "confirmed": "yes"}
    confirmed_in_page(board.alice_client, board.auction, 900)
    response = board.bob_client.post(f"/auctions/{board.auction.id}/bid", data=data,
                                     headers=headers)
    assert response.status_code == (200 if headers else 302)
    auction = fresh(board.auction)
    assert bids() >= 3  # Bobby's bid, and Alice's automatic answer to it
    assert (auction.leader_id, auction.current_price_satang) == (board.alice.id, 310 * BAHT)


def test_a_stale_lead_gets_the_servers_confirmation_and_places_nothing_auc_9(board):
    """AUC-9: Alice's box was drawn while she led; Bobby took the lead before she placed her
    raise, so the server shows what her bid does now instead of placing it, and its own
    confirmation still places it."""
    confirmed_in_page(board.alice_client, board.auction, 200)
    data = {**bid_form(board.alice_client, board.auction, 400), "confirmed": "yes"}
    assert data["leading"] == "1"
    confirmed_in_page(board.bob_client, board.auction, 1000)
    before = bids()

    response = board.alice_client.post(f"/auctions/{board.auction.id}/bid", data=data,
                                       headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "bid-box--confirm" in html
    assert "The auction changed while you were deciding" in html
    assert "You set a maximum of ฿400." in html
    assert bids() == before and fresh(board.auction).leader_id == board.bob.id

    fields = dict(re.findall(r'name="(version|leading|confirmed)" type="hidden" value="([^"]*)"',
                             html))
    assert fields == {"version": str(fresh(board.auction).version), "leading": "0",
                      "confirmed": "yes"}
    response = board.alice_client.post(f"/auctions/{board.auction.id}/bid",
                                       data={**data, **fields}, headers=HTMX)
    assert response.status_code == 200 and "bid-box--confirm" not in response.get_data(
        as_text=True)
    assert bids() > before and fresh(board.auction).leader_id == board.bob.id


def test_without_javascript_the_server_confirms_first_auc_9(board):
    """AUC-9: the form as drawn (confirmed empty) gets the server's confirmation and places
    nothing; the confirmation's button then places the bid."""
    data = bid_form(board.alice_client, board.auction, 700, "direct")
    assert data["confirmed"] == ""
    response = board.alice_client.post(f"/auctions/{board.auction.id}/bid", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check your bid" in html
    assert "You bid exactly ฿700." in html and bids() == 0
    fields = dict(re.findall(r'name="(version|leading|confirmed)" type="hidden" value="([^"]*)"',
                             html))
    response = board.alice_client.post(f"/auctions/{board.auction.id}/bid",
                                       data={**data, **fields})
    assert response.status_code == 302 and bids() == 1
    assert fresh(board.auction).current_price_satang == 700 * BAHT


def test_a_refused_bid_keeps_the_amount_and_draws_the_current_state_auc_6(board):
    """AUC-6: a confirmed bid below the minimum is refused (422) with what was typed kept; the
    box it comes back in carries the auction's state, not the refused post's."""
    data = {**bid_form(board.alice_client, board.auction, 55, "direct"), "confirmed": "yes",
            "version": "999999"}
    response = board.alice_client.post(f"/auctions/{board.auction.id}/bid", data=data,
                                       headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="55"' in html and "at least ฿100" in html
    assert box_state(html) == {"version": str(fresh(board.auction).version), "leading": "0",
                               "confirmed": ""}
    assert bids() == 0


def test_the_leaders_box_offers_a_raise_of_their_maximum_auc_9(board):
    """AUC-9: all a leader may do is raise their hidden maximum, so their bid box offers one
    increment above it and says so (not the next bidder's minimum, which would be refused);
    the page carries the maximum for the page's own check, and only to its owner."""
    response = confirmed_in_page(board.alice_client, board.auction, 500, headers=HTMX)
    html = response.get_data(as_text=True)
    assert 'name="amount" required type="text" value="525"' in html  # ฿500 + ฿25 step
    assert "You lead. To raise your hidden maximum, enter more than ฿500." in html
    assert 'data-my-max-satang="50000"' in html
    page = board.alice_client.get(f"/auctions/{board.auction.id}").get_data(as_text=True)
    assert 'value="525"' in page and "enter more than ฿500" in page
    other = board.bob_client.get(f"/auctions/{board.auction.id}").get_data(as_text=True)
    assert 'data-my-max-satang=""' in other and "฿500" not in other.split("data-bid-form")[1]
    assert 'name="amount" required type="text" value="110"' in other  # price ฿100 + ฿10


def test_change_on_the_servers_confirmation_keeps_what_was_typed_auc_9(board):
    """AUC-9, found on a phone: "Change" on the server's confirmation (without JavaScript,
    or when the bidder's lead changed meanwhile) led back to the auction page with the
    suggested amount and "maximum bid" chosen: the amount typed and the way of bidding were
    gone. It leads back with both kept."""
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    data = bid_form(board.alice_client, board.auction, "๑,๒๐๐", "direct")
    for headers in ({}, HTMX):
        html = board.alice_client.post(f"/auctions/{board.auction.id}/bid", data=data,
                                       headers=headers).get_data(as_text=True)
        assert "You bid exactly ฿1,200." in html
        change = unescape(re.search(r'<a class="btn" href="([^"]+)">Change</a>', html)[1])
        assert parse_qs(urlsplit(change).query) == {"amount": ["๑,๒๐๐"], "mode": ["direct"]}
    page = board.alice_client.get(change).get_data(as_text=True)
    box = page.split("data-bid-form", 1)[1].split("</form>", 1)[0]
    assert 'name="amount" required type="text" value="๑,๒๐๐"' in box
    assert 'checked id="mode-1" name="mode" type="radio" value="direct"' in box
    assert bids() == 0
    # Only the member's own form takes it: a visitor's page offers no bid form at all.
    visitor = board.seller_client.application.test_client()
    assert "๑,๒๐๐" not in visitor.get(change).get_data(as_text=True)
