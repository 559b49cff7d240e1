"""CMP-1: anyone files a complaint on the public form: every field checked with a message,
the Talat pages resolved through the URL map, nothing typed lost on an error, a unique
tracking code, a receipt page and e-mail, and an item in the review queue."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.blueprints.complaints import intake
from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.complaints.targets import resolve_target, resolve_targets
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, ReviewItem
from app.models.complaints import Complaint, ComplaintEvent, ComplaintTarget
from tests.conftest import csrf_from

pytestmark = pytest.mark.usefixtures("english")

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def form_data(url, **overrides):
    data = {"name": "Somchai Rakdee", "organisation": "Brand Co.", "email": "Holder@Brand.example",
            "phone": "081 234 5678", "role": "holder", "kind": "counterfeit",
            "description": "These are fake copies of our registered amulet design.",
            "original_url": "https://brand.example/catalogue/1", "urls": url,
            "good_faith": "y", "accurate": "y", "signature": "  somchai   RAKDEE "}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_complaint(client, data, **kwargs):
    page = client.get("/complaints/new")
    return client.post("/complaints/new",
                       data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data},
                       content_type="multipart/form-data", **kwargs)


@pytest.fixture
def visitor(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def test_cmp1_visitor_files_a_complaint_and_gets_code_receipt_and_queue_item(
        visitor, make_listing):
    listing = make_listing()
    response = post_complaint(visitor, form_data(f"http://localhost/listings/{listing.id}"))
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert re.fullmatch(r"TC-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}", complaint.code)
    assert complaint.email == "holder@brand.example"
    assert complaint.complainant_id is None and complaint.status == "received"
    assert complaint.due_at > complaint.created_at
    [target] = complaint.targets
    assert (target.target_type, target.target_id) == ("listing", listing.id)
    assert target.owner_id == listing.shop.owner_id
    steps = db.session.scalars(select(ComplaintEvent.step).where(
        ComplaintEvent.complaint_id == complaint.id)).all()
    assert steps == ["received"]
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "complaint"))
    assert item.target_id == complaint.id and item.status == "open"
    assert item.subject_user_id == listing.shop.owner_id
    mail = db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == "holder@brand.example"))
    assert complaint.code in mail.subject and complaint.code in mail.body_text
    assert f"/complaints/status?code={complaint.code}" in mail.body_text
    # The receipt page: code, due date, status link.
    page = visitor.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and complaint.code in html
    assert "We will answer by" in html and "/complaints/status?code=" in html
    # Another browser learns nothing from the receipt's address.
    other = visitor.application.test_client()
    assert other.get(response.headers["Location"]).status_code == 404


def test_cmp1_receipt_mail_in_thai_for_a_thai_page(app, make_listing):
    listing = make_listing()
    client = app.test_client()  # Thai is the default language
    post_complaint(client, form_data(f"/listings/{listing.id}"))
    mail = db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == "holder@brand.example"))
    assert "2569" in mail.body_text or "2570" in mail.body_text  # Buddhist-era year
    # CMP-2: the date is the last day of the 7 business days, said once ("ภายใน … ภายใน"
    # read as two deadlines).
    assert "จะตอบภายใน 7 วันทำการ คือไม่เกินวันที่" in mail.body_text
    assert mail.body_text.count("ภายใน") == 1


def test_cmp1_auction_and_shop_pages_resolve(visitor, make_auction, make_shop):
    auction, shop = make_auction(), make_shop()
    urls = f"http://localhost/auctions/{auction.id}\n\n/shops/{shop.slug}?tab=x#top\n" \
           f"/auctions/{auction.id}"
    assert post_complaint(visitor, form_data(urls)).status_code == 302
    targets = db.session.scalars(select(ComplaintTarget).order_by(ComplaintTarget.id)).all()
    assert [(t.target_type, t.target_id) for t in targets] == [("auction", auction.id),
                                                               ("shop", shop.id)]
    assert targets[0].owner_id == auction.seller_id and targets[1].owner_id == shop.owner_id


def test_cmp1_addresses_as_phones_copy_them_name_their_pages(visitor, make_listing,
                                                             make_auction, make_shop):
    """CMP-1, found on a phone: an address pasted with the page's title before it (a share
    sheet's or a chat's "title https://…"), written as the phone's address bar shows it
    (without https://), with a slash too many at its end, or in <…> or closing a sentence
    was refused ("write the full address, starting with https://"), though it named a Talat
    page. Each names its page; a line with two addresses names both."""
    listing, auction, shop = make_listing(), make_auction(), make_shop()
    other = make_listing()
    urls = "\n".join([
        f"พระขุนแผน วัดช้างให้ พิมพ์ใหญ่ http://localhost/listings/{listing.id}",
        f"ประมูลนี้ localhost/auctions/{auction.id}/",
        f"<http://localhost/shops/{shop.slug}>.",
        f"ดูสองอันนี้ https://localhost/listings/{other.id}, http://localhost/listings/"
        f"{listing.id}"])
    response = post_complaint(visitor, form_data(urls))
    assert response.status_code == 302, response.get_data(as_text=True)
    targets = db.session.scalars(select(ComplaintTarget).order_by(ComplaintTarget.id)).all()
    assert [(t.target_type, t.target_id) for t in targets] == [
        ("listing", listing.id), ("auction", auction.id), ("shop", shop.id),
        ("listing", other.id)]
    assert targets[0].url == f"http://localhost/listings/{listing.id}"


@pytest.mark.parametrize("url", ["พระขุนแผน https://evil.example/listings/1",
                                 "evil.example/listings/1", "localhost.evil.example/listings/1",
                                 "xhttp://localhost/listings/1",
                                 "javascript:http://localhost/listings/1"])
def test_cmp1_other_sites_stay_refused_however_written(visitor, make_listing, url):
    """CMP-1: reading addresses as phones copy them takes no other site for Talat."""
    make_listing()
    response = post_complaint(visitor, form_data(url))
    assert response.status_code == 422
    assert db.session.scalar(select(Complaint)) is None


@pytest.mark.parametrize("url, message", [
    ("https://evil.example/listings/1", "not on Talat"),
    ("javascript:alert(1)", "not on Talat"),
    ("listings/1", "full address"),
    ("/help/", "not the address of a listing"),
    ("/listings/999999", "cannot find this page"),
    ("/shops/no-such-shop", "cannot find this page"),
    ("/nowhere/at/all", "not the address of a listing"),
])
def test_cmp1_bad_urls_are_refused_naming_the_line(visitor, make_listing, url, message):
    listing = make_listing()
    response = post_complaint(visitor, form_data(f"/listings/{listing.id}\n{url}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 2" in html and message in html
    assert db.session.scalar(select(Complaint)) is None


@pytest.mark.parametrize("status", ["hidden", "held", "deleted"])
def test_cmp1_pages_a_visitor_cannot_see_are_not_found(app, make_listing, status):
    listing = make_listing(status="active" if status == "deleted" else status)
    if status == "deleted":
        db.session.delete(listing)
        db.session.commit()
    with pytest.raises(ComplaintError) as refused:
        resolve_target(f"/listings/{listing.id}", now=utcnow())
    assert "cannot find" in str(refused.value.message)


def test_cmp1_adult_listing_resolves_for_an_adult_member(app, make_listing, make_member):
    listing = make_listing(content_rating="adult")
    target = resolve_target(f"/listings/{listing.id}", viewer=make_member(), now=utcnow())
    assert target.obj.id == listing.id


def test_cmp1_a_page_its_rating_keeps_from_the_complainant_is_still_taken_rank_1_acc_3(
        app, make_auction, make_listing, make_member, make_shop):
    """CMP-1 (anyone may complain), RANK-1, ACC-3: a visitor or a member under 18 naming an
    18+ auction or listing, or one for a shop's circle (say a victim sent its link), was told
    the page could not be found, and to log in as an adult member: a victim without such an
    account could not complain at all. The page is now taken whatever its rating; a page no
    one but its owner sees (hidden, held, closed shop) is still not found."""
    minor = make_member(birth_date=date(date.today().year - 15, 1, 1),
                        guardian_name="Somsri Jaidee", guardian_email="guardian@talat.example",
                        guardian_consent=True)
    pages = [make_auction(content_rating="adult"), make_listing(content_rating="adult"),
             make_listing(content_rating="restricted", shop=make_shop())]
    for viewer in (None, minor):
        for page in pages:
            kind = "auction" if hasattr(page, "bid_count") else "listing"
            target = resolve_target(f"/{kind}s/{page.id}", viewer=viewer, now=utcnow())
            assert (target.target_type, target.obj.id) == (kind, page.id)
    pages[0].hidden_at = utcnow()
    db.session.commit()
    with pytest.raises(ComplaintError, match="cannot find"):
        resolve_target(f"/auctions/{pages[0].id}", now=utcnow())


def test_cmp1_a_visitor_files_about_18_plus_pages_and_never_reads_their_names_rank_1(
        visitor, make_auction, make_listing):
    """CMP-1, RANK-1: the visitor's complaint about two 18+ pages is filed and queued; its
    receipt and status page give the addresses as typed and never the pages' names."""
    from tests.test_complaint_status import look_up

    auction = make_auction(title="SECRETAUCTION ปลัดขิก", content_rating="adult")
    listing = make_listing(title="SECRETLISTING ปลัดขิก", content_rating="adult")
    response = post_complaint(visitor, form_data(
        f"/auctions/{auction.id}\n/listings/{listing.id}"), follow_redirects=True)
    assert response.status_code == 200 and "SECRET" not in response.get_data(as_text=True)
    complaint = db.session.scalar(select(Complaint))
    assert {(t.target_type, t.target_id) for t in complaint.targets} == {
        ("auction", auction.id), ("listing", listing.id)}
    assert db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "complaint"))
    assert look_up(visitor, complaint.code, "holder@brand.example").status_code == 302
    html = visitor.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "SECRET" not in html
    assert "An auction you may not see" in html and "A listing you may not see" in html


def test_cmp1_hidden_auction_and_closed_shop_are_not_found(app, make_auction, make_shop):
    auction, shop = make_auction(), make_shop()
    auction.hidden_at = utcnow()
    shop.status = "closed"
    db.session.commit()
    for url in (f"/auctions/{auction.id}", f"/shops/{shop.slug}"):
        with pytest.raises(ComplaintError):
            resolve_target(url, now=utcnow())


def test_cmp1_at_most_twenty_urls(app, make_listing):
    listing = make_listing()
    with pytest.raises(ComplaintError) as refused:
        resolve_targets([f"/listings/{listing.id}"] * 21, now=utcnow())
    assert "at most 20" in str(refused.value.message)
    assert len(resolve_targets([f"/listings/{listing.id}"] * 20, now=utcnow())) == 1


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required."),
    ("email", "", "This field is required."),
    ("email", "not-an-address", "Invalid email address."),
    ("role", None, "Say whether you hold the rights or act for the holder."),
    ("kind", "", "Choose what kind of problem this is."),
    ("kind", "spam", "Not a valid choice."),
    ("description", "short", "Write 20 to 5,000 characters: this text has 5."),
    ("original_url", "ftp://x", "http:// or https://"),
    ("urls", "", "This field is required."),
    ("good_faith", None, "You must confirm this statement"),
    ("accurate", None, "You must confirm this statement"),
    ("signature", "", "This field is required."),
    ("signature", "Someone Else", "Sign by typing your full name"),
    ("name", "x" * 121, "This is too long."),
])
def test_cmp1_every_field_is_checked_and_nothing_typed_is_lost(
        visitor, make_listing, field, value, message):
    listing = make_listing()
    data = form_data(f"/listings/{listing.id}", **{field: value})
    data["description"] = data.get("description", "") if field == "description" else \
        "A long description with a <b>tag</b> kept as typed."
    response = post_complaint(visitor, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "choose them again" in html
    # What was typed comes back (escaped).
    assert "Brand Co." in html and "081 234 5678" in html
    if field != "description":
        assert "A long description with a &lt;b&gt;tag&lt;/b&gt; kept as typed." in html
    if field != "urls":
        assert f"/listings/{listing.id}" in html
    assert db.session.scalar(select(Complaint)) is None
    assert db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == "holder@brand.example")) is None


def test_cmp1_hostile_text_is_escaped_on_receipt_and_status(visitor, make_listing):
    listing = make_listing()
    response = post_complaint(visitor, form_data(
        f"/listings/{listing.id}", name=HOSTILE[:100], signature=HOSTILE[:100],
        organisation=HOSTILE, description=HOSTILE + " is what they sell here."))
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    for url in (response.headers["Location"], f"/complaints/status?code={complaint.code}"):
        html = visitor.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;" in html or url.startswith("/complaints/receipt")


def _input(html, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_cmp1_member_gets_email_prefilled_not_the_display_name_and_sees_mine(
        client_for, make_member, make_listing):
    """CMP-1 (found in review): the full-name field was filled with the member's display
    name, a nickname ("Somchai amulets") that is not the legal name a complaint is filed and
    signed in. It is left empty for the complainant's own name; the e-mail stays filled."""
    member = make_member(display_name="Somchai amulets", email="nok@talat.example")
    listing = make_listing()
    client = client_for(member)
    html = client.get("/complaints/new").get_data(as_text=True)
    assert 'value="nok@talat.example"' in _input(html, "email")
    assert "Somchai amulets" not in _input(html, "name")
    assert 'value=""' in _input(html, "name") or "value=" not in _input(html, "name")
    assert "Somchai amulets" not in _input(html, "signature")
    assert 'autocomplete="name"' in _input(html, "name")  # the browser may offer the real one
    response = post_complaint(client, form_data(f"/listings/{listing.id}", name="Nok Rakdee",
                                                signature="nok rakdee",
                                                email="nok@talat.example"))
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert complaint.complainant_id == member.id
    mine = client.get("/complaints/mine").get_data(as_text=True)
    assert complaint.code in mine
    # The member opens the status page from the list without typing the e-mail.
    fresh = client_for(member)
    status = fresh.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "Complaint received" in status
    assert client_for(None).get("/complaints/mine").status_code == 302  # to the log-in page


def test_cmp1_report_link_prefills_the_page_address(visitor, make_listing, make_auction,
                                                     make_shop):
    listing, auction, shop = make_listing(), make_auction(), make_shop()
    for page, path in ((f"/listings/{listing.id}", f"/listings/{listing.id}"),
                       (f"/auctions/{auction.id}", f"/auctions/{auction.id}"),
                       (f"/shops/{shop.slug}", f"/shops/{shop.slug}")):
        html = visitor.get(page).get_data(as_text=True)
        assert "Report illegal content or infringement" in html, page
        link = re.search(r'href="(/complaints/new\?url=[^"]+)"', html).group(1)
        form = visitor.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert f">{path}</textarea>" in form.replace("\r\n", ""), page


def test_cmp1_footer_links_the_form(visitor):
    html = visitor.get("/").get_data(as_text=True)
    assert 'href="/complaints/new"' in html


def test_cmp1_tracking_codes_are_unique_and_unambiguous(app, monkeypatch):
    seen = {intake.new_code() for _ in range(500)}
    assert len(seen) == 500
    assert not any(set(code[3:].replace("-", "")) & set("01ILOUV") for code in seen)
    # A code already taken is drawn again.
    taken = Complaint(code="TC-2222-2222", name="n", email="e@x.example", role="holder",
                      kind="other", description="d", signature="n", due_at=utcnow())
    db.session.add(taken)
    db.session.commit()
    draws = iter("2" * 8 + "3" * 8)
    monkeypatch.setattr(intake.secrets, "choice", lambda alphabet: next(draws))
    assert intake.new_code() == "TC-3333-3333"


@pytest.mark.parametrize("typed", ["tc-7k3m-q9xd", " TC 7K3M Q9XD ", "7K3MQ9XD", "TC7K3MQ9XD"])
def test_cmp1_codes_are_read_however_typed(typed):
    assert intake.normalise_code(typed) == "TC-7K3M-Q9XD"


@pytest.mark.parametrize("typed", [
    "TC-7K3M-Q9XD".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),  # Thai digits
    "TC\u20137K3M\u2013Q9XD",  # en dashes, as a mail app or word processor writes them
    "ＴＣ－７Ｋ３Ｍ－Ｑ９ＸＤ",  # full-width, from a phone's wide keyboard
    "รหัสติดตามของคุณ: TC-7K3M-Q9XD",  # the receipt mail's whole line, pasted
    "Your tracking code: tc-7k3m-q9xd.",
])
def test_cmp1_codes_are_read_as_thai_phones_type_and_paste_them(typed):
    """CMP-1, found on a phone: a tracking code typed with Thai digits, with a dash that is
    not a hyphen, in full-width letters, or pasted with the receipt mail's line around it
    was "no complaint with this code"; each is the code."""
    assert intake.normalise_code(typed) == "TC-7K3M-Q9XD"


@pytest.mark.parametrize("typed", ["TC-7K3M-Q9XDZ", "TC-7K3M-Q9X", "XTC-7K3M-Q9XD",
                                   "TC-0K3M-Q9XD", "about TC-7K3M and Q9XD"])
def test_cmp1_text_that_holds_no_whole_code_is_no_code(typed):
    """CMP-1: reading a code inside text never makes one out of a longer or broken one."""
    assert intake.normalise_code(typed) == ""


def test_cmp1_a_choice_left_unmade_is_asked_for_as_a_choice(visitor, make_listing):
    """CMP-1, found on a phone: a complaint sent without choosing "You are" (two radio
    buttons) or the kind of problem (a menu) said "This field is required." under each, as
    if something had to be typed there. Each now says which choice to make."""
    listing = make_listing()
    response = post_complaint(visitor, form_data(f"/listings/{listing.id}", role=None,
                                                 kind=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say whether you hold the rights or act for the holder." in html
    assert "Choose what kind of problem this is." in html
    assert "This field is required." not in html
    assert db.session.scalar(select(Complaint.id)) is None


def test_cmp1_cmp6_evidence_pickers_offer_photos_and_pdfs(visitor, make_member, client_for):
    """CMP-1, CMP-6, found on a phone: the evidence and police-report file inputs had no
    ``accept``, so a phone's picker opened a file browser (not the camera or the gallery) and
    offered files that would be refused. Each says what it takes: photos and PDFs."""
    from app.uploads import EVIDENCE_ACCEPT

    accept = f'accept="{EVIDENCE_ACCEPT}"'
    assert "application/pdf" in EVIDENCE_ACCEPT and "image/jpeg" in EVIDENCE_ACCEPT
    html = visitor.get("/complaints/new").get_data(as_text=True)
    assert re.search(rf'<input[^>]*{re.escape(accept)}[^>]*name="files"', html) or \
        re.search(rf'<input[^>]*name="files"[^>]*{re.escape(accept)}', html)
    html = client_for(make_member()).get("/ip-requests/new").get_data(as_text=True)
    assert accept in html and 'name="police_report"' in html


def test_cmp1_help_article_linked_near_the_title(visitor, app):
    html = visitor.get("/complaints/new").get_data(as_text=True)
    if "help.article" in app.view_functions:
        assert 'href="/help/complaints"' in html


def test_cmp1_an_expired_form_comes_back_as_typed(visitor, make_listing):
    """Found in review: the complaint form sent after its token expired (written over hours
    on a phone) gave a bare "The form has expired" page and lost everything typed. It comes
    back as typed, with a fresh token and a message; nothing is filed; it can then be sent."""
    listing = make_listing()
    visitor.get("/complaints/new")
    data = form_data(f"/listings/{listing.id}", description=HOSTILE + " typed over an hour")
    response = visitor.post("/complaints/new", data={"csrf_token": "expired", **data},
                            content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired, so nothing was sent" in html
    assert "typed over an hour" in html and HOSTILE not in html
    assert "choose them again" in html
    assert db.session.scalar(select(Complaint)) is None
    again = visitor.post("/complaints/new", data={"csrf_token": csrf_from(html), **data},
                         content_type="multipart/form-data")
    assert again.status_code == 302
    # Other forms keep the site's own page for an expired token.
    other = visitor.post("/complaints/status", data={"code": "TC-2345-6789",
                                                     "email": "a@b.example"})
    assert other.status_code == 400 and "The form has expired" in other.get_data(as_text=True)


def test_cmp1_the_address_example_is_on_this_site(app, visitor):
    """CMP-1: the hint under "the Talat pages concerned" gave a made-up host
    (talat.example) whatever the site's address, and an address copied from it was refused
    as "not on Talat". The example is on the site's own address, in Thai too."""
    example = app.config["SITE_URL"] + "/listings/123"
    for lang in ("en", "th"):
        visitor.set_cookie("lang", lang)
        html = visitor.get("/complaints/new").get_data(as_text=True)
        assert example in html and "talat.example" not in html
