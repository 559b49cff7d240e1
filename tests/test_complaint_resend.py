"""CMP-1: a complaint form sent twice (a double tap on a phone, a re-send after a slow upload,
two posts at once) files one complaint: one tracking code, one receipt, one queue item."""
import threading

import pytest
from sqlalchemy import func, select

from app.blueprints.complaints import intake
from app.blueprints.complaints.errors import AlreadyFiled
from app.database import utcnow
from app.extensions import db
from app.models import ReviewItem
from app.models.complaints import Complaint
from tests.complaint_helpers import mails_to
from tests.conftest import csrf_from
from tests.test_complaint_intake import form_data, visitor  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("english")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_cmp1_the_form_posted_twice_files_one_complaint(visitor, make_listing):  # noqa: F811
    listing = make_listing()
    token = csrf_from(visitor.get("/complaints/new").get_data(as_text=True))
    data = {"csrf_token": token, **form_data(f"/listings/{listing.id}")}
    first = visitor.post("/complaints/new", data=data, content_type="multipart/form-data")
    again = visitor.post("/complaints/new", data=data, content_type="multipart/form-data")
    assert first.status_code == again.status_code == 302
    code = db.session.scalar(select(Complaint.code))
    assert again.headers["Location"] == first.headers["Location"] == f"/complaints/receipt/{code}"
    assert "already sent this complaint" in visitor.get(again.headers["Location"]).get_data(
        as_text=True)
    assert count(Complaint) == 1 and count(ReviewItem) == 1
    assert len(mails_to("holder@brand.example")) == 1


def test_cmp1_a_resend_from_another_browser_is_not_shown_the_code(app, make_listing):
    """The second post came from a browser that never saw the first receipt (the first
    response was lost on the way): one complaint; the code is not shown, the e-mail has it."""
    listing = make_listing()
    data = form_data(f"/listings/{listing.id}")
    browsers = [app.test_client(), app.test_client()]
    responses = []
    for browser in browsers:
        browser.set_cookie("lang", "en")
        token = csrf_from(browser.get("/complaints/new").get_data(as_text=True))
        responses.append(browser.post("/complaints/new", data={"csrf_token": token, **data},
                                      content_type="multipart/form-data"))
    assert count(Complaint) == 1
    assert responses[1].headers["Location"] == "/complaints/status"
    page = browsers[1].get("/complaints/status").get_data(as_text=True)
    code = db.session.scalar(select(Complaint.code))
    assert "already reached us" in page and code not in page


def test_cmp1_a_different_complaint_by_the_same_person_is_filed(visitor, make_listing):  # noqa: F811
    listing, other = make_listing(), make_listing()
    for url, text in ((f"/listings/{listing.id}", None), (f"/listings/{other.id}", None),
                      (f"/listings/{listing.id}", "Another description of another problem.")):
        token = csrf_from(visitor.get("/complaints/new").get_data(as_text=True))
        response = visitor.post("/complaints/new", data={
            "csrf_token": token, **form_data(url, **({"description": text} if text else {}))},
            content_type="multipart/form-data")
        assert response.status_code == 302
    assert count(Complaint) == 3


def test_cmp1_two_posts_at_once_file_one_complaint(app, make_listing):
    """Two requests with the same form at the same moment (real threads): one is filed, the
    other finds it (PostgreSQL: the e-mail's lock; SQLite: one writer at a time)."""
    listing = make_listing()
    data = {**form_data(f"/listings/{listing.id}"), "urls": [f"/listings/{listing.id}"]}
    barrier, outcomes = threading.Barrier(2), []

    def file_one():
        try:
            with app.test_request_context("/complaints/new", method="POST"):
                barrier.wait(5)
                intake.file_complaint(data, [], now=utcnow())
                db.session.commit()
                outcomes.append("filed")
        except AlreadyFiled:
            outcomes.append("already")
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            outcomes.append(error)

    threads = [threading.Thread(target=file_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(map(str, outcomes)) == ["already", "filed"], outcomes
    db.session.rollback()
    assert count(Complaint) == 1
