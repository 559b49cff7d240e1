"""Review fixes for the owner's answer to an upheld complaint (CMP-3, CMP-5): what owner and
complainant are told when the page is gone, and which page each step is about."""
import pytest
from sqlalchemy import select

from app.blueprints.complaints import access, counter, handling, intake
from app.blueprints.shops import listing_services
from app.database import utcnow
from app.extensions import db
from app.models import Notification
from app.models.complaints import CounterStatement
from tests.complaint_helpers import decide, fresh, item_of, mails_to, make_complaint
from tests.test_counter_statements import answer_url, send

pytestmark = pytest.mark.usefixtures("english")


def status_page(client_for, complaint):
    """The complaint's status page, as the browser that filed it sees it."""
    complainant = client_for(None)
    with complainant.session_transaction() as session:
        session[access.SESSION_KEY] = [complaint.id]
    return complainant.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)


def filed(*pages, **fields):
    """A complaint about ``pages`` with a real tracking code (its status page looks it up)."""
    complaint = make_complaint(*pages, **fields)
    complaint.code = intake.new_code()
    db.session.commit()
    return complaint


def uphold(complaint, moderator):
    handling.uphold(complaint, moderator, "Counterfeit design.", "SHOP-4", now=utcnow())
    db.session.commit()


def delete(listing):
    listing_services.delete_listing(fresh(listing), now=utcnow())
    db.session.commit()


def test_cmp5_a_page_its_owner_deleted_while_hidden_is_not_told_published_again(
        app, make_listing, moderator, client_for):
    """Found in review: the owner deleted the listing while a complaint hid it, then answered;
    the moderator accepted the answer, and complainant and owner were told the page was
    "published again" (it stays deleted). They are told the truth, in mail, notice, status
    page, the owner's page and the moderator's message."""
    listing = make_listing(title="Garuda amulet")
    complaint = filed(listing)
    uphold(complaint, moderator)
    target = fresh(complaint).targets[0]
    delete(listing)
    owner = client_for(listing.shop.owner)
    send(owner, target, "I took it down myself.")
    statement = db.session.scalar(select(CounterStatement))
    response = decide(client_for(moderator), item_of("counter_statement", statement.id),
                      "restore", reason="Fair enough.")
    assert response.status_code == 200
    assert "not published again" in response.get_data(as_text=True)
    assert fresh(listing).status == "deleted"
    assert mails_to("holder@brand.example", "complaint_restored") == []
    told, = mails_to("holder@brand.example", "complaint_restored_gone")
    assert "its owner deleted it" in told.body_text and target.url in told.body_text
    assert "publish the page again" not in told.body_text
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == listing.shop.owner_id)).all()
    assert "complaint_restored_gone" in kinds and "complaint_restored" not in kinds
    assert [e.step for e in fresh(complaint).events][-1] == "restored_gone"
    page = status_page(client_for, complaint)
    assert "its owner deleted it" in page and "The page was published again" not in page
    mine = owner.get(answer_url(target)).get_data(as_text=True)
    assert "you deleted it" in mine and "the page stays deleted" in mine
    assert "Published again" not in mine and "the page is published again" not in mine


def test_cmp5_a_page_deleted_while_another_complaint_held_it_is_not_released(
        app, make_listing, moderator, client_for):
    """The complainant told "stays suspended for now" (another upheld complaint held the page)
    is told, when the last hold lifts, that the page stays deleted, not "published again"."""
    listing = make_listing()
    first = filed(listing, email="first@brand.example")
    second = filed(listing, email="second@brand.example")
    uphold(first, moderator)
    uphold(second, moderator)
    owner = listing.shop.owner
    statement = counter.file_counter(fresh(first).targets[0], owner, "Mine.", now=utcnow())
    counter.decide(statement, moderator, "restored", "", now=utcnow())
    db.session.commit()
    assert mails_to("first@brand.example", "complaint_restored_held") != []
    delete(listing)
    statement = counter.file_counter(fresh(second).targets[0], owner, "Mine.", now=utcnow())
    counter.decide(statement, moderator, "restored", "", now=utcnow())
    db.session.commit()
    for address in ("first@brand.example", "second@brand.example"):
        assert mails_to(address, "complaint_released") == []
        assert mails_to(address, "complaint_restored") == []
        assert len(mails_to(address, "complaint_restored_gone")) == 1
    assert [e.step for e in fresh(first).events][-1] == "restored_gone"
    assert not fresh(first).targets[0].held_by_other
    page = status_page(client_for, first)
    assert "its owner deleted it" in page and "the page is published again" not in page


def test_cmp5_the_gone_step_and_mail_are_in_thai(app, make_listing, moderator):
    listing = make_listing()
    complaint = filed(listing, locale="th")
    uphold(complaint, moderator)
    delete(listing)
    statement = counter.file_counter(fresh(complaint).targets[0], listing.shop.owner, "Mine.",
                                     now=utcnow())
    counter.decide(statement, moderator, "restored", "", now=utcnow())
    db.session.commit()
    told, = mails_to("holder@brand.example", "complaint_restored_gone")
    assert "ลบ" in told.subject and "ลบ" in told.body_text


def step_item(page, label):
    """The status page's list item of the step whose label starts ``label``."""
    start = page.index(label)
    return page[start:page.index("</li>", start)]


def test_cmp5_each_decision_step_names_its_page(app, make_listing, moderator, client_for):
    """Found in review: with one complaint naming several pages, the steps "published again",
    "accepted, but stays unpublished for now" and "stays unpublished" did not say which page
    they were about (the newer "released" step does). Each names its page, then the reason."""
    restored, held, kept = (make_listing(title=f"Amulet {n}") for n in range(3))
    complaint = filed(restored, held, kept)
    uphold(complaint, moderator)
    uphold(filed(held, email="other@brand.example"), moderator)  # still holds ``held``
    targets = {t.target_id: t for t in fresh(complaint).targets}
    for listing, decision, reason in ((restored, "restored", ""),
                                      (held, "restored", "The receipt is real."),
                                      (kept, "kept", "The receipt is for another item.")):
        target = targets[listing.id]
        statement = counter.file_counter(target, listing.shop.owner, "Mine.", now=utcnow())
        counter.decide(statement, moderator, decision, reason, now=utcnow())
        db.session.commit()
    assert [e.step for e in fresh(complaint).events if e.step != "counter_statement"][-3:] \
        == ["restored", "restored_held", "kept_hidden"]
    page = status_page(client_for, complaint)
    urls = {listing.id: targets[listing.id].url for listing in (restored, held, kept)}
    shown = step_item(page, "The page was published again")
    assert urls[restored.id] in shown and urls[held.id] not in shown
    shown = step_item(page, "but the page stays unpublished for now")
    assert urls[held.id] in shown and "The receipt is real." in shown
    shown = step_item(page, "The page stays unpublished")
    assert urls[kept.id] in shown and "The receipt is for another item." in shown


def test_cmp3_the_queue_says_a_restored_page_is_still_held_by_another_complaint(
        app, make_listing, moderator, client_for):
    """Found in review: the moderators' queue showed a bare "restored" for a page restored on
    its owner's answer while another upheld complaint still hides it (held_by_other). It says
    the page is still hidden by that other complaint; once that lifts, a plain "restored"."""
    listing = make_listing()
    first = filed(listing)
    second = filed(listing, email="other@brand.example")
    uphold(first, moderator)
    uphold(second, moderator)
    for complaint in (first, second):
        statement = counter.file_counter(fresh(complaint).targets[0], listing.shop.owner,
                                         "Mine.", now=utcnow())
        counter.decide(statement, moderator, "restored", "", now=utcnow())
        db.session.commit()
        html = client_for(moderator).get(
            "/moderation/queue?kind=complaint").get_data(as_text=True)
        row = html[html.index(first.code):]
        row = row[:row.index("</ul>")]
        if complaint is first:  # the second complaint still hides the page
            assert "restored, but still hidden by another upheld complaint" in row
        else:
            assert "still hidden" not in row and ">restored<" in row


def test_cmp3_the_owner_is_not_offered_to_edit_a_listing_they_deleted(
        app, make_listing, moderator, client_for):
    """Found in review: the owner's page about a hidden listing they had deleted still offered
    "Edit the listing", which only leads to "This listing was deleted"."""
    listing = make_listing()
    complaint = filed(listing)
    uphold(complaint, moderator)
    target = fresh(complaint).targets[0]
    owner = client_for(listing.shop.owner)
    assert "Edit the listing" in owner.get(answer_url(target)).get_data(as_text=True)
    delete(listing)
    page = owner.get(answer_url(target)).get_data(as_text=True)
    assert "Edit the listing" not in page and "Send the counter-statement" in page
