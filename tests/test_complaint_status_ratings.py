"""CMP-1 with RANK-1 and ACC-3: a complaint's status page names the listing or auction it
reported, unless the page's content rating, set after the complaint was filed, keeps it from
whoever reads the status page: a visitor or a member under 18 reads "An auction (a listing)
you may not see", as on the public boards."""
from datetime import date

import pytest

from app.blueprints.auctions.moderation_services import set_content_rating as rate_auction
from app.blueprints.complaints import handling
from app.blueprints.shops import listing_services
from app.database import utcnow
from app.extensions import db
from app.models import ShopCircle
from tests.test_complaint_status import file_one, look_up

pytestmark = pytest.mark.usefixtures("english")

TITLE = "LATERRATED ปลัดขิก"
#: Whether each kind of reader may see an 18+ page (ACC-3; moderators see everything).
READERS = {"visitor": False, "minor": False, "adult": True, "moderator": True}


@pytest.fixture
def readers(make_member):
    """A member of each kind, by name (the visitor is None)."""
    return {"visitor": None,
            "minor": make_member(birth_date=date(date.today().year - 15, 1, 1),
                                 guardian_name="Somsri Jaidee",
                                 guardian_email="guardian@talat.example",
                                 guardian_consent=True),
            "adult": make_member(),
            "moderator": make_member(role="moderator")}


def status_page(client, complaint):
    """The status page as a reader who looked the complaint up with its code and e-mail."""
    assert look_up(client, complaint.code, "holder@brand.example").status_code == 302
    page = client.get(f"/complaints/status?code={complaint.code}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.mark.parametrize("reader", READERS)
def test_an_auction_rated_18_plus_after_the_complaint_is_not_named_to_minors_rank_1_acc_3(
        make_auction, make_member, readers, client_for, reader):
    """RANK-1, ACC-3: the complaint was filed while the auction was for everyone; a moderator
    rated it 18+ since. Its title is shown only to readers who may see it."""
    auction = make_auction(title=TITLE)
    complaint = file_one(auction, urls=[f"/auctions/{auction.id}"])
    rate_auction(auction.id, "adult", now=utcnow(), moderator=readers["moderator"])
    db.session.commit()
    html = status_page(client_for(readers[reader]), complaint)
    assert ("LATERRATED" in html) == READERS[reader], reader
    assert ("An auction you may not see" in html) == (not READERS[reader]), reader
    assert f"/auctions/{auction.id}</span>" in html  # the address the complainant gave


@pytest.mark.parametrize("reader", READERS)
def test_a_listing_rated_18_plus_after_the_complaint_is_not_named_to_minors_rank_1_acc_3(
        make_listing, readers, client_for, reader):
    """RANK-1, ACC-3: the same for a listing a moderator rated 18+ after the complaint."""
    listing = make_listing(title=TITLE)
    complaint = file_one(listing)
    listing_services.set_content_rating(listing, "adult", now=utcnow(),
                                        moderator=readers["moderator"])
    db.session.commit()
    html = status_page(client_for(readers[reader]), complaint)
    assert ("LATERRATED" in html) == READERS[reader], reader
    assert ("A listing you may not see" in html) == (not READERS[reader]), reader


def test_a_listing_for_a_shops_chosen_group_is_named_only_to_that_group_rank_1(
        make_listing, make_member, client_for):
    """RANK-1: a listing restricted to its shop's circle after the complaint is named to a
    member of the circle, not to another adult member nor to a visitor."""
    listing = make_listing(title=TITLE)
    complaint = file_one(listing)
    insider, outsider = make_member(), make_member()
    db.session.add(ShopCircle(shop_id=listing.shop_id, user_id=insider.id, added_at=utcnow()))
    listing.content_rating = "restricted"
    db.session.commit()
    assert "LATERRATED" in status_page(client_for(insider), complaint)
    for reader in (outsider, None):
        html = status_page(client_for(reader), complaint)
        assert "LATERRATED" not in html and "A listing you may not see" in html


def test_a_page_hidden_after_the_complaint_is_still_named_to_the_complainant_cmp_3(
        make_listing, readers, client_for):
    """CMP-3: hiding a page for everyone is not a rating: the complainant reading the
    outcome still learns which page it was."""
    listing = make_listing(title=TITLE)
    complaint = file_one(listing)
    handling.uphold(complaint, readers["moderator"], "Counterfeit.", "CMP-3", now=utcnow())
    db.session.commit()
    html = status_page(client_for(None), complaint)
    assert f"<strong>{TITLE}</strong>" in html and "you may not see" not in html
