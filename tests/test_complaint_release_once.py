"""CMP-5: a complainant told that the page "stays suspended for now" (another upheld complaint
held it) is told once when the last hold lifts, and not again when the same page is later
hidden and published by a newer complaint. On both databases."""
from app.blueprints.complaints import counter, handling
from app.database import utcnow
from app.extensions import db
from tests.complaint_helpers import fresh, mails_to, make_complaint


def _answer_accepted(complaint, owner, moderator):
    target = fresh(complaint).targets[0]
    statement = counter.file_counter(target, owner, "I made it myself.", now=utcnow())
    db.session.commit()
    counter.decide(statement, moderator, "restored", "", now=utcnow())
    db.session.commit()


def test_cmp5_the_waiting_complainant_is_told_once_not_again_later(app, make_listing,
                                                                   moderator):
    listing = make_listing(title="Garuda amulet")
    owner = listing.shop.owner
    first = make_complaint(listing, email="first@brand.example")
    second = make_complaint(listing, email="second@brand.example")
    for complaint in (first, second):
        handling.uphold(complaint, moderator, "Counterfeit.", "SHOP-4", now=utcnow())
        db.session.commit()
    _answer_accepted(first, owner, moderator)  # held by the second: "for now"
    assert mails_to("first@brand.example", "complaint_restored_held") != []
    assert mails_to("first@brand.example", "complaint_released") == []
    _answer_accepted(second, owner, moderator)  # the last hold lifts
    assert fresh(listing).status == "active"
    assert len(mails_to("first@brand.example", "complaint_released")) == 1
    # A newer complaint hides and the owner's answer publishes the page again: the first
    # complainant's matter is settled; they hear nothing more.
    third = make_complaint(listing, email="third@brand.example")
    handling.uphold(third, moderator, "Counterfeit again.", "SHOP-4", now=utcnow())
    db.session.commit()
    _answer_accepted(third, owner, moderator)
    assert fresh(listing).status == "active"
    assert len(mails_to("first@brand.example", "complaint_released")) == 1
    assert [e.step for e in fresh(first).events].count("released") == 1
    assert mails_to("second@brand.example", "complaint_released") == []
