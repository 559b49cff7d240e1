"""Found in review: a moderator hung FAKE on an auction that had already ended and sold, and
the sale went on as if nothing had happened: its page still told the buyer to pay the seller
(with the seller's bank account) and offered "I have paid", and the seller could then mark it
sent. AUC-3: an auction with a STOP sign other than AUTHENTIC takes no other transaction, so
the sale is on hold until the sign comes down (messages stay open)."""
import pytest

from app.blueprints.auctions import sales
from app.blueprints.auctions.errors import AuctionError
from app.blueprints.moderation import signs
from app.database import utcnow
from app.extensions import db
from app.models import Sale
from tests.conftest import post_form

pytestmark = pytest.mark.usefixtures("english")


def _hang(sale, moderator, kind):
    signs.hang_sign("auction", sale.auction.id, kind, moderator, "Checked against the real one",
                    now=utcnow(), decision_basis="site_final", expert_verdict="Not genuine")
    db.session.commit()


def _step(sale):
    return db.session.get(Sale, sale.sale.id, populate_existing=True).step


def test_a_sale_halts_when_its_auction_is_signed_fake_after_the_end_auc_3(sale, moderator):
    """AUC-3: no "I have paid", no payment details, and a posted step is refused."""
    _hang(sale, moderator, "fake")
    page = sale.alice_client.get(sale.url).get_data(as_text=True)
    assert "data-sale-held" in page and "on hold" in page
    assert "I have paid" not in page and "data-sale-step" not in page
    response = post_form(sale.alice_client, f"{sale.url}/next",
                         {"confirmed": "yes", "step": "awaiting_payment"}, form_url=sale.url)
    assert response.status_code == 302
    assert _step(sale) == "awaiting_payment"
    with pytest.raises(AuctionError, match="on hold"):
        sales.advance(sale.sale, sale.alice, now=utcnow(), step="awaiting_payment")
    # The parties may still talk it over.
    assert "name=\"body\"" in page


def test_a_sale_after_payment_is_not_sent_while_under_review_auc_3(sale, moderator):
    """AUC-3: the seller of a paid sale cannot mark it sent while UNDER REVIEW is up."""
    post_form(sale.alice_client, f"{sale.url}/next", {"confirmed": "yes",
                                                      "step": "awaiting_payment"},
              form_url=sale.url)
    assert _step(sale) == "paid"
    _hang(sale, moderator, "under_review")
    post_form(sale.seller_client, f"{sale.url}/next", {"confirmed": "yes", "step": "paid"},
              form_url=sale.url)
    assert _step(sale) == "paid"


def test_an_authentic_sign_or_a_sign_taken_down_lets_the_sale_go_on_auc_3(sale, moderator):
    """AUTHENTIC halts nothing (AUC-3); neither does a STOP sign once it is ended (MOD-2)."""
    _hang(sale, moderator, "authentic")
    assert "I have paid" in sale.alice_client.get(sale.url).get_data(as_text=True)
    _hang(sale, moderator, "under_review")
    assert "I have paid" not in sale.alice_client.get(sale.url).get_data(as_text=True)
    sign = signs.current_sign("auction", sale.auction.id)
    signs.end_sign(sign, moderator, "Cleared", now=utcnow())
    db.session.commit()
    post_form(sale.alice_client, f"{sale.url}/next", {"confirmed": "yes",
                                                      "step": "awaiting_payment"},
              form_url=sale.url)
    assert _step(sale) == "paid"
