"""CMP-1, CMP-3: the owner's counter-statement and the complainant's "add information" answer,
refused for their text, keep the evidence files they would take and say "a file named in an
error must be chosen again". A file they would not take (a .exe, a HEIC photo, an oversized
PDF) was dropped without being named: the sender believed every file was kept. Each is now
named on the file field, as the complaint form itself does."""
import re

import pytest

from app.database import utcnow
from app.extensions import db
from app.models.complaints import ComplaintEvent
from tests.conftest import csrf_from
from tests.images import jpeg, upload
from tests.test_complaint_status import file_one, look_up, visitor_of
from tests.test_counter_statements import answer_url
from tests.test_counter_statements import upheld as upheld  # noqa: PLC0414 (the fixture)

pytestmark = pytest.mark.usefixtures("english")

EXE = b"MZ\x90\x00not evidence"
KEPT_RE = re.compile(r'name="kept_file" value="[^"]+" checked> ([^<]+?) <span')


def test_cmp3_a_refused_counter_statement_names_the_file_it_would_not_take(upheld, client_for):
    """CMP-3: a counter-statement sent without text, with a photo and a program, keeps the
    photo and names the program on the file field."""
    listing, _complaint, target = upheld
    owner = client_for(listing.shop.owner)
    page = owner.get(answer_url(target)).get_data(as_text=True)
    response = owner.post(answer_url(target), content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "body": "",
        "files": [upload(jpeg(), "receipt.jpg"), upload(EXE, "setup.exe")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert KEPT_RE.findall(html) == ["receipt.jpg"]
    assert "setup.exe:" in html


def test_cmp1_a_refused_answer_to_a_question_names_the_file_it_would_not_take(
        app, make_listing):
    """CMP-1: the "add information" answer refused for being too short keeps the photo it
    would take and names the program it would not."""
    complaint = file_one(make_listing())
    complaint.status = "needs_info"
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_requested",
                                  note="Send the registration.", at=utcnow()))
    db.session.commit()
    client = visitor_of(app)
    look_up(client, complaint.code, complaint.email)
    page = client.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    response = client.post(
        f"/complaints/status/{complaint.code}/information", content_type="multipart/form-data",
        data={"csrf_token": csrf_from(page), "body": "Too short",
              "files": [upload(jpeg(), "registration.jpg"), upload(EXE, "setup.exe")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert KEPT_RE.findall(html) == ["registration.jpg"]
    assert "setup.exe:" in html
