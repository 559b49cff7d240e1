"""Handling complaints in the review queue (CMP-2, CMP-3, CMP-5): the row shows the due date,
business days left and LATE; upholding hides each kind of page everywhere (board, search,
shop pages, direct URL, live panel, bids) except from its owner and moderators, and tells the
owner why and how to answer; rejecting and asking for more; the complainant is told the
outcome, and told once (pointing to 1212) when the answer is late."""
import pytest
from sqlalchemy import select

from app.blueprints.auctions import bidding
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.complaints import handling, hiding, intake, outcome
from app.blueprints.complaints.evidence import store_evidence
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import AuditEntry, Notification
from app.models.complaints import ComplaintEvent
from tests.complaint_helpers import (days, decide, fresh, item_of, mails_to, make_complaint)
from tests.conftest import csrf_from
from tests.images import jpeg

pytestmark = pytest.mark.usefixtures("english")

TITLE = "Golden Garuda amulet replica"
XSS = "<script>alert(1)</script>"


@pytest.fixture
def mod(client_for, moderator):
    return client_for(moderator)


def steps(complaint):
    return [e.step for e in db.session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id))]


def audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# --- CMP-2: the queue shows the clock -------------------------------------------------------

def test_cmp2_queue_row_shows_due_date_business_days_left_and_late_flag(app, make_listing, mod):
    listing = make_listing(title=TITLE)
    late = make_complaint(listing, now=utcnow() - days(20), email="late@brand.example")
    fresh_one = make_complaint(listing, email="new@brand.example")
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    late_row = html[html.index(f'id="item-{item_of("complaint", late.id).id}"'):]
    late_row = late_row[:late_row.index("</article>")]
    new_row = html[html.index(f'id="item-{item_of("complaint", fresh_one.id).id}"'):]
    new_row = new_row[:new_row.index("</article>")]
    assert "LATE" in late_row and "business days late" in late_row
    assert "LATE" not in new_row and "7 business days left" in new_row
    assert "Due " in new_row and late.code in late_row
    # Oldest first: the late complaint (earliest due) leads the complaints' page.
    assert html.index(late.code) < html.index(fresh_one.code)
    # The row names the complainant, the kind and links the page complained about.
    assert "Rights Holder" in new_row and "Brand Co." in new_row
    assert "Counterfeit goods" in new_row and f'href="/listings/{listing.id}"' in new_row
    # "Late complaints only" shows the late one alone.
    html = mod.get("/moderation/queue?late=1").get_data(as_text=True)
    assert late.code in html and fresh_one.code not in html


def test_cmp2_queue_row_links_the_evidence_files(app, make_listing, mod):
    complaint = make_complaint(make_listing())
    entry, = store_evidence(complaint, [("proof.jpg", jpeg())], now=utcnow())
    db.session.commit()
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    assert f"/complaints/evidence/{entry.id}" in html and "proof.jpg" in html
    assert mod.get(f"/complaints/evidence/{entry.id}").status_code == 200


# --- CMP-3: uphold ------------------------------------------------------------------------------

def test_cmp3_uphold_hides_a_listing_everywhere_but_for_its_owner_and_moderators(
        app, make_listing, make_member, client_for, mod):
    listing = make_listing(title=TITLE)
    owner_client = client_for(listing.shop.owner)
    visitor, other = client_for(None), client_for(make_member())
    assert visitor.get(f"/listings/{listing.id}").status_code == 200
    assert f"/listings/{listing.id}" in visitor.get("/search?q=Garuda").get_data(as_text=True)
    complaint = make_complaint(listing)

    response = decide(mod, item_of("complaint", complaint.id), "uphold",
                      reason="Counterfeit of a registered design.", rule="SHOP-4")
    assert response.status_code == 200
    assert fresh(listing).status == "hidden"
    for client in (visitor, other):
        assert client.get(f"/listings/{listing.id}").status_code == 404
        assert f"/listings/{listing.id}" not in client.get("/search?q=Garuda").get_data(
            as_text=True)
        assert TITLE not in client.get(f"/shops/{listing.shop.slug}").get_data(as_text=True)
    page = owner_client.get(f"/listings/{listing.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Publication suspended after a complaint" in html
    assert "Counterfeit of a registered design." in html and "SHOP-4" in html
    target = complaint.targets[0]
    assert f"/complaints/pages/{target.id}/answer" in html
    assert mod.get(f"/listings/{listing.id}").status_code == 200

    complaint = fresh(complaint)
    assert complaint.status == "upheld" and complaint.rule == "SHOP-4"
    assert complaint.targets[0].outcome == "hidden" and complaint.targets[0].hidden_at
    assert steps(complaint) == ["received", "upheld"]
    assert {"complaint.uphold", "complaint.hide", "queue.uphold"} <= set(audit_actions())
    # The owner is told the reason, the rule and where to answer (in-app and by e-mail).
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == listing.shop.owner_id, Notification.kind == "complaint_upheld"))
    assert notice is not None
    mail, = mails_to(listing.shop.owner.email, "notice_complaint_upheld")
    assert "SHOP-4" in mail.body_text and f"/complaints/pages/{target.id}/answer" in \
        mail.body_text
    # CMP-5: the complainant is told the outcome and reasons with the status link.
    told, = mails_to("holder@brand.example", "complaint_outcome")
    assert complaint.code in told.subject
    assert "Counterfeit of a registered design." in told.body_text
    assert f"/complaints/status?code={complaint.code}" in told.body_text


def test_cmp3_public_boards_stop_quoting_an_item_hidden_after_a_complaint(
        app, make_listing, board, client_for, mod):
    """CMP-3: a fake-report or lift-request post citing a listing or an auction that a
    complaint hid shows neither the item's title nor what was written about it, on the board
    and on the post's own page, until the page is restored; other posts are untouched."""
    from app.blueprints.boards import services as boards

    listing = make_listing(title=TITLE)
    auction = board.auction
    quoted = [boards.post("fake-shops", TITLE, "Says it is a genuine Garuda.",
                          target_type="listing", target_id=listing.id, now=utcnow()),
              boards.post("fake-auctions", auction.title, "Photos copied from a museum.",
                          target_type="auction", target_id=auction.id, now=utcnow())]
    other = boards.post("fake-shops", "Another shop's fake", "Unrelated.", now=utcnow())
    db.session.commit()
    visitor = client_for(None)
    for target in (listing, auction):
        decide(mod, item_of("complaint", make_complaint(target).id), "uphold",
               reason="Counterfeit.", rule="SHOP-4")
    member = client_for(board.bob)
    for post, words in zip(quoted, ((TITLE, "genuine Garuda"),
                                    (auction.title, "Photos copied")), strict=True):
        for url in (f"/boards/{post.board}", f"/boards/posts/{post.id}"):
            html = visitor.get(url).get_data(as_text=True)
            assert "An item withdrawn after a complaint" in html
            assert not any(word in html for word in words)
        report = member.get(f"/moderation/report/board_post/{post.id}")
        assert not any(word in report.get_data(as_text=True) for word in words)
    assert "Another shop" in visitor.get("/boards/fake-shops").get_data(as_text=True)
    assert other.id not in boards.withdrawn([other])
    in_hidden_shop = make_listing(title="Bronze Naga bracelet")
    naga = boards.post("fake-shops", "Bronze Naga bracelet", "Cast last week.",
                       target_type="listing", target_id=in_hidden_shop.id, now=utcnow())
    db.session.commit()
    decide(mod, item_of("complaint", make_complaint(in_hidden_shop.shop).id), "uphold",
           reason="Counterfeit.", rule="SHOP-4")
    assert "Naga" not in visitor.get(f"/boards/posts/{naga.id}").get_data(as_text=True)
    db.session.get(type(listing), listing.id).status = "active"
    db.session.commit()
    assert TITLE in visitor.get(f"/boards/posts/{quoted[0].id}").get_data(as_text=True)


def test_cmp3_a_sold_out_listing_comes_back_sold_out_when_restored(app, make_listing,
                                                                  moderator):
    listing = make_listing(quantity=0, status="sold_out")
    complaint = make_complaint(listing)
    handling.uphold(complaint, moderator, "Fake", "SHOP-4", now=utcnow())
    db.session.commit()
    assert fresh(listing).status == "hidden"
    hiding.restore_target(fresh(complaint).targets[0], moderator, now=utcnow())
    db.session.commit()
    assert fresh(listing).status == "sold_out"


def test_cmp3_uphold_hides_an_auction_from_board_page_panel_and_bids(
        app, board, client_for, mod):
    auction = board.auction
    visitor = client_for(None)
    assert f"/auctions/{auction.id}" in visitor.get("/auctions/").get_data(as_text=True)
    version = auction.version
    complaint = make_complaint(auction)
    decide(mod, item_of("complaint", complaint.id), "uphold", reason="Stolen photos.",
           rule="SHOP-4")
    assert fresh(auction).hidden_at is not None
    alice = client_for(board.alice)
    for client in (visitor, alice):
        assert f"/auctions/{auction.id}" not in client.get("/auctions/").get_data(as_text=True)
        assert client.get(f"/auctions/{auction.id}").status_code == 404
        # The polling page is told the auction is gone (286: no more polls), nothing of it
        # (AUC-2; tests/test_auction_hidden_panel.py).
        panel = client.get(f"/auctions/{auction.id}/panel", headers={"HX-Request": "true"})
        assert panel.status_code == 286 and "data-price" not in panel.get_data(as_text=True)
        assert client.get(f"/auctions/{auction.id}/panel").status_code == 404
        assert client.get(f"/auctions/{auction.id}/live").status_code == 404
    with pytest.raises(BidNotAccepted):
        bidding.place_bid(auction.id, board.alice, 200_00, proxy=False, now=utcnow(), ip="",
                          device="")
    db.session.rollback()
    seller_page = client_for(board.seller).get(f"/auctions/{auction.id}")
    assert seller_page.status_code == 200
    html = seller_page.get_data(as_text=True)
    assert "Publication suspended after a complaint" in html
    # The live panel (what open pages are sent) shows the auction halted.
    assert "data-halted" in html and "suspended after a complaint: no bids" in html
    assert fresh(auction).version == version + 1
    assert mod.get(f"/auctions/{auction.id}").status_code == 200


def test_cmp3_an_auction_still_hidden_at_its_end_makes_no_sale(app, board, moderator):
    from app.blueprints.auctions import lifecycle

    auction = board.auction
    bidding.place_bid(auction.id, board.alice, 200_00, proxy=False, now=utcnow())
    db.session.commit()
    hiding_complaint = make_complaint(auction)
    handling.uphold(hiding_complaint, moderator, "Stolen photos.", "SHOP-4", now=utcnow())
    db.session.commit()
    auction = fresh(auction)
    assert lifecycle.settle(auction, auction.ends_at + days(1)) is None
    db.session.commit()
    assert fresh(auction).winner_id is None


def test_cmp3_uphold_hides_a_shop_and_its_listings(app, make_listing, make_member, client_for,
                                                   mod):
    listing = make_listing(title=TITLE)
    shop = listing.shop
    visitor, other = client_for(None), client_for(make_member())
    assert f"/shops/{shop.slug}" in visitor.get(
        "/search", query_string={"q": shop.name}).get_data(as_text=True)
    complaint = make_complaint(shop)
    decide(mod, item_of("complaint", complaint.id), "uphold", reason="Sells fakes only.",
           rule="SHOP-8")
    assert fresh(shop).hidden_at is not None
    for client in (visitor, other):
        assert client.get(f"/shops/{shop.slug}").status_code == 404
        assert f"/shops/{shop.slug}" not in client.get("/shops").get_data(as_text=True)
        assert client.get(f"/listings/{listing.id}").status_code == 404
        results = client.get("/search?q=Garuda").get_data(as_text=True)
        assert f"/listings/{listing.id}" not in results
        found = client.get("/search", query_string={"q": shop.name}).get_data(as_text=True)
        assert f"/shops/{shop.slug}" not in found
    owner = client_for(shop.owner)
    for url in (f"/shops/{shop.slug}", f"/listings/{listing.id}"):
        owner_page = owner.get(url)
        assert owner_page.status_code == 200
        assert "Sells fakes only." in owner_page.get_data(as_text=True)
    assert mod.get(f"/shops/{shop.slug}").status_code == 200


def test_cmp3_a_cached_public_page_does_not_keep_showing_a_hidden_shop(make_app, make_member):
    app = make_app(PAGE_CACHE_SECONDS=60)
    with app.app_context():
        from app.models import Shop

        owner = make_member()
        moderator = make_member(role="moderator")
        shop = Shop(owner_id=owner.id, name="Cached Shop", slug="cached-shop", description="",
                    plan="standard", created_at=utcnow(), updated_at=utcnow())
        db.session.add(shop)
        db.session.commit()
        visitor = app.test_client()
        assert visitor.get("/shops/cached-shop").status_code == 200
        assert visitor.get("/shops/cached-shop").status_code == 200  # from the cache
        complaint = make_complaint(shop)
        handling.uphold(complaint, moderator, "Fakes", "SHOP-8", now=utcnow())
        db.session.commit()
        assert visitor.get("/shops/cached-shop").status_code == 404


def test_cmp3_uphold_needs_a_reason_and_a_rule(app, make_listing, mod):
    listing = make_listing()
    complaint = make_complaint(listing)
    item = item_of("complaint", complaint.id)
    response = decide(mod, item, "uphold", reason="", rule="SHOP-4")
    assert response.status_code == 422 and "reason" in response.get_data(as_text=True)
    response = decide(mod, item, "uphold", reason="Fake", rule=" ")
    assert response.status_code == 422
    assert fresh(listing).status == "active" and fresh(complaint).status == "received"
    assert item_of("complaint", complaint.id) is not None


def test_cmp3_a_rule_longer_than_the_column_is_refused_keeping_what_was_typed(
        app, make_listing, mod):
    """The rule broken is stored in 16 characters: a longer one was cut ("SHOP-4 and copyr")
    and shown so to owner and complainant. It is refused with a clear message, the row keeps
    what was typed, and the input says how long a rule may be."""
    listing = make_listing()
    complaint = make_complaint(listing)
    item = item_of("complaint", complaint.id)
    page = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    assert 'name="rule" maxlength="16"' in page
    response = decide(mod, item, "uphold", reason="Copies our catalogue photos.",
                      rule="SHOP-4 and copyright law section 27")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at most 16 characters" in html
    assert 'value="SHOP-4 and copyright law section 27"' in html
    assert 'value="Copies our catalogue photos."' in html
    assert fresh(complaint).status == "received" and fresh(complaint).rule == ""
    assert fresh(listing).status == "active"
    response = decide(mod, item, "uphold", reason="Copies our catalogue photos.",
                      rule="SHOP-4")
    assert response.status_code == 200 and fresh(complaint).rule == "SHOP-4"


# --- reject and ask for more ---------------------------------------------------------------------

def test_cmp5_reject_tells_the_complainant_the_reasons(app, make_listing, mod):
    listing = make_listing()
    complaint = make_complaint(listing)
    response = decide(mod, item_of("complaint", complaint.id), "reject",
                      reason="The item is a genuine second-hand product.", unfounded="yes")
    assert response.status_code == 200
    complaint = fresh(complaint)
    assert complaint.status == "rejected" and complaint.unfounded
    assert complaint.decided_by_id is not None and fresh(listing).status == "active"
    assert steps(complaint) == ["received", "rejected"]
    assert "complaint.reject" in audit_actions()
    told, = mails_to("holder@brand.example", "complaint_outcome")
    assert complaint.code in told.subject
    assert "The item is a genuine second-hand product." in told.body_text
    assert f"/complaints/status?code={complaint.code}" in told.body_text


def test_cmp5_reject_needs_a_reason_and_is_not_unfounded_by_default(app, make_listing, mod):
    complaint = make_complaint(make_listing())
    item = item_of("complaint", complaint.id)
    assert decide(mod, item, "reject", reason="").status_code == 422
    assert decide(mod, item, "reject", reason="Not infringing.").status_code == 200
    assert fresh(complaint).status == "rejected" and not fresh(complaint).unfounded


def test_cmp1_ask_for_more_waits_for_the_complainant_then_comes_back(app, make_listing, mod):
    complaint = make_complaint(make_listing())
    response = decide(mod, item_of("complaint", complaint.id), "ask",
                      question="Which registration number is infringed?")
    assert response.status_code == 200
    complaint = fresh(complaint)
    assert complaint.status == "needs_info"
    assert steps(complaint) == ["received", "info_requested"]
    assert item_of("complaint", complaint.id) is None  # closed until they answer
    mail, = mails_to("holder@brand.example", "complaint_question")
    assert "Which registration number is infringed?" in mail.body_text
    assert f"/complaints/status?code={complaint.code}" in mail.body_text
    assert decide(mod, item_of("complaint", complaint.id, status="done"), "ask",
                  question="again").status_code == 422
    # Found in review: the moderators' queue said "Waiting for more information from you".
    page = mod.get("/moderation/queue", query_string={"status": "done"}).get_data(as_text=True)
    assert "from the complainant" in page and "more information from you" not in page
    intake.add_information(complaint, "Registration TH-12345.", [], now=utcnow())
    db.session.commit()
    assert fresh(complaint).status == "received"
    assert item_of("complaint", complaint.id) is not None


# --- CMP-5: the overdue notice ------------------------------------------------------------------

def test_cmp5_overdue_job_tells_the_complainant_once_about_1212(app, make_listing, moderator):
    listing = make_listing()
    late = make_complaint(listing, now=utcnow() - days(20), email="late@brand.example")
    decided = make_complaint(listing, now=utcnow() - days(20), email="done@brand.example")
    handling.reject(decided, moderator, "No", now=utcnow())
    on_time = make_complaint(listing, email="new@brand.example")
    db.session.commit()
    assert JOBS["complaint-overdue"](app, utcnow()) == 1
    assert JOBS["complaint-overdue"](app, utcnow()) == 0  # once
    mail, = mails_to("late@brand.example", "complaint_overdue")
    assert "1212" in mail.body_text and outcome.CENTRE_EMAIL in mail.body_text
    assert f"/complaints/status?code={late.code}" in mail.body_text
    assert fresh(late).overdue_notice_at is not None and steps(late)[-1] == "overdue"
    assert fresh(on_time).overdue_notice_at is None
    assert [m.kind for m in mails_to("done@brand.example")] == ["complaint_outcome"]


# --- access and hostile text --------------------------------------------------------------------

def test_cmp3_only_moderators_decide_complaints(app, make_listing, make_member, client_for):
    listing = make_listing()
    complaint = make_complaint(listing)
    item = item_of("complaint", complaint.id)
    member = client_for(make_member())
    page = member.get(f"/listings/{listing.id}").get_data(as_text=True)
    response = member.post(f"/moderation/items/{item.id}/decide", data={
        "csrf_token": csrf_from(page), "action": "uphold", "reason": "x", "rule": "SHOP-4"})
    assert response.status_code == 403
    owner = client_for(listing.shop.owner)
    assert owner.post(f"/moderation/items/{item.id}/decide", data={
        "csrf_token": csrf_from(page), "action": "uphold"}).status_code in (400, 403)
    assert client_for(None).get("/moderation/queue").status_code in (302, 403)
    assert fresh(listing).status == "active"


def test_cmp3_hostile_text_is_escaped_in_the_queue_and_the_owner_banner(
        app, make_listing, client_for, mod):
    listing = make_listing()
    complaint = make_complaint(listing, name=XSS, description=XSS, organisation=XSS)
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    assert XSS not in html and "&lt;script&gt;" in html
    decide(mod, item_of("complaint", complaint.id), "uphold", reason=XSS, rule="<b>")
    owner = client_for(listing.shop.owner)
    for url in (f"/listings/{listing.id}", "/notifications",
                f"/complaints/pages/{fresh(complaint).targets[0].id}/answer"):
        page = owner.get(url).get_data(as_text=True)
        assert XSS not in page and "&lt;script&gt;" in page


def test_cmp2_complaint_rows_load_in_a_fixed_number_of_queries(app, make_listing, make_auction):
    """No N+1 (MOD-7 speed): 12 complaint rows cost the same queries as 2."""
    from sqlalchemy import event

    from app.blueprints.moderation import queue_data

    def count_queries(n):
        for k in range(n):
            make_complaint(make_listing(), make_auction(), email=f"c{n}-{k}@brand.example")
        db.session.expunge_all()
        items = queue_data.page_of_items(queue_data.Filters(kind="complaint"), utcnow())[0]
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = queue_data.load_rows(items)
            assert all(row.target.queue_view.targets for row in rows)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = count_queries(2)
    assert count_queries(10) == small


def test_cmp5_the_reject_choice_in_thai_never_calls_a_rejected_complaint_founded(
        app, make_listing, mod):
    """CMP-5: the reject form's default choice (not counted as unfounded) read "Not
    unfounded", in Thai "มีมูล" ("well-founded") beside the Reject button: a moderator on a
    Thai queue read it as the opposite of what rejecting says (found on the phone queue)."""
    complaint = make_complaint(make_listing())
    row_id = f'id="item-{item_of("complaint", complaint.id).id}"'
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    row = html[html.index(row_id):]
    assert "Filed in good faith: not counted against the complainant" in row
    mod.set_cookie("lang", "th")
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    row = html[html.index(row_id):]
    reject = row[row.index('data-action="reject"'):]
    reject = reject[:reject.index("</form>")]
    assert ">มีมูล<" not in reject and "ยื่นโดยสุจริต" in reject


def test_cmp3_the_keys_of_actions_that_need_words_wait_for_them_mod_7(app, make_listing, mod):
    """CMP-3, CMP-5, MOD-7: "u" (uphold) and "m" (ask for more) sent their forms empty at once
    and always came back refused ("Give the reason..."), with the focus lost (found driving
    the queue with the keyboard). The fields their services require are marked required, so
    the key focuses the first empty one (queue.js) and Enter sends it."""
    complaint = make_complaint(make_listing())
    row_id = f'id="item-{item_of("complaint", complaint.id).id}"'
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    row = html[html.index(row_id):]
    row = row[:row.index("</article>")]

    def form(action):
        part = row[row.index(f'data-action="{action}"'):]
        return part[:part.index("</form>")]

    assert form("uphold").count(" required") == 2
    assert 'name="question"' in form("ask") and " required" in form("ask")
    assert " required" in form("reject")
