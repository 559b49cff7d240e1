"""Owners answer signs: explanations with evidence (MOD-4), lift requests after 7 days on the
public board (MOD-3), and the moderators' decisions on them from the queue."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.moderation import queue, responses, signs
from app.blueprints.moderation.errors import ModerationError
from app.database import utcnow
from app.extensions import db
from app.i18n import format_datetime
from app.models import (BoardPost, EvidenceFile, LiftRequest, Listing, Notification,
                        ReviewItem, StopSign)
from tests.conftest import post_form
from tests.images import jpeg, upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def signed(make_member, make_listing):
    """A listing signed FAKE eight days ago, its owner and the moderator."""
    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, "A copy.",
                           now=utcnow() - timedelta(days=8))
    db.session.commit()
    return sign, listing, listing.shop.owner, moderator


def test_owner_explains_with_photo_and_pdf_mod_4(signed, client_for, make_member):
    """MOD-4: an explanation with a photo and a PDF becomes an 'explanation' review item; the
    files are served to the owner and moderators only, with nosniff."""
    sign, listing, owner, moderator = signed
    client = client_for(owner)
    page = client.get(f"/moderation/signs/{sign.id}/explain").get_data(as_text=True)
    assert "A copy." in page
    response = post_form(client, f"/moderation/signs/{sign.id}/explain", {
        "body": "Here is the certificate and a close photo.",
        "files": [upload(jpeg(), "close.jpg"), upload(PDF, "cert.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "explanation"))
    assert (item.target_type, item.target_id, item.subject_user_id) == ("sign", sign.id,
                                                                        owner.id)
    files = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [f.media for f in files] == ["image", "pdf"]
    image, pdf = files
    got = client.get(f"/moderation/evidence/{pdf.key}")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/moderation/evidence/{image.key}/thumb.jpg").mimetype == "image/jpeg"
    assert client_for(moderator).get(f"/moderation/evidence/{pdf.key}").status_code == 200
    assert client_for(make_member()).get(f"/moderation/evidence/{pdf.key}").status_code == 404
    assert client_for(None).get(f"/moderation/evidence/{pdf.key}").status_code == 302


def test_a_fake_pdf_is_refused_mod_4(signed, client_for):
    """MOD-4: evidence is a real image or a checked PDF; anything else is refused."""
    sign, _listing, owner, _moderator = signed
    response = post_form(client_for(owner), f"/moderation/signs/{sign.id}/explain", {
        "body": "Please look at this file.",
        "files": [upload(b"%PDF-<html><script>alert(1)</script>", "x.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "not a PDF" in response.get_data(as_text=True)
    assert db.session.scalar(select(ReviewItem)) is None


def test_only_the_owner_answers_a_sign_mod_4(signed, client_for, make_member):
    """MOD-3, MOD-4: other members get 403 on the response forms."""
    sign, _listing, _owner, _moderator = signed
    other = client_for(make_member())
    assert other.get(f"/moderation/signs/{sign.id}/explain").status_code == 403
    assert other.get(f"/moderation/signs/{sign.id}/lift").status_code == 403


def test_moderators_replace_with_authentic_after_an_explanation_mod_4(signed):
    """MOD-4: finding the item authentic replaces the sign with AUTHENTIC; the strike goes."""
    sign, listing, owner, moderator = signed
    responses.submit_explanation(sign, owner, "It is genuine, see the photos.", now=utcnow())
    db.session.commit()
    item = queue.open_item_for("explanation", "sign", sign.id)
    queue.decide(item, moderator, "authentic", {"reason": "Checked again: genuine."},
                 now=utcnow())
    db.session.commit()
    assert db.session.get(Listing, listing.id, populate_existing=True).stop_sign == "authentic"
    assert db.session.get(ReviewItem, item.id).decision == "authentic"
    assert signs.strike_count(owner.id) == 0


def test_lift_request_before_seven_days_is_refused_with_the_date_mod_3(make_member,
                                                                      make_listing,
                                                                      client_for):
    """MOD-3: earlier than 7 days the request is refused, saying when it becomes possible."""
    moderator = make_member(role="moderator")
    listing = make_listing()
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, "Copy",
                           now=utcnow() - timedelta(days=2))
    db.session.commit()
    with pytest.raises(ModerationError, match="possible from"):
        responses.file_lift_request(sign, listing.shop.owner, "Please lift it now.",
                                    now=utcnow())
    page = client_for(listing.shop.owner).get(f"/moderation/signs/{sign.id}/lift")
    html = page.get_data(as_text=True)
    assert "possible from" in html and "Bangkok" in html and 'name="body"' not in html


def test_the_owners_record_says_an_explanation_was_sent_and_whether_it_waits_mod_4(
        signed, client_for):
    """MOD-4 (found in review): the owner's record offered "Send an explanation" as if none
    had been sent; it now says when one was and whether the moderators have answered."""
    sign, _listing, owner, moderator = signed
    client = client_for(owner)
    assert "waiting for the moderators" not in client.get("/moderation/me").get_data(
        as_text=True)
    responses.submit_explanation(sign, owner, "The certificate is attached.", now=utcnow())
    db.session.commit()
    page = client.get("/moderation/me").get_data(as_text=True)
    assert "is waiting for the moderators" in page and "Send another explanation" in page
    item = queue.open_item_for("explanation", "sign", sign.id)
    item.status = "done"
    db.session.commit()
    assert "the moderators have answered it" in client.get("/moderation/me").get_data(
        as_text=True)


def test_a_lift_date_already_past_is_not_shown_as_a_wait_mod_3(make_member, make_listing,
                                                                client_for):
    """MOD-3 (found in review): the owner's record and the item page said "possible from"
    a date already past; only a date still to come is shown."""
    moderator, listing = make_member(role="moderator"), make_listing()
    recent = signs.hang_sign("listing", listing.id, "fake", moderator, "Copy",
                             now=utcnow() - timedelta(days=2))
    db.session.commit()
    owner = client_for(listing.shop.owner)
    for url in ("/moderation/me", f"/listings/{listing.id}"):
        html = owner.get(url).get_data(as_text=True)
        assert "Ask to lift the sign" in html and "possible from" in html, url
    recent.hung_at = utcnow() - timedelta(days=8)
    db.session.commit()
    for url in ("/moderation/me", f"/listings/{listing.id}"):
        html = owner.get(url).get_data(as_text=True)
        assert "Ask to lift the sign" in html and "possible from" not in html, url


def test_lift_request_is_posted_on_the_board_and_queued_mod_3(signed, client_for):
    """MOD-3: after 7 days the request goes on "STOP lift requests", citing the item, and
    into the queue; the moderators may lift the sign."""
    sign, listing, owner, moderator = signed
    response = post_form(client_for(owner), f"/moderation/signs/{sign.id}/lift",
                         {"body": "The association certified it <b>genuine</b>."})
    assert response.status_code == 302
    request = db.session.scalar(select(LiftRequest))
    post = db.session.get(BoardPost, request.board_post_id)
    assert (post.board, post.target_type, post.target_id, post.author_id) == (
        "lift-requests", "listing", listing.id, owner.id)
    board = client_for(None).get("/boards/lift-requests").get_data(as_text=True)
    assert "&lt;b&gt;genuine" in board and "<b>genuine" not in board
    item = queue.open_item_for("lift_request", "sign", sign.id)
    assert item.source_id == request.id
    with pytest.raises(ModerationError, match="already waiting"):
        responses.file_lift_request(sign, owner, "And again please.", now=utcnow())
    queue.decide(item, moderator, "lift", {"reason": "Certificate checked."}, now=utcnow())
    db.session.commit()
    assert db.session.get(StopSign, sign.id).ended_at is not None
    assert db.session.get(Listing, listing.id, populate_existing=True).status == "active"
    assert db.session.get(LiftRequest, request.id).decision == "lifted"


def test_lift_request_only_for_fake_mod_3(make_member, make_listing):
    """MOD-3: other signs are answered with an explanation, not a lift request."""
    moderator = make_member(role="moderator")
    listing = make_listing()
    sign = signs.hang_sign("listing", listing.id, "rule_violation", moderator, "Rules",
                           now=utcnow() - timedelta(days=30))
    db.session.commit()
    with pytest.raises(ModerationError, match="Only a FAKE sign"):
        responses.file_lift_request(sign, listing.shop.owner, "Please lift.", now=utcnow())


@pytest.mark.parametrize("basis, says", [
    ("expert", "rests on the verdict of Amulet association, which prevails"),
    ("site_final", "rests on the site's final decision"),
])
def test_a_fake_sign_on_an_expert_verdict_is_not_lifted_on_request_mod_5(
        basis, says, make_member, make_listing, client_for):
    """MOD-5, MOD-6 (found in review): a FAKE sign resting on the expert body's verdict (which
    prevails) or the site's final decision took lift requests, posted on the public board,
    that moderators could not grant. The owner is told so, and pointed to an explanation;
    the sign box offers no lift request."""
    moderator = make_member(role="moderator")
    listing = make_listing()
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, "A copy.",
                           now=utcnow() - timedelta(days=8), decision_basis=basis,
                           expert_body="Amulet association" if basis == "expert" else "",
                           expert_verdict="Not genuine: the mould differs.")
    db.session.commit()
    owner = listing.shop.owner
    with pytest.raises(ModerationError, match=says):
        responses.file_lift_request(sign, owner, "Please lift it now.", now=utcnow())
    client = client_for(owner)
    page = client.get(f"/moderation/signs/{sign.id}/lift").get_data(as_text=True)
    assert says in page.replace("&#39;", "'") and 'name="body"' not in page
    assert f"/moderation/signs/{sign.id}/explain" in page
    item_page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert f"/moderation/signs/{sign.id}/lift" not in item_page
    assert f"/moderation/signs/{sign.id}/explain" in item_page
    assert db.session.scalar(select(func.count(BoardPost.id)).where(
        BoardPost.board == "lift-requests")) == 0


def test_keeping_the_sign_tells_the_owner_mod_3(signed):
    """MOD-3: moderators may keep the sign; the owner is told."""
    sign, listing, owner, moderator = signed
    responses.file_lift_request(sign, owner, "Please reconsider it.", now=utcnow())
    db.session.commit()
    item = queue.open_item_for("lift_request", "sign", sign.id)
    queue.decide(item, moderator, "keep", {"reason": "Still a copy."}, now=utcnow())
    db.session.commit()
    assert db.session.get(StopSign, sign.id).ended_at is None
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == owner.id, Notification.kind == "response_decided"))


def test_a_new_sign_closes_open_responses_on_the_old_one_mod_2(signed):
    """MOD-2: when the sign is replaced, explanations about it leave the queue."""
    sign, listing, owner, moderator = signed
    responses.submit_explanation(sign, owner, "It is genuine, really.", now=utcnow())
    db.session.commit()
    signs.hang_sign("listing", listing.id, "authentic", moderator, "Genuine.", now=utcnow())
    db.session.commit()
    assert queue.open_item_for("explanation", "sign", sign.id) is None


def test_expert_verdict_from_the_queue_sets_the_sign_and_prevails_mod_5(signed):
    """MOD-5: when moderators cannot decide, the expert body's verdict, recorded on the
    owner's explanation, sets the resulting sign; a later moderator cannot overrule it."""
    sign, listing, owner, moderator = signed
    responses.submit_explanation(sign, owner, "Ask the association, please.", now=utcnow())
    db.session.commit()
    item = queue.open_item_for("explanation", "sign", sign.id)
    with pytest.raises(ModerationError):
        queue.decide(item, moderator, "expert", {"sign": "authentic"}, now=utcnow())
    db.session.rollback()
    queue.decide(db.session.get(ReviewItem, item.id), moderator, "expert",
                 {"sign": "authentic", "expert_body": "Amulet association",
                  "expert_verdict": "Genuine, 2500 BE"}, now=utcnow())
    db.session.commit()
    current = signs.current_sign("listing", listing.id)
    assert (current.kind, current.decision_basis, current.expert_body) == (
        "authentic", "expert", "Amulet association")
    assert signs.strike_count(owner.id) == 0
    with pytest.raises(ModerationError, match="prevails"):
        signs.hang_sign("listing", listing.id, "fake", moderator, "No", now=utcnow())


def test_ready_made_reasons_read_in_the_readers_language_mod_1_mod_3(app, make_member,
                                                                    make_listing, client_for):
    """Found in review: a reason the site offers (a sign's reason template, "The moderators
    keep the sign.") was stored in the deciding moderator's language and read so by owners and
    the public. Stored as chosen, it now reads in each reader's language; a moderator's own
    words read as written."""
    from flask_babel import force_locale

    from app.blueprints.moderation.sign_texts import REASON_TEMPLATES
    from app.notifications import notice_text

    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    with app.test_request_context(), force_locale("th"):  # a Thai moderator's template
        template_th = str(REASON_TEMPLATES["fake"][0])
    with app.test_request_context(), force_locale("en"):
        template_en = str(REASON_TEMPLATES["fake"][0])
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, template_th,
                           now=utcnow() - timedelta(days=8))
    db.session.commit()
    reader = client_for(make_member())
    reader.set_cookie("lang", "en")
    page = reader.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert template_en in page and template_th not in page
    board = reader.get("/boards/fake-shops").get_data(as_text=True)
    assert template_en in board and template_th not in board

    owner = listing.shop.owner
    responses.file_lift_request(sign, owner, "Please reconsider it.", now=utcnow())
    db.session.commit()
    item = queue.open_item_for("lift_request", "sign", sign.id)
    with app.test_request_context(), force_locale("en"):  # an English-speaking moderator
        queue.decide(item, moderator, "keep", {"reason": ""}, now=utcnow())
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == owner.id, Notification.kind == "response_decided"))
    with app.test_request_context(), force_locale("th"):
        thai = notice_text(notice)
    assert "The moderators keep the sign." not in thai and "ผู้ดูแล" in thai

    own = make_listing(title="พระนางพญา")
    signs.hang_sign("listing", own.id, "under_review", moderator, "The moderators keep the sign "
                    "— and my own words.", now=utcnow())
    db.session.commit()
    assert "my own words" in reader.get(f"/listings/{own.id}").get_data(as_text=True)


def test_a_refused_lift_request_is_not_repeated_at_once_on_the_board_mod_3(signed, client_for):
    """MOD-3 (found in review): after the moderators keep the sign, the owner cannot post a new
    lift request about the item at once (each is a public post on "STOP lift requests"); the
    page says when they may ask again and points new evidence to an explanation (MOD-4)."""
    sign, _listing, owner, moderator = signed
    refused_on = utcnow() - timedelta(days=1)
    responses.file_lift_request(sign, owner, "Please reconsider it.", now=refused_on)
    item = queue.open_item_for("lift_request", "sign", sign.id)
    queue.decide(item, moderator, "keep", {"reason": "Still a copy."}, now=refused_on)
    db.session.commit()
    with pytest.raises(ModerationError, match="refused your last lift request"):
        responses.file_lift_request(sign, owner, "Please look again.", now=utcnow())
    client = client_for(owner)
    response = post_form(client, f"/moderation/signs/{sign.id}/lift",
                         {"body": "Please look again, again."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You may ask again from" in html and "send it as an explanation" in html
    assert f"/moderation/signs/{sign.id}/explain" in html
    assert db.session.scalar(select(func.count(BoardPost.id)).where(
        BoardPost.board == "lift-requests")) == 1
    assert responses.lift_possible_at(sign) == refused_on + responses.ASK_AGAIN_AFTER
    record = client.get("/moderation/me").get_data(as_text=True)
    assert format_datetime(refused_on + responses.ASK_AGAIN_AFTER, "en") in record
    later = refused_on + responses.ASK_AGAIN_AFTER
    responses.file_lift_request(sign, owner, "A month on, please look again.", now=later)
    db.session.commit()
    assert db.session.scalar(select(func.count(BoardPost.id)).where(
        BoardPost.board == "lift-requests")) == 2


def test_a_suspended_owner_is_told_instead_of_offered_explain_and_lift_forms_acc_5(
        signed, client_for):
    """ACC-5, MOD-3, MOD-4: a suspended owner may send neither an explanation nor a lift
    request, yet both pages offered their forms (with evidence uploads) and refused them
    only once filled in and sent (found as a suspended member on a phone). The pages now say
    why and link the sanctions page, where the suspension can be appealed."""
    from app.blueprints.moderation import sanctions

    sign, _listing, owner, moderator = signed
    sanctions.impose(owner, "suspension", moderator, rule="SHOP-4", facts="Fakes",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=3))
    db.session.commit()
    client = client_for(owner)
    for page in ("explain", "lift"):
        html = client.get(f"/moderation/signs/{sign.id}/{page}").get_data(as_text=True)
        assert f'action="/moderation/signs/{sign.id}/{page}"' not in html, page
        assert "Your account is suspended until" in html and "/moderation/me/sanctions" in html


def test_a_refused_evidence_file_is_named_among_good_ones_mod_4(signed, client_for):
    """MOD-4 (found driving the explanation form on a phone): with a photo and a program
    chosen, the refusal said only "Only photos ... are accepted", naming neither file, so the
    owner could not tell which one to replace. Each refused file is now named, and nothing
    is stored."""
    sign, _listing, owner, _moderator = signed
    response = post_form(client_for(owner), f"/moderation/signs/{sign.id}/explain", {
        "body": "The certificate and a close photo are attached.",
        "files": [upload(jpeg(), "close.jpg"), upload(b"MZ\x90\x00not evidence", "tool.exe"),
                  upload(b"%PDF-<html>", "cert.pdf")]},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "tool.exe: Only photos" in html and "cert.pdf: " in html
    assert "close.jpg:" not in html
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
    assert db.session.scalar(select(ReviewItem)) is None


def test_an_explanation_refused_for_its_text_asks_for_the_files_again_mod_4(signed,
                                                                            client_for):
    """MOD-4 (found driving the form on a phone): an explanation refused for its text came
    back with the chosen photos silently gone (browsers keep no files); the page now says
    the text is kept and so are the files it would take (test_explanation_held_files).
    Without files it says nothing."""
    sign, _listing, owner, _moderator = signed
    client = client_for(owner)
    url = f"/moderation/signs/{sign.id}/explain"
    note = "evidence files we can take are kept"
    response = post_form(client, url, {"body": "Short", "files": [upload(jpeg(), "a.jpg")]},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and note in html and "Short" in html
    response = post_form(client, url, {"body": "Short"})
    assert response.status_code == 422 and note not in response.get_data(as_text=True)
