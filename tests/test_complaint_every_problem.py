"""CMP-1: a complaint form with several mistakes is refused once with all of them (found in
review). The rules' checks (the e-mail's shape, the signature, each page address, each
evidence file) used to stop at the first problem, and only after the form's own checks had
passed: a complainant with a typo in the e-mail, two wrong addresses and a wrong file was sent
back four times, choosing the evidence files again each time."""
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.complaints import Complaint
from tests.images import jpeg
from tests.test_complaint_intake import form_data, post_complaint

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def visitor(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def files(*named):
    return [(io.BytesIO(data), name) for name, data in named]


def complaints():
    return db.session.scalar(select(func.count(Complaint.id)))


def test_every_wrong_address_and_file_is_named_in_one_answer_cmp_1(visitor, make_listing):
    """CMP-1: all the lines that are not Talat pages and all the refused files at once."""
    listing = make_listing()
    urls = "\n".join([f"http://localhost/listings/{listing.id}", "https://elsewhere.example/1",
                      "http://localhost/listings/999999", "http://localhost/help/"])
    response = post_complaint(visitor, {
        **form_data(urls, email="holder@brand", signature="Someone Else"),
        "files": files(("photo.jpg", jpeg()), ("notes.exe", b"MZ\x90\x00binary"),
                       ("scan.jpg", b"not a picture"))})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for shown in ("Line 2 (https://elsewhere.example/1)", "Line 3 (http://localhost/listings/999999)",
                  "Line 4 (http://localhost/help/)", "notes.exe:", "scan.jpg:",
                  "Invalid email address.",
                  "Sign by typing your full name exactly as in the name field."):
        assert shown in html, shown
    assert "Line 1" not in html and "photo.jpg:" not in html
    assert complaints() == 0


def test_the_rules_problems_come_with_the_forms_own_cmp_1(visitor, make_listing):
    """CMP-1: a form its own checks refuse (a statement left unticked) also hears what the
    rules would refuse (the e-mail, the address, the file), not only on the next round."""
    make_listing()
    response = post_complaint(visitor, {
        **form_data("https://elsewhere.example/1", email="a@b", good_faith=None),
        "files": files(("notes.exe", b"MZ\x90\x00binary"))})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for shown in ("You must confirm this statement to file a complaint.",
                  "Invalid email address.", "Line 1 (https://elsewhere.example/1)",
                  "notes.exe:"):
        assert shown in html, shown
    assert 'value="a@b"' in html  # what was typed stays
    assert complaints() == 0


def test_a_field_the_form_already_flagged_gets_no_second_message_cmp_1(visitor, make_listing):
    """CMP-1: the rules' message for a field the form's checks refused is not added to it
    (an empty "kind" says "choose what kind" once under the field, not twice)."""
    listing = make_listing()
    response = post_complaint(visitor, form_data(f"http://localhost/listings/{listing.id}",
                                                 kind=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('id="kind-error-') == 1
    assert 'id="kind-error-2"' not in html
    assert complaints() == 0


def test_a_right_complaint_with_good_files_is_still_filed_cmp_1(visitor, make_listing):
    listing = make_listing()
    response = post_complaint(visitor, {
        **form_data(f"http://localhost/listings/{listing.id}"),
        "files": files(("photo.jpg", jpeg()))})
    assert response.status_code == 302
    assert complaints() == 1


def test_a_long_pasted_text_is_sent_whole_and_comes_back_whole_cmp_1(app, make_listing):
    """CMP-1: the text areas had ``maxlength``, so a browser cut a longer pasted description
    at 5,000 characters without a word and filed the rest unseen. They are drawn without it
    now; a text over the limit comes back whole, in Thai, saying the limit and its length."""
    listing = make_listing()
    thai = app.test_client()  # Thai, the default
    page = thai.get("/complaints/new").get_data(as_text=True)
    for name in ("description", "urls"):
        [textarea] = [tag for tag in page.split("<textarea")[1:] if f'name="{name}"' in tag]
        assert "maxlength" not in textarea.split(">")[0]
    text = "ของปลอม " * 1250  # 10,000 characters
    response = post_complaint(thai, form_data(f"http://localhost/listings/{listing.id}",
                                              description=text))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "10,000" in html and "5,000" in html and "ตัวอักษร" in html
    assert text.strip() in html
    assert complaints() == 0
