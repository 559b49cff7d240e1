"""STOP signs: kinds and records (MOD-1), replacement (MOD-2), expert verdicts (MOD-5),
certificates (MOD-6), halting auctions (AUC-3), FAKE's strike and public post (AUC-4, AUC-5),
listings locked and made "fake" (SHOP-7), the moderator's form on item pages, and where the
sign shows; plus the moderator's locked content rating."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.auctions import bidding
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.moderation import signs
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.shops import listing_services
from app.blueprints.shops.errors import SignBlocksEdit
from app.database import utcnow
from app.extensions import db
from app.models import (Auction, AuditEntry, BoardPost, Listing, Notification, StopSign,
                        Strike)
from tests.conftest import csrf_from, post_form

HTMX = {"HX-Request": "true"}
SCRIPT = "<script>alert(1)</script>"


pytestmark = pytest.mark.usefixtures("english")


def hang(target, kind, moderator, reason="Checked by moderators.", **kwargs):
    target_type = "auction" if isinstance(target, Auction) else "listing"
    sign = signs.hang_sign(target_type, target.id, kind, moderator, reason, now=utcnow(),
                           **kwargs)
    db.session.commit()
    return sign


def fresh(model, row_id):
    return db.session.get(model, row_id, populate_existing=True)


def test_every_kind_records_who_when_why_mod_1(moderator, make_listing):
    """MOD-1: six kinds; a sign records who hung it, when and why."""
    listing = make_listing()
    for kind in ("under_review", "rule_violation", "incorrect_info", "non_standard_print",
                 "fake", "authentic"):
        sign = hang(listing, kind, moderator, f"because {kind}",
                    **({"decision_basis": ""}))
        assert (sign.kind, sign.hung_by_id, sign.reason) == (kind, moderator.id,
                                                              f"because {kind}")
        assert sign.hung_at is not None and sign.owner_id == listing.shop.owner_id
    with pytest.raises(ModerationError):
        signs.hang_sign("listing", listing.id, "maybe", moderator, "x", now=utcnow())
    with pytest.raises(ModerationError):
        signs.hang_sign("listing", 999999, "fake", moderator, "x", now=utcnow())
    with pytest.raises(ModerationError):
        signs.hang_sign("listing", listing.id, "fake", moderator, "   ", now=utcnow())


def test_conclusion_replaces_under_review_mod_2(moderator, make_listing):
    """MOD-2: UNDER REVIEW is replaced by the conclusion; one current sign at a time."""
    listing = make_listing()
    review = hang(listing, "under_review", moderator)
    fake = hang(listing, "fake", moderator, "A copy.")
    review = fresh(StopSign, review.id)
    assert review.ended_at is not None and review.replaced_by_id == fake.id
    assert signs.current_sign("listing", listing.id).id == fake.id
    current = db.session.scalar(select(func.count(StopSign.id)).where(
        StopSign.target_id == listing.id, StopSign.ended_at.is_(None)))
    assert current == 1
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "listing").order_by(AuditEntry.id)).all()
    assert actions == ["sign.hang", "sign.replace"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sign.replace"))
    assert json.loads(entry.before)["sign"] == "under_review"
    assert json.loads(entry.after)["sign"] == "fake"


def test_any_sign_but_authentic_halts_the_auction_auc_3(board, moderator, make_auction):
    """AUC-3: bids and buy-now are refused under any sign but AUTHENTIC; the version moves so
    open pages re-render at once."""
    auction = make_auction(seller=board.seller, buy_now_satang=90_000)
    version = auction.version
    hang(auction, "under_review", moderator)
    auction = fresh(Auction, auction.id)
    assert auction.stop_sign == "under_review" and auction.version == version + 1
    with pytest.raises(BidNotAccepted, match="STOP sign"):
        bidding.place_bid(auction.id, board.alice, 20_000, proxy=False, now=utcnow())
    db.session.rollback()
    with pytest.raises(BidNotAccepted, match="STOP sign"):
        bidding.buy_now(auction.id, board.alice, now=utcnow())
    db.session.rollback()
    page = board.alice_client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert "UNDER REVIEW" in page and 'name="amount"' not in page
    panel = board.alice_client.get(f"/auctions/{auction.id}/panel", headers=HTMX)
    assert 'data-phase="halted"' in panel.get_data(as_text=True)
    hang(auction, "authentic", moderator)
    bidding.place_bid(auction.id, board.alice, 20_000, proxy=False, now=utcnow())
    db.session.commit()
    assert fresh(Auction, auction.id).bid_count == 1


def test_fake_on_an_auction_strikes_the_seller_and_posts_publicly_auc_4_auc_5(
        board, moderator):
    """AUC-4, AUC-5: FAKE strikes the seller and posts on "Fake reports from auctions"."""
    sign = hang(board.auction, "fake", moderator, "Copy of a famous piece.")
    strike = db.session.scalar(select(Strike).where(Strike.sign_id == sign.id))
    assert strike.user_id == board.seller.id and strike.withdrawn_at is None
    post = db.session.scalar(select(BoardPost).where(BoardPost.board == "fake-auctions"))
    assert post.target_type == "auction" and post.target_id == board.auction.id
    assert post.body == "Copy of a famous piece." and post.author_id is None
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == board.seller.id)).all()
    assert "sign_hung" in kinds and "strike" in kinds
    assert signs.strike_count(board.seller.id) == 1


def test_a_signed_listing_cannot_be_edited_and_fake_not_deleted_shop_7(moderator,
                                                                      make_listing):
    """SHOP-7: any sign blocks edits and photo changes; FAKE also deletion, makes the status
    "fake" and posts on "Fake reports from shops"; ending the sign restores the listing."""
    listing = make_listing(quantity=2)
    hang(listing, "incorrect_info", moderator)
    listing = fresh(Listing, listing.id)
    with pytest.raises(SignBlocksEdit, match="STOP sign"):
        listing_services.update_listing(listing, {"title": "New"}, now=utcnow())
    with pytest.raises(SignBlocksEdit):
        listing_services.move_photo(listing, 1, 1)
    fake = hang(listing, "fake", moderator, "Fake.")
    listing = fresh(Listing, listing.id)
    assert listing.status == "fake" and listing.stop_sign == "fake"
    assert fresh(StopSign, fake.id).status_before == "active"
    with pytest.raises(SignBlocksEdit, match="neither changed nor deleted"):
        listing_services.delete_listing(listing, now=utcnow())
    post = db.session.scalar(select(BoardPost).where(BoardPost.board == "fake-shops"))
    assert post.target_id == listing.id and post.body == "Fake."
    signs.end_sign(fresh(StopSign, fake.id), moderator, "Mistake.", now=utcnow())
    db.session.commit()
    listing = fresh(Listing, listing.id)
    assert listing.status == "active" and listing.stop_sign is None
    listing_services.delete_listing(listing, now=utcnow())  # free again


def test_non_fake_sign_still_lets_the_shop_delete_shop_7(moderator, make_listing):
    """SHOP-7: only FAKE forbids deletion."""
    listing = make_listing()
    hang(listing, "rule_violation", moderator)
    listing_services.delete_listing(fresh(Listing, listing.id), now=utcnow())
    db.session.commit()
    assert fresh(Listing, listing.id).status == "deleted"


def test_edit_pages_say_why_and_refuse_shop_7(moderator, make_listing, client_for):
    """SHOP-7: the owner sees why on the listing, edit and photo pages; a post is refused."""
    listing = make_listing()
    owner = listing.shop.owner
    hang(listing, "under_review", moderator)
    client = client_for(owner)
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "data-sign-blocks-edit" in page and f"/listings/{listing.id}/edit" not in page
    assert "Send an explanation" in page
    edit = client.get(f"/listings/{listing.id}/edit").get_data(as_text=True)
    assert "cannot be changed while the sign is up" in edit
    assert 'name="title"' not in edit  # found in review: a Save button that always failed
    photos = client.get(f"/listings/{listing.id}/photos").get_data(as_text=True)
    assert "cannot be changed while the sign is up" in photos
    response = post_form(client, f"/listings/{listing.id}/edit", {
        "title": "Changed title", "category_id": str(listing.category_id), "price": "100",
        "quantity": "1", "condition": "good", "content_rating": "general"})
    assert response.status_code == 422
    assert fresh(Listing, listing.id).title != "Changed title"


def test_certificate_needs_expert_or_final_decision_for_fake_mod_6(moderator, make_listing,
                                                                  client_for):
    """MOD-6: a certified item is signed FAKE only on an expert verdict or the site's final
    decision, recorded on the sign; the moderator sees the certificate."""
    listing = make_listing(certificate_issuer="สมาคมพระเครื่อง", certificate_number="A-12")
    with pytest.raises(ModerationError, match="MOD-6"):
        signs.hang_sign("listing", listing.id, "fake", moderator, "Copy", now=utcnow())
    with pytest.raises(ModerationError):
        signs.hang_sign("listing", listing.id, "fake", moderator, "Copy", now=utcnow(),
                        decision_basis="expert", expert_body="Association")
    db.session.rollback()
    sign = hang(listing, "fake", moderator, "Copy", decision_basis="site_final",
                expert_verdict="Certificate itself is forged.")
    assert sign.decision_basis == "site_final"
    page = client_for(moderator).get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "data-certificate" in page and "A-12" in page
    assert "Certificate itself is forged." in page


def test_expert_verdict_prevails_mod_5(moderator, make_listing):
    """MOD-5: a sign resting on an outside expert body's verdict is changed only on another
    verdict or the site's final decision."""
    listing = make_listing()
    sign = hang(listing, "authentic", moderator, "Genuine.", decision_basis="expert",
                expert_body="Amulet association", expert_verdict="Authentic, 2500 BE batch")
    assert (sign.expert_body, sign.decision_basis) == ("Amulet association", "expert")
    with pytest.raises(ModerationError, match="prevails"):
        signs.hang_sign("listing", listing.id, "fake", moderator, "I think not",
                        now=utcnow())
    with pytest.raises(ModerationError, match="prevails"):
        signs.end_sign(sign, moderator, "Down", now=utcnow())
    db.session.rollback()
    hang(listing, "fake", moderator, "Second opinion", decision_basis="expert",
         expert_body="Amulet association", expert_verdict="On review: a copy")
    assert fresh(Listing, listing.id).stop_sign == "fake"


def test_moderator_hangs_from_the_item_page_with_htmx_mod_1(moderator, make_listing,
                                                          client_for):
    """MOD-1: the compact form on the item page: a kind's reason template is filled in, the
    sign goes up, hostile text is escaped everywhere it shows."""
    listing = make_listing()
    client = client_for(moderator)
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert 'id="sign-box"' in page
    box = client.get(f"/moderation/signs/listing/{listing.id}?kind=fake", headers=HTMX)
    html = box.get_data(as_text=True)
    assert box.status_code == 200 and "<html" not in html and "it is a copy" in html
    token = csrf_from(html)
    response = client.post(f"/moderation/signs/listing/{listing.id}", headers=HTMX, data={
        "csrf_token": token, "kind": "fake", "reason": SCRIPT, "decision_basis": ""})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/listings/{listing.id}"
    page = client_for(None).get(f"/listings/{listing.id}").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page and "STOP · FAKE" in page
    board = client_for(None).get("/boards/fake-shops").get_data(as_text=True)
    assert SCRIPT not in board and "&lt;script&gt;" in board


def test_refused_sign_shows_the_error_in_place(moderator, make_listing, client_for):
    """A refusal (MOD-6 here) re-renders the box with 422 and the message."""
    listing = make_listing(certificate_issuer="Issuer")
    client = client_for(moderator)
    token = csrf_from(client.get(f"/listings/{listing.id}").get_data(as_text=True))
    response = client.post(f"/moderation/signs/listing/{listing.id}", headers=HTMX, data={
        "csrf_token": token, "kind": "fake", "reason": "copy", "decision_basis": ""})
    assert response.status_code == 422 and "MOD-6" in response.get_data(as_text=True)


def test_moderator_ends_a_sign_from_the_page_mod_2(moderator, make_listing, client_for):
    """MOD-2: a sign comes down with nothing in its place."""
    listing = make_listing()
    sign = hang(listing, "under_review", moderator)
    client = client_for(moderator)
    response = post_form(client, f"/moderation/signs/{sign.id}/end", {"end-reason": "Fine."},
                         form_url=f"/listings/{listing.id}")
    assert response.status_code == 302
    assert fresh(Listing, listing.id).stop_sign is None
    assert fresh(StopSign, sign.id).end_reason == "Fine."


@pytest.mark.parametrize("who", ["visitor", "member", "owner"])
def test_members_cannot_reach_moderator_sign_routes(who, make_member, make_listing,
                                                    moderator, client_for):
    """Only moderators hang or end signs: members (even the owner) get 403, visitors go to
    log in."""
    listing = make_listing()
    sign = hang(listing, "under_review", moderator)
    user = {"visitor": None, "member": make_member(), "owner": listing.shop.owner}[who]
    client = client_for(user)
    token = csrf_from(client.get("/login" if user is None else f"/listings/{listing.id}")
                      .get_data(as_text=True))
    expected = (302,) if user is None else (403,)
    assert client.get(f"/moderation/signs/listing/{listing.id}").status_code in expected
    assert client.post(f"/moderation/signs/listing/{listing.id}", data={
        "csrf_token": token, "kind": "fake", "reason": "x"}).status_code in expected
    assert client.post(f"/moderation/signs/{sign.id}/end", data={
        "csrf_token": token, "end-reason": "x"}).status_code in expected
    assert fresh(Listing, listing.id).stop_sign == "under_review"


def test_sign_shows_on_cards_search_and_auction_cards_mod_1(moderator, make_listing,
                                                           make_auction, client_for):
    """MOD-1: the sign is shown in lists and search results, with what it means."""
    listing = make_listing(title="พระสมเด็จ ทดสอบป้าย")
    auction = make_auction()
    hang(listing, "non_standard_print", moderator)
    hang(auction, "fake", moderator)
    visitor = client_for(None)
    shop = visitor.get(f"/shops/{listing.shop.slug}").get_data(as_text=True)
    assert "NON-STANDARD PRINT" in shop and "standard print (pim)" in shop
    results = visitor.get("/search?q=ทดสอบป้าย").get_data(as_text=True)
    assert "NON-STANDARD PRINT" in results
    boards = visitor.get("/auctions/").get_data(as_text=True)
    assert "STOP · FAKE" in boards or "FAKE" in boards


def test_fake_to_authentic_restores_status_and_withdraws_strike_auc_4(moderator,
                                                                     make_listing,
                                                                     make_auction):
    """AUC-4, MOD-4: replacing FAKE with AUTHENTIC withdraws its strike (an auction's) and
    restores the listing (sold out stays sold out)."""
    listing = make_listing(quantity=0, status="sold_out")
    hang(listing, "fake", moderator)
    hang(listing, "authentic", moderator, "Genuine after all.")
    assert fresh(Listing, listing.id).status == "sold_out"
    auction = make_auction()
    fake = hang(auction, "fake", moderator)
    assert signs.strike_count(auction.seller_id) == 1
    hang(auction, "authentic", moderator, "Genuine after all.")
    assert signs.strike_count(auction.seller_id) == 0
    strike = db.session.scalar(select(Strike).where(Strike.sign_id == fake.id))
    assert strike.withdrawn_at is not None


def test_fake_replaced_by_fake_keeps_one_strike_auc_4(moderator, make_auction):
    """AUC-4: confirming FAKE (say on an expert verdict) is not a second strike."""
    auction = make_auction()
    hang(auction, "fake", moderator)
    second = hang(auction, "fake", moderator, "Confirmed.", decision_basis="expert",
                  expert_body="Association", expert_verdict="A copy")
    assert signs.strike_count(auction.seller_id) == 1
    assert db.session.scalar(select(Strike.sign_id)) == second.id
    assert db.session.scalar(select(func.count(BoardPost.id))) == 1


def test_moderator_rating_is_locked_against_seller_edits(moderator, make_listing,
                                                        client_for):
    """RANK-1 (issue 3): a moderator's content rating locks it; the seller's edit keeps it."""
    listing = make_listing()
    client = client_for(moderator)
    post_form(client, f"/listings/{listing.id}/content-rating",
              {"content_rating": "adult"}, form_url=f"/listings/{listing.id}")
    listing = fresh(Listing, listing.id)
    assert listing.content_rating == "adult" and listing.rating_locked
    listing_services.update_listing(listing, {
        "title": "A new title", "description": "", "category_id": listing.category_id,
        "price_satang": 1000, "quantity": 1, "condition": "good",
        "content_rating": "general"}, now=utcnow() + timedelta(seconds=1))
    db.session.commit()
    listing = fresh(Listing, listing.id)
    assert listing.title == "A new title" and listing.content_rating == "adult"
    form = client_for(listing.shop.owner).get(f"/listings/{listing.id}/edit")
    assert "A moderator set this" in form.get_data(as_text=True)


def test_photo_changes_are_refused_with_the_reason_shop_7(moderator, make_listing,
                                                         client_for):
    """SHOP-7: moving or removing a photo of a signed listing says why instead of failing."""
    from app.models import ListingPhoto

    listing = make_listing()
    db.session.add(ListingPhoto(listing_id=listing.id, position=0, key="a" * 32, width=10,
                                height=10, created_at=utcnow()))
    db.session.commit()
    photo_id = db.session.scalar(select(ListingPhoto.id))
    hang(listing, "under_review", moderator)
    client = client_for(listing.shop.owner)
    url = f"/listings/{listing.id}/photos/{photo_id}/delete"
    response = post_form(client, url, {}, form_url=f"/listings/{listing.id}")
    assert response.status_code == 302
    assert "cannot be changed" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    token = csrf_from(client.get(f"/listings/{listing.id}").get_data(as_text=True))
    fragment = client.post(url, data={"csrf_token": token}, headers=HTMX)
    assert fragment.status_code == 422 and "cannot be changed" in fragment.get_data(
        as_text=True)
    assert db.session.get(ListingPhoto, photo_id) is not None


def test_auction_page_shows_the_sign_box_and_the_owners_links_mod_1(board, moderator,
                                                                   client_for):
    """MOD-1, MOD-3, MOD-4: moderators get the sign box on the auction page; the seller sees
    the sign with the ways to answer it; bidders see what it means."""
    assert 'id="sign-box"' in client_for(moderator).get(
        f"/auctions/{board.auction.id}").get_data(as_text=True)
    assert 'id="sign-box"' not in board.alice_client.get(
        f"/auctions/{board.auction.id}").get_data(as_text=True)
    sign = hang(board.auction, "fake", moderator, "Copy.")
    seller_page = board.seller_client.get(f"/auctions/{board.auction.id}").get_data(
        as_text=True)
    assert f"/moderation/signs/{sign.id}/explain" in seller_page
    assert f"/moderation/signs/{sign.id}/lift" in seller_page
    bidder_page = board.alice_client.get(f"/auctions/{board.auction.id}").get_data(
        as_text=True)
    assert "Moderators found this item to be fake" in bidder_page
    assert "The auction takes no bids while the sign is up." in bidder_page
    assert f"/moderation/signs/{sign.id}/explain" not in bidder_page


def test_a_listings_sign_says_nothing_of_bids_and_the_record_counts_strikes_for_auctions_only_mod_1(
        moderator, make_listing, client_for):
    """MOD-1 / AUC-4, found in review: a FAKE listing's panel (and its owner's explain page)
    said the auction takes no bids, and the owner's record said every FAKE sign on their items
    is a strike, though only auctions' are (a shop's FAKE listings go to the moderators,
    SHOP-8)."""
    listing = make_listing()
    sign = hang(listing, "fake", moderator, "Copy.")
    owner = client_for(listing.shop.owner)
    for url in (f"/listings/{listing.id}", f"/moderation/signs/{sign.id}/explain"):
        page = owner.get(url).get_data(as_text=True)
        assert "Moderators found this item to be fake" in page, url
        assert "takes no bids" not in page, url
    record = owner.get("/moderation/me").get_data(as_text=True)
    assert "Each FAKE sign on one of your auctions is a strike" in record
    assert "more than 3 listings signed FAKE" in record


def test_changing_the_kind_keeps_the_reason_and_basis_the_moderator_typed_mod_1(
        moderator, make_listing, client_for):
    """MOD-1, found in review: the kind list redrew the box with the new kind's template and
    threw away a reason the moderator had typed. A reason of their own and the basis fields
    stay; a template's untouched text becomes the new kind's template; choosing a template
    puts it in and shows it chosen."""
    listing = make_listing()
    client = client_for(moderator)
    url = f"/moderation/signs/listing/{listing.id}"
    typed = "Seller's photos are of a different piece " + SCRIPT
    box = client.get(url, headers=HTMX, query_string={
        "kind": "fake", "reason": typed, "decision_basis": "expert",
        "expert_body": "Amulet association", "expert_verdict": "Not authentic"}).get_data(
        as_text=True)
    assert "Seller&#39;s photos are of a different piece &lt;script&gt;" in box
    assert SCRIPT not in box and "it is a copy" not in box.split('name="reason"')[1][:300]
    assert 'value="expert" selected' in box and 'value="Amulet association"' in box
    assert "Not authentic</textarea>" in box

    untouched = "Members reported this item; moderators are checking it."
    box = client.get(url, headers=HTMX, query_string={"kind": "fake", "reason": untouched})
    reason = box.get_data(as_text=True).split('name="reason"')[1].split("</textarea>")[0]
    assert "it is a copy" in reason and untouched not in reason

    box = client.get(url, headers=HTMX, query_string={"kind": "fake", "template": "1"})
    html = box.get_data(as_text=True)
    assert "not authentic.</textarea>" in html
    assert '<option value="1" selected>' in html


def test_the_delete_page_of_a_fake_listing_says_why_instead_of_failing_shop_7(
        moderator, make_listing, client_for):
    """SHOP-7, found in review of the new GET confirmation page: opened for a FAKE-signed
    listing (a sign hung while the page was open, then reloaded), it crashed (500) instead
    of saying the listing cannot be deleted."""
    listing = make_listing()
    hang(listing, "fake", moderator)
    client = client_for(listing.shop.owner)
    response = client.get(f"/listings/{listing.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/listings/{listing.id}"
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "cannot be" in page
    assert fresh(Listing, listing.id).status == "fake"
