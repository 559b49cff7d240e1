"""CMP-1, CMP-5: the status page, reached with the tracking code and e-mail, shows each step,
the due date and business days left, the decision and reasons, and, once our answer is late,
the government's online complaint centre (1212). A wrong e-mail learns nothing."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.blueprints.complaints import intake, outcome
from app.blueprints.complaints.errors import ComplaintError
from app.database import utcnow
from app.extensions import db
from app.models import ReviewItem
from app.models.complaints import ComplaintEvent, ComplaintEvidence
from tests.complaint_helpers import fresh
from tests.conftest import csrf_from, post_form
from tests.images import jpeg
from tests.test_complaint_intake import HOSTILE

pytestmark = pytest.mark.usefixtures("english")


def visitor_of(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def file_one(listing, now=None, **fields):
    data = {"name": "Somchai Rakdee", "email": "holder@brand.example", "role": "agent",
            "kind": "trademark", "description": "Our registered mark is used on fakes.",
            "good_faith": True, "accurate": True, "signature": "Somchai Rakdee",
            "urls": [f"/listings/{listing.id}"]}
    data.update(fields)
    complaint = intake.file_complaint(data, [], now=now or utcnow())
    db.session.commit()
    return complaint


def without_token(html):
    return html.replace(csrf_from(html), "")


def outcome_text(complaint):
    """The outcome e-mail's text as the complainant gets it (CMP-5)."""
    from app.models import EmailMessage

    message_id = outcome.tell_complainant(complaint)
    db.session.commit()
    return db.session.get(EmailMessage, message_id).body_text


def look_up(client, code, email):
    return post_form(client, "/complaints/status", {"code": code, "email": email})


def test_cmp1_lookup_with_code_and_email_shows_the_steps(app, make_listing):
    complaint = file_one(make_listing())
    client = visitor_of(app)
    response = look_up(client, complaint.code.lower(), " Holder@Brand.Example ")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert complaint.code in html and "Complaint received" in html
    assert "Answer due by" in html and "business days left" in html
    assert "government" not in html  # not late
    # The session remembers the complaint: the link works without the e-mail.
    assert "holder@brand.example" not in response.headers["Location"]
    again = client.get(f"/complaints/status?code={complaint.code}")
    assert again.status_code == 200 and "no-store" in again.headers["Cache-Control"]


def test_cmp1_a_code_pasted_from_the_receipt_mail_line_or_typed_in_thai_digits_is_found(
        app, make_listing):
    """CMP-1, found on a phone: the receipt mail's line pasted whole ("Your tracking code:
    TC-..."; 32 characters) was refused as too long, and a code typed with Thai digits was
    "no complaint". Both open the status page; the code field asks the phone's keyboard not
    to correct or capitalise it as a word."""
    complaint = file_one(make_listing())
    pasted = f"Your tracking code: {complaint.code}"
    response = look_up(visitor_of(app), pasted, "holder@brand.example")
    assert response.status_code == 302, response.get_data(as_text=True)
    thai = complaint.code.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    response = look_up(visitor_of(app), thai.replace("-", " \u2013 "), "holder@brand.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"code={complaint.code}")
    html = visitor_of(app).get("/complaints/status").get_data(as_text=True)
    field = html[html.index('name="code"') - 200:html.index('name="code"') + 200]
    assert 'autocapitalize="characters"' in field and 'autocorrect="off"' in field
    assert 'spellcheck="false"' in field


def test_cmp1_an_email_pasted_with_invisible_characters_still_finds_the_complaint(
        app, make_listing):
    """CMP-1, found on a phone: an e-mail address copied from a chat app carries a zero-width
    space, and one typed on a wide keyboard full-width letters; the complaint kept it so, and
    the complainant, typing the address plainly at the status page, was told no complaint
    has this code and address (and the receipt went to an address no server knows). The
    address is kept and looked up in one clean form, either way round."""
    complaint = file_one(make_listing(), email="holder@brand.example\u200b")
    assert complaint.email == "holder@brand.example"
    assert look_up(visitor_of(app), complaint.code, "holder@brand.example").status_code == 302
    other = file_one(make_listing(), email="ｏｔｈｅｒ@brand.example")
    assert other.email == "other@brand.example"
    pasted = "mailto:\u200bother@brand.example\u200b"
    assert look_up(visitor_of(app), other.code, pasted).status_code == 302


@pytest.mark.parametrize("email", ["holder@brand.example.", "holder@brand..example",
                                   "mailto:", "holder@-brand.example", "ho lder@brand.example"])
def test_cmp1_an_address_no_mail_could_reach_is_refused(make_listing, email):
    """CMP-1: the complaint's receipt and answer go to its address, and the status page asks
    for it: an address no mail could reach is refused when typed, not kept."""
    with pytest.raises(ComplaintError) as refused:
        file_one(make_listing(), email=email)
    assert any(error.field == "email" for error in getattr(refused.value, "errors",
                                                           [refused.value]))


def test_cmp2_while_we_wait_for_information_the_due_date_says_it_moves_on(app, make_listing):
    """CMP-2, found reading the status page as a complainant asked for more information: it
    showed our due date beside "waiting for your information", a date that then moved on by
    the business days they took to answer, so it read as a deadline for them or as ours
    passing. It now says the days until they answer are added to it."""
    complaint = file_one(make_listing())
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    note = "The business days until you answer are added to this date."
    assert note not in client.get(f"/complaints/status?code={complaint.code}").get_data(
        as_text=True)
    complaint.status = "needs_info"
    db.session.commit()
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "waiting for your information" in html and note in html


def test_cmp1_wrong_email_gets_the_same_answer_as_an_unknown_code(app, make_listing):
    complaint = file_one(make_listing())
    wrong = look_up(visitor_of(app), complaint.code, "someone@else.example")
    unknown = look_up(visitor_of(app), "TC-2345-6789", "holder@brand.example")
    assert wrong.status_code == unknown.status_code == 422
    wrong_html, unknown_html = (without_token(r.get_data(as_text=True))
                                for r in (wrong, unknown))
    assert "We found no complaint with this tracking code" in wrong_html
    assert wrong_html.replace("someone@else.example", "").replace(complaint.code, "") == \
        unknown_html.replace("holder@brand.example", "").replace("TC-2345-6789", "")
    assert "Our registered mark" not in wrong_html


def test_cmp1_code_alone_in_the_link_shows_only_the_lookup_form(app, make_listing):
    complaint = file_one(make_listing())
    html = visitor_of(app).get(f"/complaints/status?code={complaint.code}").get_data(
        as_text=True)
    assert "Our registered mark" not in html and "Complaint received" not in html
    assert f'value="{complaint.code}"' in html  # the code is filled in, the e-mail asked


def test_cmp1_internal_steps_are_not_shown_and_hostile_notes_are_escaped(app, make_listing):
    complaint = file_one(make_listing(), description=HOSTILE + " sold here, see the page.")
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_requested",
                                  note=HOSTILE, at=utcnow()))
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="rejected",
                                  note="staff only: repeat complainant", internal=True,
                                  at=utcnow()))
    db.session.commit()
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "staff only" not in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.index("Complaint received") < html.index("We asked you for more information")


def test_cmp5_late_complaint_points_to_the_1212_centre(app, make_listing):
    filed = datetime(2026, 4, 10, 12, 0, tzinfo=timezone.utc)
    complaint = file_one(make_listing(), now=filed)
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert utcnow() > complaint.due_at
    assert "Our answer is late." in html and "1212" in html and "1212@mdes.go.th" in html
    assert "business days late" in html
    # While we wait for the complainant's information, our answer is not counted late.
    complaint.status = "needs_info"
    db.session.commit()
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "1212" not in html and "waiting for your information" in html
    # Decided late: the decision and reasons show, and since the complaint was not resolved
    # in time (CMP-5) the pointer stays beside them, for a complainant not satisfied (found
    # driving the complaints desk: a late decision dropped it).
    complaint.status, complaint.decided_at = "rejected", utcnow()
    complaint.decision_reason = "The listing shows a genuine item with its certificate."
    db.session.commit()
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "Our answer is late." not in html and "We decided after the 7 business days" in html
    assert "1212" in html and "1212@mdes.go.th" in html
    assert "Our decision" in html and "genuine item with its certificate" in html
    told = outcome_text(complaint)
    assert "1212" in told and "1212@mdes.go.th" in told  # (in the complaint's language)


def test_cmp5_upheld_decision_shows_reason_and_rule(app, make_listing):
    complaint = file_one(make_listing())
    complaint.status, complaint.decided_at, complaint.rule = "upheld", utcnow(), "SHOP-4"
    complaint.decision_reason = "Counterfeit goods are prohibited."
    db.session.commit()
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "Upheld" in html and "Counterfeit goods are prohibited." in html and "SHOP-4" in html
    assert "1212" not in html  # decided in time: no pointer (CMP-5)
    assert "1212" not in outcome_text(complaint)


def test_cmp1_add_information_flow(app, make_listing, moderator):
    complaint = file_one(make_listing())
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "complaint"))
    item.status = "done"  # a moderator asked for more and closed the item meanwhile
    complaint.status = "needs_info"
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_requested",
                                  note="Send the trademark registration.", at=utcnow()))
    db.session.commit()
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    url = f"/complaints/status?code={complaint.code}"
    html = client.get(url).get_data(as_text=True)
    assert "Add information" in html and "Send the trademark registration." in html
    action = f"/complaints/status/{complaint.code}/information"
    # Too short: refused, text kept, files to be chosen again.
    response = client.post(action, data={"csrf_token": csrf_from(html), "body": "Too short"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    # CMP-1: with its length (Thai vowels and tone marks count, so it is hard to tell).
    assert "Write 10 to 5,000 characters: this text has 9." in body and "Too short" in body
    assert "choose them again" in body  # none chosen, none kept
    response = client.post(action, data={
        "csrf_token": csrf_from(html), "body": "Registration no. 123456, attached.",
        "files": [(io.BytesIO(jpeg()), "registration.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert complaint.status == "received"
    steps = [e.step for e in complaint.events]
    assert steps[-1] == "info_added"
    assert db.session.scalar(select(ComplaintEvidence.original_name)) == "registration.jpg"
    reopened = db.session.scalars(select(ReviewItem).where(
        ReviewItem.kind == "complaint", ReviewItem.status == "open")).all()
    assert len(reopened) == 1
    html = client.get(url).get_data(as_text=True)
    assert "You added information" in html and "Add information</h2>" not in html
    # Found in review: the same answer sent again (a double tap) came back as an error
    # ("We have not asked for more information") over an empty "Add information" form.
    again = client.post(action, data={"csrf_token": csrf_from(html),
                                      "body": "Registration no. 123456, attached."},
                        content_type="multipart/form-data")
    assert again.status_code == 302 and again.headers["Location"] == url
    html = client.get(url).get_data(as_text=True)
    assert "it has reached us" in html and "Add information</h2>" not in html
    assert [e.step for e in fresh(complaint).events].count("info_added") == 1


def test_cmp1_add_information_needs_access_and_a_question(app, make_listing):
    complaint = file_one(make_listing())
    stranger = visitor_of(app)
    page = stranger.get("/complaints/status")
    response = stranger.post(f"/complaints/status/{complaint.code}/information",
                             data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                   "body": "Let me in, I am the holder."})
    assert response.status_code == 404
    with pytest.raises(ComplaintError):
        intake.add_information(complaint, "Nobody asked for this.", [], now=utcnow())


def test_cmp2_days_left_count_business_days(app, make_listing):
    now = utcnow()
    complaint = file_one(make_listing(), now=now - timedelta(hours=1))
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "7 business days left" in html or "6 business days left" in html


def test_cmp1_status_lookup_is_rate_limited(make_app, make_listing):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_COMPLAINT_STATUS="3 per minute")
    with app.app_context():
        client = visitor_of(app)
        codes = [look_up(client, f"TC-2345-678{n}", "x@y.example").status_code
                 for n in range(5)]
    assert codes[:3] == [422, 422, 422] and codes[-1] == 429


def test_cmp1_complaint_form_is_rate_limited(make_app, make_listing):
    """Found in review: forms refused for their errors counted against the complaints one
    address may file, and past the limit a bare page said "wait a minute" (the wait was an
    hour) and lost what was typed. Filed complaints count; every post counts against a higher
    limit; past either the form comes back as typed and says how long to wait."""
    from tests.test_complaint_intake import form_data, post_complaint

    listing = make_listing().id
    db.session.commit()
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_COMPLAINT="2 per hour",
                   RATELIMIT_COMPLAINT_POSTS="6 per hour")
    with app.app_context():
        client = visitor_of(app)
        client.set_cookie("lang", "en")
        codes = [post_form(client, "/complaints/new", {"name": "x"}).status_code
                 for _ in range(3)]
        assert codes == [422, 422, 422]  # refused forms: no complaint filed, none counted
        url = f"http://localhost/listings/{listing}"
        # (two different complaints: the same one sent again is not filed twice, nor counted)
        filed = [post_complaint(client, form_data(url, description=f"Fake copies of our "
                                                  f"registered design, page {n}.")).status_code
                 for n in range(2)]
        assert filed == [302, 302]
        over = post_complaint(client, form_data(url, description="A third page of fakes "
                                                "copied from our catalogue."))
        assert over.status_code == 429
        html = over.get_data(as_text=True)
        assert "A third page of fakes copied from our catalogue." in html
        assert "Somchai Rakdee" in html and 'name="signature"' in html
        assert "Please try again in about 60 minutes." in html
        # Every post counts against the higher limit, refused or not.
        assert post_form(client, "/complaints/new", {"name": "x"}).status_code == 429


def test_cmp1_past_the_lookup_limit_the_code_and_e_mail_typed_stay(make_app):
    """CMP-1: past the status lookup's limit a bare error page came back and the tracking code
    and e-mail typed were gone; now the lookup form comes back as typed, in Thai, saying to
    wait."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_COMPLAINT_STATUS="2 per minute")
    with app.app_context():
        client = visitor_of(app)
        client.set_cookie("lang", "th")
        for _ in range(2):
            look_up(client, "TC-2345-6789", "somchai@example.com")
        response = look_up(client, "TC-2345-6789", "somchai@example.com")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 'value="TC-2345-6789"' in html and 'value="somchai@example.com"' in html
    assert "คุณส่งคำขอมากเกินไปในเวลาสั้น ๆ" in html


def test_cmp1_an_answer_sent_after_its_form_expired_comes_back_as_typed(app, make_listing):
    """CMP-1: the answer to a moderator's question, written over hours with the status page
    open, was met by a bare "form expired" page once the token had expired, and the text was
    lost. The status page comes back with the answer as typed, a fresh token and a word,
    nothing sent; sent again, it is added."""
    complaint = file_one(make_listing())
    complaint.status = "needs_info"
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_requested",
                                  note="Send the trademark registration.", at=utcnow()))
    db.session.commit()
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    action = f"/complaints/status/{complaint.code}/information"
    answer = "Registration no. 123456 <b>written over an hour</b>"
    response = client.post(action, data={"csrf_token": "expired", "body": answer},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired, so nothing was sent" in html
    assert "Registration no. 123456 &lt;b&gt;written over an hour&lt;/b&gt;" in html
    assert "Send the trademark registration." in html  # the page, not a bare error
    assert complaint.status == "needs_info"
    again = client.post(action, data={"csrf_token": csrf_from(html), "body": answer},
                        content_type="multipart/form-data")
    assert again.status_code == 302
    db.session.refresh(complaint)
    assert complaint.status == "received"
    # A browser that may not see the complaint gets the site's own page, nothing of it.
    stranger = visitor_of(app)
    refused = stranger.post(action, data={"csrf_token": "expired", "body": answer},
                            content_type="multipart/form-data")
    assert refused.status_code == 400 and "trademark registration" not in \
        refused.get_data(as_text=True)


def test_cmp1_a_shared_computer_forgets_the_complaint_on_request(app, make_listing,
                                                                  make_member, client_for):
    """CMP-1 (found in review): a complaint looked up on a shared computer stayed open to the
    next person for as long as the browser session lasted. "Forget this complaint" ends that
    browser's access to its status page, receipt and evidence; the code and e-mail open it
    again. The member who filed it (who sees it by account) is not offered the button."""
    complaint = file_one(make_listing())
    client = visitor_of(app)
    look_up(client, complaint.code, "holder@brand.example")
    url = f"/complaints/status?code={complaint.code}"
    page = client.get(url).get_data(as_text=True)
    assert f"/complaints/status/{complaint.code}/forget" in page
    forgot = post_form(client, f"/complaints/status/{complaint.code}/forget", {}, form_url=url)
    assert forgot.status_code == 302
    follow = client.get(forgot.headers["Location"]).get_data(as_text=True)
    assert f"This browser no longer shows complaint {complaint.code}" in follow
    assert "Our registered mark" not in client.get(url).get_data(as_text=True)
    assert client.get(f"/complaints/receipt/{complaint.code}").status_code == 404
    # Forgetting is this browser's alone, and the code and e-mail open it again.
    assert look_up(client, complaint.code, "holder@brand.example").status_code == 302
    assert "Our registered mark" in client.get(url).get_data(as_text=True)
    # Without the form's token nothing is forgotten.
    assert client.post(f"/complaints/status/{complaint.code}/forget").status_code == 400
    assert "Our registered mark" in client.get(url).get_data(as_text=True)

    member = make_member()
    own = file_one(make_listing(), email=member.email)
    own.complainant_id = member.id
    db.session.commit()
    member_client = client_for(member)
    html = member_client.get(f"/complaints/status?code={own.code}").get_data(as_text=True)
    assert own.code in html and "/forget" not in html


def test_cmp1_a_stranger_cannot_make_a_browser_forget_what_it_never_saw(app, make_listing):
    """CMP-1: the forget address answers 404 to a browser without access, as the status page
    does (it reveals nothing of whether the code exists)."""
    complaint = file_one(make_listing())
    client = visitor_of(app)
    for code in (complaint.code, "NOSUCHCODE"):
        response = post_form(client, f"/complaints/status/{code}/forget", {},
                             form_url="/complaints/status")
        assert response.status_code == 404


def test_cmp1_the_status_page_names_what_was_reported_not_only_its_address(app, make_listing):
    """CMP-1 (found in review): "What you reported" showed only "/listings/7"; it now gives
    each page's title too (escaped: a seller wrote it)."""
    listing = make_listing(title='พระสมเด็จ <script>alert(1)</script>')
    complaint = file_one(listing)
    client = visitor_of(app)
    look_up(client, complaint.code, "holder@brand.example")
    html = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "<strong>พระสมเด็จ &lt;script&gt;alert(1)&lt;/script&gt;</strong>" in html
    assert f"/listings/{listing.id}</span>" in html
