"""After the sale (AUC-7, AUC-11): the sale's steps, each party rates the other once,
negatives only after 3 days without progress, positive by default after 30 days, and the
feedback score on member pages."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.auctions import sales
from app.blueprints.auctions.errors import AuctionError
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import Feedback, Sale
from tests.conftest import post_form

BAHT = 100


pytestmark = pytest.mark.usefixtures("english")




def test_buyer_and_seller_move_the_sale_along_in_turn_auc_7(sale):
    url = f"/auctions/sales/{sale.sale.id}"
    page = sale.alice_client.get(url).get_data(as_text=True)
    assert "I have paid" in page
    assert "I have paid" not in sale.seller_client.get(url).get_data(as_text=True)
    response = post_form(sale.seller_client, f"{url}/next", {}, form_url=url)
    assert response.status_code == 302
    assert db.session.get(Sale, sale.sale.id, populate_existing=True).step == "awaiting_payment"
    for client in (sale.alice_client, sale.seller_client, sale.alice_client):
        post_form(client, f"{url}/next", {"confirmed": "yes"}, form_url=url)
    assert db.session.get(Sale, sale.sale.id, populate_existing=True).step == "completed"


def test_only_the_parties_and_moderators_see_a_sale_auc_7(sale, make_member, client_for):
    url = f"/auctions/sales/{sale.sale.id}"
    assert sale.bob_client.get(url).status_code == 403
    assert client_for(make_member(role="moderator")).get(url).status_code == 200
    assert client_for(None).get(url).status_code == 302


def test_each_party_rates_the_other_once_auc_11(sale):
    """AUC-11: buyer and seller rate each other once, with a comment."""
    url = f"/auctions/sales/{sale.sale.id}"
    response = post_form(sale.alice_client, f"{url}/feedback",
                         {"rating": "positive", "comment": "ส่งไว <b>ดี</b>"}, form_url=url)
    assert response.status_code == 302
    again = post_form(sale.alice_client, f"{url}/feedback", {"rating": "neutral"}, form_url=url)
    assert again.status_code == 422
    post_form(sale.seller_client, f"{url}/feedback", {"rating": "positive"}, form_url=url)
    rows = db.session.scalars(select(Feedback).order_by(Feedback.id)).all()
    assert [(f.from_user_id, f.to_user_id, f.rating) for f in rows] == [
        (sale.alice.id, sale.seller.id, "positive"), (sale.seller.id, sale.alice.id, "positive")]
    page = sale.alice_client.get(url).get_data(as_text=True)
    assert "<b>ดี</b>" not in page and "&lt;b&gt;" in page


def test_feedback_without_a_rating_asks_for_one_auc_11(sale):
    """AUC-11, found in review: no rating chosen showed "This field is required." under the
    radio buttons; it now says what to choose, and the comment typed stays."""
    url = f"/auctions/sales/{sale.sale.id}"
    response = post_form(sale.alice_client, f"{url}/feedback", {"comment": "ส่งไวมาก"},
                         form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose positive, neutral or negative." in html and "ส่งไวมาก" in html
    assert db.session.scalar(select(Feedback)) is None


def test_a_negative_needs_three_days_without_progress_auc_11(sale):
    """AUC-11: a negative rating only after 3 days without progress on the deal."""
    deal = sale.sale
    with pytest.raises(AuctionError, match="3 days"):
        sales.leave_feedback(deal, sale.alice, "negative", "", now=utcnow())
    db.session.rollback()
    sales.advance(deal, sale.alice, now=utcnow() + timedelta(days=2))  # paid: progress
    with pytest.raises(AuctionError, match="3 days"):
        sales.leave_feedback(deal, sale.alice, "negative", "", now=utcnow() + timedelta(days=4))
    db.session.rollback()
    deal = db.session.get(Sale, deal.id, populate_existing=True)
    sales.leave_feedback(deal, sale.seller, "negative", "ไม่ตอบ",
                         now=deal.last_progress_at + timedelta(days=3))
    db.session.commit()


def test_strangers_cannot_rate_a_sale_auc_11(sale):
    with pytest.raises(AuctionError):
        sales.leave_feedback(sale.sale, sale.bob, "positive", "", now=utcnow())


def test_missing_ratings_become_positive_after_30_days_once_auc_11(app, sale):
    """AUC-11: a rating not given within 30 days is recorded as positive."""
    sales.leave_feedback(sale.sale, sale.alice, "neutral", "", now=utcnow())
    db.session.commit()
    created = sale.sale.created_at
    assert JOBS["default-feedback"](app, created + timedelta(days=29)) == 0
    later = created + timedelta(days=30)
    assert JOBS["default-feedback"](app, later) == 1
    assert JOBS["default-feedback"](app, later) == 0
    automatic = db.session.scalar(select(Feedback).where(Feedback.automatic.is_(True)))
    assert (automatic.from_user_id, automatic.rating) == (sale.seller.id, "positive")
    assert db.session.scalar(select(func.count(Feedback.id))) == 2


def test_member_pages_show_the_feedback_score_auc_11(sale, client):
    sales.leave_feedback(sale.sale, sale.alice, "positive", "", now=utcnow())
    db.session.commit()
    client.set_cookie("lang", "en")
    page = client.get(f"/members/{sale.seller.id}").get_data(as_text=True)
    assert "Feedback score" in page and "100" in page


def test_the_share_of_positives_reads_as_people_write_it_auc_11(sale, client):
    """AUC-11, found on an auction page on a phone: a seller with one positive rating was shown
    "(feedback 1, 100.0% positive)". A whole share is written without ".0"; others keep one
    decimal."""
    sales.leave_feedback(sale.sale, sale.alice, "positive", "", now=utcnow())
    db.session.commit()
    client.set_cookie("lang", "en")
    for url in (f"/members/{sale.seller.id}", f"/auctions/{sale.auction.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "100% positive" in page and "100.0%" not in page
    assert sales.Score(positive=2, neutral=5, negative=1).percent_positive == 66.7
    assert sales.Score(positive=1, neutral=0, negative=1).percent_positive == 50
    assert sales.Score(positive=0, neutral=3, negative=0).percent_positive is None
