"""Found in review: moderators could decide their own cases. No one decides about themselves or
their own items (MOD-7, MOD-8, MOD-9), only an admin decides about staff, and a suspended
moderator loses the queue until the suspension ends (ACC-5)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.moderation import queue, sanctions, signs
from app.blueprints.moderation.errors import ModerationError
from app.database import utcnow
from app.extensions import db
from app.models import ReviewItem, StopSign
from app.permissions import can_moderate

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def staff(make_member):
    admin = make_member(display_name="Chief Keeper", role="admin")
    mod = make_member(display_name="Keeper One", role="moderator")
    other = make_member(display_name="Keeper Two", role="moderator")
    db.session.commit()
    return admin, mod, other


def suspend(user, by, days=5):
    sanction = sanctions.impose(user, "suspension", by, rule="MOD-7", facts="Abused the queue",
                                now=utcnow(), ends_at=utcnow() + timedelta(days=days))
    db.session.commit()
    return sanction


def test_a_suspended_moderator_loses_the_queue_and_cannot_lift_their_own_sanction_mod_8_acc_5(
        staff, client_for):
    admin, mod, other = staff
    sanction = suspend(mod, admin)
    assert not can_moderate(mod)
    assert client_for(mod).get("/moderation/queue").status_code == 403
    with pytest.raises(ModerationError, match="own sanction"):
        sanctions.lift(sanction, mod, "I disagree", now=utcnow())
    with pytest.raises(ModerationError, match="Only an admin"):
        sanctions.lift(sanction, other, "Colleague", now=utcnow())
    sanctions.lift(sanction, admin, "Resolved", now=utcnow())
    db.session.commit()
    db.session.expire_all()
    assert can_moderate(db.session.get(type(mod), mod.id))


def test_no_moderator_works_an_item_about_themselves_mod_7(staff):
    _admin, mod, other = staff
    item = ReviewItem(kind="report", target_type="user", target_id=mod.id,
                      subject_user_id=mod.id, created_at=utcnow(), summary="About Keeper One")
    db.session.add(item)
    db.session.commit()
    with pytest.raises(ModerationError, match="about you"):
        queue.check_may_work(item, mod, utcnow())
    queue.check_may_work(item, other, utcnow())


def test_no_moderator_signs_or_unsigns_their_own_listing_mod_2(staff, make_shop, make_listing):
    _admin, mod, other = staff
    listing = make_listing(shop=make_shop(owner=mod))
    with pytest.raises(ModerationError, match="your own item"):
        signs.hang_sign("listing", listing.id, "authentic", mod, "Mine is genuine",
                        now=utcnow())
    sign = signs.hang_sign("listing", listing.id, "fake", other, "A known copy.", now=utcnow())
    db.session.commit()
    with pytest.raises(ModerationError, match="your own item"):
        signs.end_sign(db.session.get(StopSign, sign.id), mod, "Not fake", now=utcnow())


def test_no_moderator_judges_an_auction_they_bid_on_or_a_listing_they_ordered_mod_7(
        staff, make_member, make_auction, make_listing):
    """MOD-7 (found driving the queue): the "own item" rule covered only the seller, so a
    moderator who had bid on an auction, or won it, could hang a STOP sign on it (halting an
    auction they lead) or decide its reports; another moderator now must. A moderator who
    only looks on is not barred."""
    from app.blueprints.auctions import bidding
    from app.blueprints.moderation import reports
    from app.models import Order

    _admin, mod, other = staff
    auction = make_auction()
    bidding.place_bid(auction.id, mod, auction.starting_price_satang, proxy=False,
                      now=utcnow())
    reporter = make_member()
    db.session.commit()
    with pytest.raises(ModerationError, match="You bid on this auction"):
        signs.hang_sign("auction", auction.id, "under_review", mod, "Looks odd.", now=utcnow())
    reports.file_report(reporter, "auction", auction.id, "fake", "A copy.", now=utcnow())
    db.session.commit()
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.target_type == "auction",
                                                      ReviewItem.target_id == auction.id))
    with pytest.raises(ModerationError, match="You bid on this auction"):
        queue.claim(item, mod, now=utcnow())
    queue.claim(item, other, now=utcnow())  # a moderator who did not bid works it
    sign = signs.hang_sign("auction", auction.id, "under_review", other, "Looks odd.",
                           now=utcnow())
    db.session.commit()
    with pytest.raises(ModerationError, match="You bid on this auction"):
        signs.end_sign(db.session.get(StopSign, sign.id), mod, "Fine", now=utcnow())

    listing = make_listing()
    db.session.add(Order(listing_id=listing.id, shop_id=listing.shop_id, buyer_id=mod.id,
                         quantity=1, unit_price_satang=listing.price_satang,
                         total_satang=listing.price_satang, status="completed",
                         created_at=utcnow(), expires_at=utcnow()))
    db.session.commit()
    with pytest.raises(ModerationError, match="ordered this listing"):
        signs.hang_sign("listing", listing.id, "authentic", mod, "Mine is genuine",
                        now=utcnow())


def test_the_queue_row_of_an_auction_a_moderator_bid_on_offers_them_no_action_mod_7(
        staff, make_member, make_auction, client_for):
    """MOD-7 (left over from the last fix): a moderator who bid on an auction was refused
    only when they pressed an action, so its queue rows showed every button and a tick box for
    the bulk bar. The row now says why at once, without the actions; another moderator's
    row is unchanged. An owner's explanation about a sign on that auction counts too: "Keep
    the sign" on an auction they lost was not refused at all."""
    from app.blueprints.auctions import bidding
    from app.blueprints.moderation import reports, responses

    _admin, mod, other = staff
    auction = make_auction()
    bidding.place_bid(auction.id, mod, auction.starting_price_satang, proxy=False,
                      now=utcnow())
    reports.file_report(make_member(), "auction", auction.id, "fake", "A copy.", now=utcnow())
    sign = signs.hang_sign("auction", auction.id, "under_review", other, "Looks odd.",
                           now=utcnow())
    responses.submit_explanation(sign, auction.seller, "It is genuine, from my teacher.",
                                 now=utcnow())
    db.session.commit()
    report, explanation = (db.session.scalar(select(ReviewItem).where(ReviewItem.kind == kind))
                           for kind in ("report", "explanation"))

    html = client_for(mod).get("/moderation/queue").get_data(as_text=True)
    for item in (report, explanation):
        row = html.split(f'id="item-{item.id}"')[1].split("</article>")[0]
        assert "You bid on this auction or ordered this listing" in row
        assert 'name="action"' not in row and "data-select" not in row
    with pytest.raises(ModerationError, match="You bid on this auction"):
        queue.decide(explanation, mod, "keep", {"reason": "Stays"}, now=utcnow())

    html = client_for(other).get("/moderation/queue").get_data(as_text=True)
    for item in (report, explanation):
        row = html.split(f'id="item-{item.id}"')[1].split("</article>")[0]
        assert "You bid on this auction" not in row and "data-select" in row
