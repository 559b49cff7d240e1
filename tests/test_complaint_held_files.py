"""CMP-1: the evidence files of a refused complaint form are kept for the next try. A browser
forgets the files chosen in a file input once the page comes back with an error, so every
refusal (a typo in the e-mail, a statement left unticked) made the complainant find and choose
each photo and PDF again on their phone. The files the form would take are now stored,
offered back as ticked boxes, and sent with the complaint when it is filed."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.complaints import held_evidence
from app.blueprints.complaints.errors import ComplaintError
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models.complaints import Complaint, ComplaintEvent, ComplaintEvidence, HeldEvidence
from app.uploads import SIZES, _path, pdf_path
from tests.complaint_helpers import make_complaint
from tests.conftest import csrf_from
from tests.images import jpeg
from tests.test_complaint_every_problem import files
from tests.test_complaint_every_problem import visitor as visitor  # noqa: PLC0414 (the fixture)
from tests.test_complaint_intake import form_data, post_complaint
from tests.test_complaint_status import file_one, look_up, visitor_of

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KEPT_RE = re.compile(r'name="kept_file" value="([^"]+)" checked> ([^<]+?) <span')


def kept(html):
    """The held files a page offers, name to token."""
    return {name: token for token, name in KEPT_RE.findall(html)}


def stored(key, media):
    if media == "pdf":
        return pdf_path(key).is_file()
    return all(_path("private", key, size).is_file() for size in SIZES)


def refused_with_files(visitor, url, *named, **overrides):
    response = post_complaint(visitor, {**form_data(url, **overrides), "files": files(*named)})
    assert response.status_code == 422
    return response.get_data(as_text=True)


def test_files_of_a_refused_form_are_kept_and_filed_with_the_complaint_cmp_1(
        visitor, make_listing):
    """CMP-1: a form refused for its signature keeps the photo and the PDF it would take
    (not the file it refuses, which is named); sent again with the boxes ticked and no file
    chosen, the complaint is filed with both, as the same stored files."""
    url = f"http://localhost/listings/{make_listing().id}"
    html = refused_with_files(visitor, url, ("IMG_2041.jpg", jpeg()), ("deed.pdf", PDF),
                              ("notes.exe", b"MZ\x90\x00binary"), signature="Someone Else")
    offered = kept(html)
    assert set(offered) == {"IMG_2041.jpg", "deed.pdf"}
    assert "notes.exe:" in html and "Files kept from your last try" in html
    assert "are kept below the file field" in html
    held = {row.original_name: row for row in db.session.scalars(select(HeldEvidence))}
    assert {name: row.media for name, row in held.items()} == {"IMG_2041.jpg": "image",
                                                               "deed.pdf": "pdf"}
    keys = {name: row.key for name, row in held.items()}
    assert all(stored(row.key, row.media) for row in held.values())
    assert db.session.scalar(select(func.count(Complaint.id))) == 0

    response = post_complaint(visitor, {**form_data(url),
                                        held_evidence.FIELD: list(offered.values())})
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    evidence = {e.original_name: e for e in db.session.scalars(
        select(ComplaintEvidence).where(ComplaintEvidence.complaint_id == complaint.id))}
    assert {name: e.key for name, e in evidence.items()} == keys
    assert all(stored(e.key, e.media) for e in evidence.values())
    assert db.session.scalar(select(func.count(HeldEvidence.id))) == 0


def test_an_unticked_file_is_left_out_and_new_files_join_the_kept_ones_cmp_1(
        visitor, make_listing):
    """CMP-1: unticking a kept file leaves it out; a file chosen on the second try is sent
    with the ones still ticked; and a second refusal keeps offering them all."""
    url = f"http://localhost/listings/{make_listing().id}"
    offered = kept(refused_with_files(visitor, url, ("a.jpg", jpeg()), ("b.pdf", PDF),
                                      email="holder@brand"))
    html = post_complaint(visitor, {
        **form_data(url, email="holder@brand"), held_evidence.FIELD: [offered["b.pdf"]],
        "files": files(("c.jpg", jpeg(color=(10, 20, 30))))}).get_data(as_text=True)
    assert set(kept(html)) == {"b.pdf", "c.jpg"}
    response = post_complaint(visitor, {**form_data(url),
                                        held_evidence.FIELD: list(kept(html).values())})
    assert response.status_code == 302
    names = set(db.session.scalars(select(ComplaintEvidence.original_name)))
    assert names == {"b.pdf", "c.jpg"}


def test_kept_files_count_toward_the_five_files_cmp_1(visitor, make_listing):
    """CMP-1: three kept files and three more chosen are too many; the message says how many
    more may be chosen, and the kept ones are still offered (the new ones are not stored)."""
    url = f"http://localhost/listings/{make_listing().id}"
    offered = kept(refused_with_files(visitor, url, *[(f"{n}.pdf", PDF) for n in range(3)],
                                      signature="Nobody"))
    html = refused_with_files(visitor, url, *[(f"new{n}.pdf", PDF) for n in range(3)],
                              **{held_evidence.FIELD: list(offered.values())})
    assert "Send at most 5 files: 3 are kept from your last try, so choose at most 2 more" \
        in html
    assert set(kept(html)) == set(offered)
    assert db.session.scalar(select(func.count(HeldEvidence.id))) == 3


def test_a_kept_file_is_used_once_and_a_made_up_token_is_ignored_cmp_1(visitor, make_listing):
    """CMP-1: a held file becomes one complaint's evidence: its token, sent again with
    another complaint (or invented), attaches nothing."""
    listing = make_listing()
    url = f"http://localhost/listings/{listing.id}"
    offered = kept(refused_with_files(visitor, url, ("a.jpg", jpeg()), signature="Nobody"))
    token = offered["a.jpg"]
    assert post_complaint(visitor, {**form_data(url),
                                    held_evidence.FIELD: token}).status_code == 302
    other = make_listing()
    response = post_complaint(visitor, {
        **form_data(f"http://localhost/listings/{other.id}",
                    description="Another fake copy of our amulet design."),
        held_evidence.FIELD: [token, "x" * len(token)]})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(ComplaintEvidence.id))) == 1


def test_taking_files_another_complaint_took_is_refused_cmp_1(app, make_listing):
    """CMP-1: held files already taken by one complaint (two sent at once with the same
    boxes ticked: the second's delete waits for the first's) are refused to the next,
    instead of making it point at the first one's stored file."""
    now = utcnow()
    [row] = held_evidence.hold([("a.pdf", PDF)], now=now)
    db.session.commit()
    listing = make_listing()
    first, second = make_complaint(listing), make_complaint(listing)
    held = held_evidence.kept([row.token], now=now)
    held_evidence.take(first, held, now=now)
    with pytest.raises(ComplaintError):
        held_evidence.take(second, held, now=now)


def test_an_expired_form_keeps_offering_the_kept_files_cmp_1(visitor, make_listing):
    """CMP-1: the form sent after its token expired comes back with the kept files still
    ticked (nothing new is stored from a post without a valid token)."""
    url = f"http://localhost/listings/{make_listing().id}"
    offered = kept(refused_with_files(visitor, url, ("a.jpg", jpeg()), signature="Nobody"))
    response = visitor.post("/complaints/new", content_type="multipart/form-data", data={
        "csrf_token": "expired", **form_data(url), held_evidence.FIELD: offered["a.jpg"],
        "files": files(("b.pdf", PDF))})
    assert response.status_code == 400
    assert set(kept(response.get_data(as_text=True))) == {"a.jpg"}
    assert db.session.scalar(select(func.count(HeldEvidence.id))) == 1


def test_held_files_not_used_within_a_day_are_deleted_cmp_1(app):
    """CMP-1: the purge job deletes held files (row and stored file) after a day, and an
    expired one is no longer offered; a newer one stays."""
    now = utcnow()
    [old] = held_evidence.hold([("old.jpg", jpeg())], now=now - timedelta(hours=25))
    [new] = held_evidence.hold([("new.pdf", PDF)], now=now)
    db.session.commit()
    old_key, old_token, new_key = old.key, old.token, new.key
    assert held_evidence.kept([old_token], now=now) == []
    assert JOBS["purge-held-evidence"](app, now) == 1
    assert not stored(old_key, "image") and stored(new_key, "pdf")
    assert db.session.scalars(select(HeldEvidence.key)).all() == [new_key]


def test_the_answer_to_a_moderators_question_keeps_its_files_too_cmp_1(app, make_listing):
    """CMP-1: the "add information" answer refused for its text keeps the photo it would
    take; sent again with the box ticked, the photo is the complaint's evidence."""
    complaint = file_one(make_listing())
    complaint.status = "needs_info"
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_requested",
                                  note="Send the registration.", at=utcnow()))
    db.session.commit()
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    page = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    action = f"/complaints/status/{complaint.code}/information"
    response = client.post(action, content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "body": "Too short",
        "files": files(("registration.jpg", jpeg()))})
    assert response.status_code == 422
    offered = kept(response.get_data(as_text=True))
    assert set(offered) == {"registration.jpg"}
    response = client.post(action, content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "body": "Registration no. 123456, attached.",
        held_evidence.FIELD: offered["registration.jpg"]})
    assert response.status_code == 302
    assert db.session.scalars(select(ComplaintEvidence.original_name).where(
        ComplaintEvidence.complaint_id == complaint.id)).all() == ["registration.jpg"]


def test_past_the_complaint_limit_the_kept_files_stay_offered_cmp_1(make_app, make_listing):
    """CMP-1: past the complaints one may file, the form comes back as typed (ACC-8) and
    with the files kept from an earlier try still ticked."""
    listing = make_listing().id
    db.session.commit()
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_COMPLAINT="1 per hour",
                   RATELIMIT_COMPLAINT_POSTS="6 per hour")
    with app.app_context():
        client = visitor_of(app)
        url = f"http://localhost/listings/{listing}"
        offered = kept(refused_with_files(client, url, ("a.pdf", PDF), signature="Nobody"))
        assert post_complaint(client, form_data(url)).status_code == 302  # (a.pdf unticked)
        over = post_complaint(client, {
            **form_data(url, description="A second page of fakes copied from our catalogue."),
            held_evidence.FIELD: offered["a.pdf"]})
        assert over.status_code == 429
        assert set(kept(over.get_data(as_text=True))) == {"a.pdf"}


def test_an_address_holds_only_so_many_files_cmp_1(visitor, make_listing):
    """CMP-1: the forms are open to anyone, so one address may have at most 15 files held
    at a time (a refused form sent again and again must not fill the disk); past that the
    form asks for the files again, as before files were held. Other addresses still hold."""
    url = f"http://localhost/listings/{make_listing().id}"
    now = utcnow()
    held_evidence.hold([(f"{n}.pdf", PDF) for n in range(15)], now=now, ip="127.0.0.1")
    db.session.commit()
    html = refused_with_files(visitor, url, ("a.pdf", PDF), signature="Nobody")
    assert kept(html) == {} and "please choose them again" in html
    assert db.session.scalar(select(func.count(HeldEvidence.id))) == 15
    assert len(held_evidence.hold([("b.pdf", PDF)], now=now, ip="192.0.2.7")) == 1
