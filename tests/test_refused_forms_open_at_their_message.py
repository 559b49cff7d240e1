"""On a phone, a form refused without JavaScript comes back as the whole page, which opens at
its top: found driving the auction side on a 390 x 844 phone, a bid below the minimum (AUC-6)
and a rating refused (AUC-11) were each told a screen or two below, out of sight, so the page
looked as if nothing had happened. Each form now posts to its own place in the page
(``#bid-box``, ``#feedback``), where the browser opens the answer."""
import pytest

from tests.conftest import csrf_from, post_form

pytestmark = pytest.mark.usefixtures("english")


def test_a_refused_bid_without_javascript_opens_at_the_bid_box_auc_6(board):
    """AUC-6: the bid form (without JavaScript: a plain post) leads to ``#bid-box``; a bid
    below the minimum comes back as the page with that box and its message."""
    url = f"/auctions/{board.auction.id}"
    html = board.alice_client.get(url).get_data(as_text=True)
    assert f'action="{url}/bid#bid-box"' in html
    response = board.alice_client.post(f"{url}/bid", data={
        "csrf_token": csrf_from(html), "amount": "1", "mode": "direct"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in page
    box = page.split('id="bid-box"', 1)[1]
    assert "at least" in box.split("</form>", 1)[0]
    assert f'action="{url}/bid#bid-box"' in box  # and the next try does the same


def test_a_refused_rating_opens_at_the_feedback_form_auc_11(sale):
    """AUC-11: the rating form leads to ``#feedback``, the heading of the feedback part; a
    rating refused (none chosen) comes back there, the comment kept."""
    html = sale.alice_client.get(sale.url).get_data(as_text=True)
    assert f'action="{sale.url}/feedback#feedback"' in html and 'id="feedback"' in html
    response = post_form(sale.alice_client, f"{sale.url}/feedback", {"comment": "ส่งไว"},
                         form_url=sale.url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    after = page.split('id="feedback"', 1)[1]
    assert "Choose positive, neutral or negative." in after and "ส่งไว" in after


def test_changing_a_bid_from_its_confirmation_opens_at_the_bid_box_auc_9(board):
    """AUC-9: without JavaScript the server's confirmation has a "Change" link back to the
    auction page with the amount and the way of bidding filled in; it opens at the bid box,
    not at the photos a screen above it."""
    url = f"/auctions/{board.auction.id}"
    html = board.alice_client.get(url).get_data(as_text=True)
    response = board.alice_client.post(f"{url}/bid", data={
        "csrf_token": csrf_from(html), "amount": "2,345.50", "mode": "direct"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check your bid" in page
    assert f'href="{url}?amount=2,345.50&amp;mode=direct#bid-box">Change</a>' in page
    again = board.alice_client.get(f"{url}?amount=2,345.50&mode=direct").get_data(as_text=True)
    box = again.split('id="bid-box"', 1)[1]
    assert 'value="2,345.50"' in box
