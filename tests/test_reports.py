"""MOD-11: any member reports a listing, auction, message, board post or member, choosing a
reason; reports on one target collect on one open review item with a count; a second report
by the same member while it is open is refused kindly; hostile text is escaped; the queue's
report actions (dismiss, sign, warn/sanction, hide a post) work and are audited."""
import re

import pytest
from sqlalchemy import func, select

from app.blueprints.boards import services as boards
from app.blueprints.moderation import queue
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.moderation.reports import file_report
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, BoardPost, Conversation, Message, Report, ReviewItem, Sanction
from tests.conftest import csrf_from, post_form
from tests.queue_helpers import HTMX, decide

SCRIPT = "<script>alert(1)</script>"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def people(make_member, client_for):
    from types import SimpleNamespace

    alice, bob = (make_member(display_name=n) for n in ("Alice", "Bobby"))
    mod = make_member(display_name="Mod One", role="moderator")
    return SimpleNamespace(alice=alice, bob=bob, mod=mod, alice_client=client_for(alice),
                           bob_client=client_for(bob), mod_client=client_for(mod))


def report(client, target_type, target_id, reason="fake", detail="", **kwargs):
    url = f"/moderation/report/{target_type}/{target_id}"
    return post_form(client, url, {"reason": reason, "detail": detail}, **kwargs)


def open_report_item(target_type, target_id):
    return queue.open_item_for("report", target_type, target_id)


def test_reports_collect_on_one_item_with_a_count_mod_11(people, make_listing, make_member):
    """MOD-11: two members report a listing: one open review item, counted twice, about the
    shop's owner; the reporter goes back to the listing with a thank-you."""
    listing = make_listing()
    response = report(people.alice_client, "listing", listing.id, "fake", "ดูไม่แท้")
    assert response.status_code == 302 and response.headers["Location"] == \
        f"/listings/{listing.id}"
    assert report(people.bob_client, "listing", listing.id, "scam").status_code == 302
    item = open_report_item("listing", listing.id)
    assert item.report_count == 2 and item.subject_user_id == listing.shop.owner_id
    assert db.session.scalar(select(func.count(Report.id))) == 2
    page = people.alice_client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Your report has been sent" in page


def test_the_same_member_reporting_again_is_refused_kindly_mod_11(people, make_auction):
    """MOD-11: a second report by the same member on an open item does not count again."""
    auction = make_auction()
    assert report(people.alice_client, "auction", auction.id).status_code == 302
    again = report(people.alice_client, "auction", auction.id, "spam", "again")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "already reported this" in page and "again" in page  # what was typed is kept
    assert open_report_item("auction", auction.id).report_count == 1


def test_every_kind_of_target_can_be_reported_mod_11(people, make_listing, client_for):
    """MOD-11: a member, a message in one's conversation and a board post can be reported."""
    listing = make_listing()
    seller_client = client_for(listing.shop.owner)
    post_form(people.alice_client, f"/listings/{listing.id}/contact", {"body": "hello"},
              form_url=f"/listings/{listing.id}")
    conversation = db.session.scalar(select(Conversation))
    post_form(seller_client, f"/messages/{conversation.id}", {"body": "rude words"},
              form_url=f"/messages/{conversation.id}")
    message = db.session.scalar(select(Message).where(
        Message.sender_id == listing.shop.owner_id))
    thread = people.alice_client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert f"/moderation/report/message/{message.id}" in thread
    assert report(people.alice_client, "message", message.id, "offensive").status_code == 302
    assert open_report_item("message", message.id).subject_user_id == listing.shop.owner_id

    member_page = people.alice_client.get(f"/members/{people.bob.id}").get_data(as_text=True)
    assert f"/moderation/report/user/{people.bob.id}" in member_page
    assert report(people.alice_client, "user", people.bob.id, "spam").status_code == 302

    post = boards.post("lift-requests", "Please lift", "body", author=people.bob, now=utcnow())
    db.session.commit()
    assert report(people.alice_client, "board_post", post.id, "spam").status_code == 302
    assert open_report_item("board_post", post.id).subject_user_id == people.bob.id


def test_invisible_or_missing_targets_are_not_reportable_mod_11(people, make_listing,
                                                                 make_member):
    """MOD-11: a message in someone else's conversation, a missing target or an unknown type
    is a 404; one's own content and reasons off the list are refused."""
    listing = make_listing()
    other = make_member()
    conversation = Conversation(listing_id=listing.id, shop_id=listing.shop_id,
                                buyer_id=other.id, created_at=utcnow(),
                                last_message_at=utcnow())
    db.session.add(conversation)
    db.session.flush()
    message = Message(conversation_id=conversation.id, sender_id=other.id, body="x",
                      created_at=utcnow())
    db.session.add(message)
    db.session.commit()
    assert people.alice_client.get(f"/moderation/report/message/{message.id}").status_code \
        == 404
    assert people.alice_client.get("/moderation/report/listing/999999").status_code == 404
    assert people.alice_client.get("/moderation/report/shop/1").status_code == 404
    with pytest.raises(ModerationError):
        file_report(people.alice, "user", people.alice.id, "spam", "", now=utcnow())
    with pytest.raises(ModerationError):
        file_report(people.alice, "listing", listing.id, "because", "", now=utcnow())
    assert report(people.alice_client, "listing", listing.id, "because").status_code == 422


def test_visitors_must_log_in_to_report_mod_11(client, make_listing):
    listing = make_listing()
    response = client.get(f"/moderation/report/listing/{listing.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_report_form_as_htmx_fragment_and_hostile_detail_escaped_mod_11(people, make_listing):
    """MOD-11: the form comes as a fragment for htmx; a hostile detail is shown escaped."""
    listing = make_listing()
    url = f"/moderation/report/listing/{listing.id}"
    fragment = people.alice_client.get(url, headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'name="reason"' in fragment
    token = csrf_from(fragment)
    refused = people.alice_client.post(url, headers=HTMX, data={
        "csrf_token": token, "reason": "nonsense", "detail": SCRIPT})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and SCRIPT not in body and "&lt;script&gt;" in body
    assert report(people.alice_client, "listing", listing.id, "other", SCRIPT).status_code == 302
    owner_page = people.mod_client.get(
        f"/moderation/members/{listing.shop.owner_id}").get_data(as_text=True)
    assert SCRIPT not in owner_page and "&lt;script&gt;" in owner_page


@pytest.mark.parametrize("target", ["auction", "listing"])
def test_a_report_sent_by_htmx_is_answered_with_the_thanks_alone_mod_11(
        people, make_auction, make_listing, target):
    """MOD-11 (found in review): sent from the form under htmx, a report is answered with the
    thanks that replace the form, not a whole page (header, footer, a second bid form) inside
    it; the thanks show once, not again on the next page. Without htmx: a redirect."""
    item = make_auction() if target == "auction" else make_listing()
    url = f"/moderation/report/{target}/{item.id}"
    form = people.alice_client.get(url).get_data(as_text=True)
    assert 'hx-target="this"' in form and 'hx-swap="outerHTML"' in form
    answer = people.alice_client.post(url, headers=HTMX, data={
        "csrf_token": csrf_from(form), "reason": "scam", "detail": ""})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "HX-Request" in answer.headers.get("Vary", "")
    assert "<html" not in body and "<header" not in body and "<footer" not in body
    assert "<form" not in body and 'id="report-form"' in body
    assert body.count("Your report has been sent") == 1
    back = f"/auctions/{item.id}" if target == "auction" else f"/listings/{item.id}"
    assert f'href="{back}"' in body
    assert open_report_item(target, item.id).report_count == 1
    page = people.alice_client.get(back).get_data(as_text=True)
    assert "Your report has been sent" not in page  # not shown a second time
    again = report(people.bob_client, target, item.id, "spam")  # no htmx: a redirect
    assert again.status_code == 302 and again.headers["Location"] == back


def test_the_reason_starts_empty_and_must_be_chosen_mod_11(people, make_auction):
    """MOD-11 (found in review): the reason list started on "Fake or counterfeit item", so a
    member who did not change it filed a FAKE report. It starts on an empty "Choose…" that
    must be changed, with a clear error, and nothing is filed until then."""
    auction = make_auction()
    url = f"/moderation/report/auction/{auction.id}"
    page = people.alice_client.get(url).get_data(as_text=True)
    select_ = re.search(r'<select id="reason"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select_)
    assert options[0] == ("", "", "Choose…")
    assert not any(selected for _value, selected, _label in options)
    refused = report(people.alice_client, "auction", auction.id, reason="", detail="ดูแปลกๆ")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Please choose the reason for your report." in body
    assert "ดูแปลกๆ" in body  # what was typed is kept
    assert open_report_item("auction", auction.id) is None
    assert db.session.scalar(select(func.count(Report.id))) == 0
    assert report(people.alice_client, "auction", auction.id, reason="scam").status_code == 302
    assert db.session.scalar(select(Report.reason)) == "scam"


def test_queue_actions_on_reports_mod_11_mod_8(people, make_listing):
    """MOD-11 / MOD-8: dismiss closes the item; sanction the member imposes through impose and
    is audited; a board post report can hide the post."""
    listing = make_listing()
    report(people.alice_client, "listing", listing.id)
    item = open_report_item("listing", listing.id)
    response = decide(people.mod_client, item, "sanction", kind="warning", rule="SHOP-4",
                      facts="Listed a prohibited item")
    assert response.status_code == 200, response.get_data(as_text=True)
    sanction = db.session.scalar(select(Sanction))
    assert (sanction.user_id, sanction.kind, sanction.rule) == (
        listing.shop.owner_id, "warning", "SHOP-4")
    assert db.session.get(ReviewItem, item.id).status == "done"

    post = boards.post("lift-requests", "Spam post", "buy now", author=people.bob, now=utcnow())
    db.session.commit()
    report(people.alice_client, "board_post", post.id, "spam")
    item = open_report_item("board_post", post.id)
    assert decide(people.mod_client, item, "hide", reason="spam").status_code == 200
    db.session.expire_all()
    assert db.session.get(BoardPost, post.id).hidden_at is not None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "board_post.hide"))

    report(people.bob_client, "user", people.alice.id, "spam")
    item = open_report_item("user", people.alice.id)
    assert decide(people.mod_client, item, "dismiss").status_code == 200
    db.session.expire_all()
    assert db.session.get(ReviewItem, item.id).decision == "dismiss"


def test_a_report_can_hang_a_sign_mod_11(people, make_auction):
    """MOD-11 / MOD-1: a reported auction gets a STOP sign from the report's row."""
    auction = make_auction()
    report(people.alice_client, "auction", auction.id)
    item = open_report_item("auction", auction.id)
    response = decide(people.mod_client, item, "sign", sign="under_review",
                      reason="Checking the photos")
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    from app.models import Auction

    assert db.session.get(Auction, auction.id).stop_sign == "under_review"


@pytest.mark.parametrize("lang, message", [
    ("th", "ยาวได้ไม่เกิน 1,000 ตัวอักษร"),
    ("en", "Field cannot be longer than 1,000 characters."),
])
def test_a_detail_over_the_limit_is_refused_in_the_members_language_mod_11(
        people, make_listing, lang, message):
    """MOD-11: a detail longer than the form allows (the page's maxlength bypassed) gets the
    limit in the member's language with what they wrote kept, not an error page (WTForms'
    own length message once failed to fill in its number)."""
    listing = make_listing()
    people.alice_client.set_cookie("lang", lang)
    detail = "ก" * 1001
    response = report(people.alice_client, "listing", listing.id, detail=detail)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and detail in page
    assert db.session.scalar(select(func.count(Report.id))) == 0



def test_a_decision_on_a_report_leads_to_what_it_imposed_mod_10(people, make_listing):
    """Found in review: once a decision kept only the moderator's own words, nothing tied a
    report to the sanction or sign it produced. The decision's audit entry names them (codes,
    not sentences), and the moderator is told what was done in their language."""
    import json

    listing = make_listing()
    report(people.alice_client, "listing", listing.id)
    item = open_report_item("listing", listing.id)
    people.mod_client.set_cookie("lang", "th")
    response = decide(people.mod_client, item, "sanction", kind="warning", rule="SHOP-4",
                      facts="Listed a prohibited item")
    sanction = db.session.scalar(select(Sanction))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "queue.sanction"))
    assert json.loads(entry.after) == {"status": "done", "decision": "sanction",
                                       "sanction_id": sanction.id, "sanction": "warning"}
    said = response.get_data(as_text=True).split('role="status">')[1].split("</p>")[0]
    assert said == "ลงโทษแล้ว: ตักเตือน"

    other = make_listing(title="พระผงสุพรรณ")
    report(people.alice_client, "listing", other.id)
    item = open_report_item("listing", other.id)
    decide(people.mod_client, item, "sign", sign="under_review", reason="กำลังตรวจสอบ")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "queue.sign"))
    after = json.loads(entry.after)
    assert after["sign"] == "under_review" and after["sign_id"] > 0
