"""CMP-1: evidence files are checked: a photo is re-encoded, a PDF must really be one; a
script renamed .pdf, a 50 MB image, a zip bomb and a decompression-bomb PNG are refused with
a clear message, and files are served only to those who may see them."""
import io
import zipfile

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.complaints import Complaint, ComplaintEvidence, HeldEvidence
from tests.images import decompression_bomb, jpeg
from tests.test_complaint_intake import form_data, post_complaint

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def zip_bomb():
    """A small zip that expands to 100 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (100 * 1024 * 1024))
    return buffer.getvalue()


def visitor_of(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def file_with(client, listing, files):
    data = form_data(f"/listings/{listing.id}")
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return post_complaint(client, data)


def test_cmp1_photo_and_pdf_are_accepted_and_stored_privately(app, make_listing):
    client = visitor_of(app)
    response = file_with(client, make_listing(), [("photo.jpg", jpeg()), ("deed.pdf", PDF)])
    assert response.status_code == 302
    entries = db.session.scalars(select(ComplaintEvidence).order_by(ComplaintEvidence.id)).all()
    assert [(e.media, e.original_name) for e in entries] == [("image", "photo.jpg"),
                                                             ("pdf", "deed.pdf")]


@pytest.mark.parametrize("name, content, message", [
    ("invoice.pdf", b"#!/bin/sh\nrm -rf / --no-preserve-root\n", "Only photos"),
    ("page.pdf", b"<html><script>alert(1)</script></html>", "Only photos"),
    ("broken.pdf", b"%PDF-1.4\nno end marker here", "not a PDF we can accept"),
    ("archive.zip", zip_bomb(), "Only photos"),
    ("bomb.png", decompression_bomb(), "too large in pixels"),
    ("big.jpg", jpeg() + b"\0" * (50 * 1024 * 1024), "larger than 10 MB"),
    ("huge.pdf", PDF[:-7] + b"\0" * (11 * 1024 * 1024) + b"\n%%EOF\n", "at most 10 MB"),
    ("empty.jpg", b"", "The file is empty"),
])
def test_cmp1_hostile_files_are_refused_with_a_clear_message(app, make_listing, name, content,
                                                             message):
    client = visitor_of(app)
    response = file_with(client, make_listing(), [("photo.jpg", jpeg()), (name, content)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and name in html
    # The photo is kept for the next try (test_complaint_held_files.py); the refused file not.
    assert "A file named in an error must be chosen again" in html
    assert '> photo.jpg <span' in html and f'> {name} <span' not in html
    assert db.session.scalar(select(Complaint)) is None
    assert db.session.scalar(select(ComplaintEvidence)) is None


def test_cmp1_an_empty_evidence_file_is_refused_by_name_keeping_what_was_typed(
        app, make_listing):
    """A chosen file of 0 bytes is not silently dropped while the complaint is filed: the
    form comes back naming it, with what was typed."""
    client = visitor_of(app)
    response = file_with(client, make_listing(), [("receipt.jpg", b"")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "receipt.jpg: The file is empty." in html
    assert form_data("/x")["description"] in html
    assert db.session.scalar(select(Complaint)) is None


def test_cmp1_a_file_input_left_empty_is_no_file(app, make_listing):
    """A browser sends an unused file input as a part without a name: that is no file."""
    client = visitor_of(app)
    assert file_with(client, make_listing(), [("", b"")]).status_code == 302
    assert db.session.scalar(select(ComplaintEvidence)) is None


def test_cmp1_refused_form_leaves_no_file_behind(app, make_listing, tmp_path):
    """A refused form stores nothing of the file it refuses; the photo it would take is
    held for the next try (recorded, so it is deleted if unused), and nothing else."""
    client = visitor_of(app)
    file_with(client, make_listing(), [("photo.jpg", jpeg()), ("x.pdf", b"MZ\x90\0")])
    private = tmp_path / "uploads" / "private"
    [held] = db.session.scalars(select(HeldEvidence.key)).all()
    assert {p.name for p in private.rglob("*") if p.is_file()} == {
        f"{held}-thumb.jpg", f"{held}-large.jpg"}


def test_cmp1_at_most_five_files(app, make_listing):
    client = visitor_of(app)
    response = file_with(client, make_listing(), [(f"{n}.jpg", jpeg()) for n in range(6)])
    assert response.status_code == 422
    assert "Send at most 5 files." in response.get_data(as_text=True)


def test_cmp1_request_over_the_body_limit_gets_a_friendly_page(make_app, make_listing):
    app = make_app(MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    with app.app_context():
        listing = make_listing()
        client = visitor_of(app)
        response = file_with(client, listing, [("big.jpg", jpeg() + b"\0" * (3 * 1024 * 1024))])
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The upload is too large" in html and "Traceback" not in html


def test_cmp1_evidence_is_served_only_to_complainant_and_moderators(
        app, make_listing, moderator, client_for):
    listing = make_listing()
    complainant = visitor_of(app)
    file_with(complainant, listing, [("photo.jpg", jpeg()), ("deed.pdf", PDF)])
    photo, pdf = db.session.scalars(select(ComplaintEvidence).order_by(ComplaintEvidence.id))
    urls = (f"/complaints/evidence/{photo.id}/thumb.jpg", f"/complaints/evidence/{pdf.id}")
    for url in urls:
        assert complainant.get(url).status_code == 200
        assert client_for(moderator).get(url).status_code == 200
        assert visitor_of(app).get(url).status_code == 404
        owner = db.session.get(type(listing.shop.owner), listing.shop.owner_id)
        assert client_for(owner).get(url).status_code == 404
    response = complainant.get(urls[1])
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert complainant.get(urls[0]).headers["Cache-Control"] == "private, no-store"
