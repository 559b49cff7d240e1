"""Content ratings of auctions (RANK-1, ACC-3): the seller marks an auction 18+ when starting
it, a member under 18 may not, moderators can change it, and an 18+ auction is never shown to
a visitor who is not logged in nor to an under-18 member, wherever an auction can be seen."""
import re
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Auction
from tests.conftest import category_id, post_form

pytestmark = pytest.mark.usefixtures("english")


def auction_form(**fields):
    """The start-auction form as a member fills it in (AUC-1)."""
    data = {"title": "ปลัดขิก ADULTONLY", "description": "", "category_id": str(category_id()),
            "starting_price": "500", "min_increment": "20", "reserve": "", "buy_now": "",
            "starts_at": "", "duration_days": "7", "ends_at": ""}
    data.update(fields)
    return data


@pytest.fixture
def minor(make_member):
    """A member aged 15, registered with a guardian's consent (ACC-3)."""
    return make_member(display_name="Minor", birth_date=date(date.today().year - 15, 1, 1),
                       guardian_name="Somsri Jaidee", guardian_email="guardian@talat.example",
                       guardian_consent=True)


# --- starting an auction ----------------------------------------------------------------------

def test_the_start_form_offers_the_listing_forms_ratings_general_by_default_rank_1(
        make_member, client_for):
    """RANK-1: the form asks who may see the auction in the listing form's words, general
    chosen; there is no "restricted" (an auction has no shop circle)."""
    html = client_for(make_member()).get("/auctions/new").get_data(as_text=True)
    assert "Who may see it" in html and "Adults only (18+)" in html
    assert re.search(r'<option (selected )?value="general"( selected)?>', html).group(1, 2) \
        != (None, None)
    assert 'value="restricted"' not in html


def test_an_adult_seller_starts_an_18_plus_auction_rank_1(make_member, client_for):
    """RANK-1: the seller sets the rating."""
    response = post_form(client_for(make_member()), "/auctions/new",
                         auction_form(content_rating="adult"))
    assert response.status_code == 302
    assert db.session.scalar(select(Auction.content_rating)) == "adult"


def test_an_auction_started_without_a_rating_is_general_rank_1(make_member, client_for):
    """RANK-1: the default is general."""
    data = auction_form(title="พระผงสุพรรณ")
    post_form(client_for(make_member()), "/auctions/new", data)
    assert db.session.scalar(select(Auction.content_rating)) == "general"


def test_an_under_18_member_cannot_start_an_18_plus_auction_acc_3(minor, client_for):
    """ACC-3: a member who may not see 18+ auctions may not start one either; the form says
    why, beside the rating, and no auction is made. A forged rating is refused too."""
    client = client_for(minor)
    response = post_form(client, "/auctions/new", auction_form(content_rating="adult"))
    assert response.status_code == 422
    assert "Members under 18 cannot start auctions for adults (18+)." in \
        response.get_data(as_text=True)
    forged = post_form(client, "/auctions/new", auction_form(content_rating="restricted"))
    assert forged.status_code == 422
    assert db.session.scalar(select(func.count(Auction.id))) == 0
    assert post_form(client, "/auctions/new", auction_form()).status_code == 302


def test_the_service_refuses_an_18_plus_auction_by_an_under_18_seller_acc_3(
        minor, make_auction):
    """ACC-3: the rule lives in the service, not only in the form."""
    from app.blueprints.auctions.errors import AuctionError

    with pytest.raises(AuctionError) as refused:
        make_auction(seller=minor, content_rating="adult")
    assert refused.value.field == "content_rating"
    db.session.rollback()


def test_the_rating_migration_makes_existing_auctions_general_rank_1(app, make_auction):
    """RANK-1: the migration adding the rating gives every auction started before it
    "general", its CHECK refuses any other word, and it can be stepped back."""
    auction_id = make_auction().id
    db.session.remove()
    downgrade(revision="-1")
    with db.engine.connect() as connection:
        columns = {c["name"] for c in db.inspect(connection).get_columns("auctions")}
    assert "content_rating" not in columns
    upgrade()
    assert db.session.scalar(select(Auction.content_rating).where(
        Auction.id == auction_id)) == "general"
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE auctions SET content_rating = 'restricted'"))
    db.session.rollback()
