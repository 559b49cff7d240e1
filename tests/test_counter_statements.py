"""The owner's counter-statement (CMP-3): only the owner of a page hidden by an upheld complaint
may answer, once, with evidence files; a moderator restores the page (owner and complainant
told) or keeps it hidden (owner told). The seller cannot un-hide the page by editing it."""
import re

import pytest
from sqlalchemy import select

from app.blueprints.complaints import handling, hiding
from app.blueprints.shops import listing_services
from app.database import utcnow
from app.extensions import db
from app.models import Notification
from app.models.complaints import ComplaintEvent, ComplaintEvidence, CounterStatement
from tests.complaint_helpers import decide, fresh, item_of, mails_to, make_complaint
from tests.conftest import category_id, csrf_from
from tests.images import jpeg, upload

pytestmark = pytest.mark.usefixtures("english")

XSS = "<script>alert(1)</script>"


@pytest.fixture
def upheld(app, make_listing, moderator):
    """A listing hidden by an upheld complaint, and its complaint target."""
    listing = make_listing(title="Garuda amulet")
    complaint = make_complaint(listing)
    handling.uphold(complaint, moderator, "Counterfeit design.", "SHOP-4", now=utcnow())
    db.session.commit()
    return listing, complaint, complaint.targets[0]


def answer_url(target):
    return f"/complaints/pages/{target.id}/answer"


def send(client, target, body, files=()):
    page = client.get(answer_url(target)).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "body": body}
    if files:
        data["files"] = list(files)
    return client.post(answer_url(target), data=data, content_type="multipart/form-data")


def test_cmp3_the_owner_answers_once_with_evidence(upheld, client_for, moderator):
    listing, complaint, target = upheld
    owner = client_for(listing.shop.owner)
    page = owner.get(answer_url(target)).get_data(as_text=True)
    assert "Counterfeit design." in page and "SHOP-4" in page
    response = send(owner, target, "I bought it from the maker; receipt attached.",
                    [upload(jpeg(), "receipt.jpg")])
    assert response.status_code == 302
    statement = db.session.scalar(select(CounterStatement))
    assert statement.author_id == listing.shop.owner_id and statement.target_id == target.id
    files = db.session.scalars(select(ComplaintEvidence).where(
        ComplaintEvidence.counter_statement_id == statement.id)).all()
    assert [f.original_name for f in files] == ["receipt.jpg"]
    item = item_of("counter_statement", statement.id)
    assert item is not None and item.target_type == "counter"
    assert "counter_statement" in [e.step for e in db.session.scalars(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id))]
    # Once only: the form is gone and a second post is refused.
    page = owner.get(answer_url(target)).get_data(as_text=True)
    assert "Send the counter-statement" not in page and "waiting for a moderator" in page
    # Found in review: the owner's page did not list the files they had sent.
    assert f"/complaints/evidence/{files[0].id}" in page and "receipt.jpg" in page
    assert owner.get(f"/complaints/evidence/{files[0].id}").status_code == 200
    token = csrf_from(owner.get(f"/listings/{listing.id}").get_data(as_text=True))
    again = owner.post(answer_url(target), data={"csrf_token": token, "body": "again"})
    # Found in review: the owner's answer sent twice (a double tap) got "You may not do
    # this"; it is sent back to the page, told the first one counts.
    assert again.status_code == 302 and again.headers["Location"] == answer_url(target)
    assert "already been sent" in owner.get(answer_url(target)).get_data(as_text=True)
    assert db.session.query(CounterStatement).count() == 1
    stranger = client_for(moderator)  # not the owner: a moderator may read, never answer
    token = csrf_from(stranger.get(answer_url(target)).get_data(as_text=True))
    assert stranger.post(answer_url(target), data={"csrf_token": token,
                                                   "body": "again"}).status_code == 403
    # The moderators see the statement and its evidence in the queue.
    html = client_for(moderator).get("/moderation/queue?kind=counter_statement").get_data(
        as_text=True)
    assert "I bought it from the maker" in html and f"/complaints/evidence/{files[0].id}" in html


def test_cmp3_a_counter_statement_needs_text_and_keeps_what_was_typed(upheld, client_for):
    listing, complaint, target = upheld
    owner = client_for(listing.shop.owner)
    response = send(owner, target, "   ")
    assert response.status_code == 422
    response = send(owner, target, "x" * 5001, [upload(jpeg(), "r.jpg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "x" * 100 in html
    assert db.session.query(CounterStatement).count() == 0
    # CMP-1, CMP-3: the photo it would take is kept for the next try, not to be chosen again.
    [token] = re.findall(r'name="kept_file" value="([^"]+)" checked> r.jpg', html)
    page = owner.get(answer_url(target)).get_data(as_text=True)
    response = owner.post(answer_url(target), content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "body": "I made it myself.", "kept_file": token})
    assert response.status_code == 302
    statement = db.session.query(CounterStatement).one()
    assert [(e.original_name, e.counter_statement_id) for e in statement.evidence] == [
        ("r.jpg", statement.id)]


def test_cmp3_only_the_owner_may_answer(upheld, client_for, make_member, moderator):
    listing, complaint, target = upheld
    other = client_for(make_member())
    assert other.get(answer_url(target)).status_code == 404
    token = csrf_from(other.get("/shops/new").get_data(as_text=True))
    assert other.post(answer_url(target), data={"csrf_token": token,
                                                "body": "Not mine"}).status_code == 404
    assert client_for(None).get(answer_url(target)).status_code == 302  # log in first
    assert db.session.query(CounterStatement).count() == 0
    mod = client_for(moderator)
    assert mod.get(answer_url(target)).status_code == 200  # moderators may read it
    assert "Send the counter-statement" not in mod.get(answer_url(target)).get_data(
        as_text=True)


def test_cmp3_restore_publishes_the_page_and_tells_owner_and_complainant(upheld, client_for,
                                                                        moderator):
    listing, complaint, target = upheld
    send(client_for(listing.shop.owner), target, "It is genuine.")
    statement = db.session.scalar(select(CounterStatement))
    mod = client_for(moderator)
    response = decide(mod, item_of("counter_statement", statement.id), "restore",
                      reason="The receipt shows a licensed maker.")
    assert response.status_code == 200
    assert fresh(listing).status == "active"
    assert fresh(target).outcome == "restored" and fresh(target).restored_at is not None
    assert fresh(statement).decision == "restored"
    assert client_for(None).get(f"/listings/{listing.id}").status_code == 200
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == listing.shop.owner_id,
        Notification.kind == "complaint_restored")) is not None
    told, = mails_to("holder@brand.example", "complaint_restored")
    assert target.url in told.body_text
    steps = [e.step for e in db.session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id).order_by(ComplaintEvent.id))]
    assert steps[-2:] == ["counter_statement", "restored"]


def test_cmp3_keep_hidden_needs_a_reason_and_tells_the_owner(upheld, client_for, moderator):
    listing, complaint, target = upheld
    send(client_for(listing.shop.owner), target, "It is genuine.")
    statement = db.session.scalar(select(CounterStatement))
    mod = client_for(moderator)
    item = item_of("counter_statement", statement.id)
    assert decide(mod, item, "keep", reason="").status_code == 422
    assert decide(mod, item, "keep", reason="The receipt is for another item.").status_code \
        == 200
    assert fresh(listing).status == "hidden" and fresh(target).outcome == "kept"
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == listing.shop.owner_id, Notification.kind == "complaint_kept"))
    assert notice is not None and "another item" in notice.data
    page = client_for(listing.shop.owner).get(answer_url(target)).get_data(as_text=True)
    assert "Kept hidden" in page


def test_cmp3_the_seller_cannot_unhide_a_listing_by_editing_it(upheld):
    listing, complaint, target = upheld
    listing_services.update_listing(fresh(listing), dict(
        title="Garuda amulet (corrected)", description="", category_id=category_id(),
        price_satang=50_000, quantity=1, condition="good", content_rating="general"),
        now=utcnow())
    db.session.commit()
    assert fresh(listing).status == "hidden"


def test_cmp3_hostile_counter_statement_is_escaped(upheld, client_for, moderator):
    listing, complaint, target = upheld
    send(client_for(listing.shop.owner), target, XSS)
    html = client_for(moderator).get("/moderation/queue?kind=counter_statement").get_data(
        as_text=True)
    assert XSS not in html and "&lt;script&gt;" in html
    page = client_for(listing.shop.owner).get(answer_url(target)).get_data(as_text=True)
    assert XSS not in page and "&lt;script&gt;" in page



def test_cmp3_the_seller_cannot_put_a_hidden_listing_back_on_show(upheld, client_for):
    listing, complaint, target = upheld
    owner = client_for(listing.shop.owner)
    token = csrf_from(owner.get(f"/listings/{listing.id}").get_data(as_text=True))
    response = owner.post(f"/listings/{listing.id}/sold-out", data={"csrf_token": token},
                          follow_redirects=True)
    assert "The moderators have suspended this listing" in response.get_data(as_text=True)
    assert fresh(listing).status == "hidden"


def test_cmp3_a_listing_two_complaints_hid_comes_back_once_both_are_restored(
        app, make_listing, moderator):
    listing = make_listing(quantity=0, status="sold_out")
    first, second = make_complaint(listing), make_complaint(listing)
    for complaint in (first, second):
        handling.uphold(complaint, moderator, "Fake", "SHOP-4", now=utcnow())
        db.session.commit()
    hiding.restore_target(fresh(first).targets[0], moderator, now=utcnow())
    db.session.commit()
    assert fresh(listing).status == "hidden"  # the second complaint still hides it
    hiding.restore_target(fresh(second).targets[0], moderator, now=utcnow())
    db.session.commit()
    assert fresh(listing).status == "sold_out"


def test_cmp3_a_fake_sign_hung_while_hidden_keeps_the_page_hidden_until_restored(
        upheld, client_for, moderator):
    """CMP-3 with SHOP-7: hanging FAKE on a listing a complaint hides does not publish it
    (FAKE makes a listing public with its sign); restoring the page shows it as FAKE."""
    from app.blueprints.moderation import signs

    listing, complaint, target = upheld
    signs.hang_sign("listing", listing.id, "fake", moderator, "Checked by experts.",
                    now=utcnow())
    db.session.commit()
    assert fresh(listing).status == "hidden" and fresh(listing).stop_sign == "fake"
    assert client_for(None).get(f"/listings/{listing.id}").status_code == 404
    send(client_for(listing.shop.owner), target, "It is genuine.")
    statement = db.session.scalar(select(CounterStatement))
    decide(client_for(moderator), item_of("counter_statement", statement.id), "restore",
           reason="The page may show again; the FAKE sign stays.")
    assert fresh(listing).status == "fake" and fresh(listing).stop_sign == "fake"


def test_cmp5_complainant_told_stays_hidden_is_told_again_when_the_last_hold_lifts(
        app, make_listing, moderator, client_for):
    """CMP-5: two upheld complaints hide one page. The owner's answer to the first is accepted
    while the second still holds the page ("stays suspended for now"); when the answer to the
    second is accepted too and the page is published, the first complainant is told so, by
    e-mail and on the status page, once; the second gets the ordinary "published again"."""
    from app.blueprints.complaints import access, counter, intake

    listing = make_listing(title="Garuda amulet")
    first = make_complaint(listing, email="first@brand.example", locale="th")
    first.code = intake.new_code()
    second = make_complaint(listing, email="second@brand.example")
    for complaint in (first, second):
        handling.uphold(complaint, moderator, "Counterfeit.", "SHOP-4", now=utcnow())
        db.session.commit()
    owner = listing.shop.owner
    for complaint in (first, second):
        target = fresh(complaint).targets[0]
        statement = counter.file_counter(target, owner, "I made it myself.", now=utcnow())
        db.session.commit()
        counter.decide(statement, moderator, "restored", "", now=utcnow())
        db.session.commit()
    assert fresh(listing).status == "active"
    told, = mails_to("first@brand.example", "complaint_released")
    assert told.subject == f"ข้อร้องเรียน {first.code}: มีหน้าที่เผยแพร่อีกครั้ง"
    assert fresh(first).targets[0].url in told.body_text
    assert [e.step for e in fresh(first).events][-2:] == ["restored_held", "released"]
    assert not fresh(first).targets[0].held_by_other
    assert mails_to("second@brand.example", "complaint_restored") != []
    assert mails_to("second@brand.example", "complaint_released") == []
    complainant = client_for(None)
    with complainant.session_transaction() as session:
        session[access.SESSION_KEY] = [first.id]
    page = complainant.get(f"/complaints/status?code={first.code}").get_data(as_text=True)
    assert "published again" in page
    released = page[page.index("no longer does"):]
    assert fresh(first).targets[0].url in released[:released.index("</li>")]  # names the page


def test_cmp5_a_page_restored_while_held_tells_nobody_until_the_last_hold_lifts(
        app, make_listing, moderator):
    """CMP-5: with three complaints holding a page, accepting the first two answers tells no
    one that it is published; the third tells both waiting complainants."""
    from app.blueprints.complaints import counter

    listing = make_listing()
    complaints = [make_complaint(listing, email=f"c{n}@brand.example") for n in range(3)]
    for complaint in complaints:
        handling.uphold(complaint, moderator, "Counterfeit.", "SHOP-4", now=utcnow())
        db.session.commit()
    for n, complaint in enumerate(complaints):
        target = fresh(complaint).targets[0]
        statement = counter.file_counter(target, listing.shop.owner, "Mine.", now=utcnow())
        counter.decide(statement, moderator, "restored", "", now=utcnow())
        db.session.commit()
        released = [mails_to(f"c{k}@brand.example", "complaint_released") for k in range(3)]
        assert [len(m) for m in released] == ([0, 0, 0] if n < 2 else [1, 1, 0])


def test_cmp5_no_published_again_notice_for_a_page_deleted_while_held(
        app, make_listing, moderator):
    """CMP-5: the owner deleted the listing while two upheld complaints hid it; when the last
    hold lifts the page is not published, so the complainant told "stays suspended for now"
    is not told that it is published again."""
    from app.blueprints.complaints import counter

    listing = make_listing()
    complaints = [make_complaint(listing, email=f"d{n}@brand.example") for n in range(2)]
    for complaint in complaints:
        handling.uphold(complaint, moderator, "Counterfeit.", "SHOP-4", now=utcnow())
        db.session.commit()
    for n, complaint in enumerate(complaints):
        if n == 1:
            listing_services.delete_listing(fresh(listing), now=utcnow())
        target = fresh(complaint).targets[0]
        statement = counter.file_counter(target, listing.shop.owner, "Mine.", now=utcnow())
        counter.decide(statement, moderator, "restored", "", now=utcnow())
        db.session.commit()
    assert fresh(listing).status == "deleted"
    assert mails_to("d0@brand.example", "complaint_released") == []
