"""CMP-1: the signature is the complainant's full name typed again. A Thai name pasted into
the name field from a PDF or another app often spells SARA AM (ำ) as NIKHAHIT + SARA AA (ํา);
the signature typed on a phone keyboard uses the one SARA AM key. Both look the same on
screen, yet the complaint was refused with "Sign by typing your full name exactly as in the
name field", a mistake nobody could see to correct."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.complaints import Complaint
from tests.test_complaint_intake import form_data, post_complaint
from tests.test_complaint_intake import visitor as visitor  # noqa: PLC0414 (the fixture)

pytestmark = pytest.mark.usefixtures("english")

TYPED = "สมชาย น\u0e49\u0e33ใจ"          # น้ำใจ with the SARA AM key
PASTED = "สมชาย น\u0e49\u0e4d\u0e32ใจ"   # the same name, SARA AM as NIKHAHIT + SARA AA


def test_cmp1_a_signature_that_reads_the_same_as_the_name_signs_the_complaint(
        visitor, make_listing):
    """CMP-1: a typed signature matches a pasted name that differs only in how SARA AM is
    spelled; a different name is still refused."""
    url = f"http://localhost/listings/{make_listing().id}"
    refused = post_complaint(visitor, form_data(url, name=PASTED, signature="สมชาย ใจดี"))
    assert refused.status_code == 422
    assert "exactly as in the name field" in refused.get_data(as_text=True)
    response = post_complaint(visitor, form_data(url, name=PASTED, signature=TYPED))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(func.count(Complaint.id))) == 1


def test_cmp1_nikhahit_typed_before_the_tone_mark_still_reads_the_same():
    """CMP-1: NIKHAHIT before the tone mark (น ํ ้ า) looks the same as after it (น ้ ํ า) and
    as the SARA AM key; Unicode's normalisation does not reorder them, so the comparison
    does."""
    from app.blueprints.complaints.intake import _same_name

    before_tone = "สมชาย น\u0e4d\u0e49\u0e32ใจ"
    assert _same_name(before_tone, TYPED) and _same_name(before_tone, PASTED)
    assert not _same_name(before_tone, "สมชาย ใจดี")
