"""Review fixes for filing a complaint (CMP-1)."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.complaints import Complaint
from tests.test_complaint_intake import form_data, post_complaint

pytestmark = pytest.mark.usefixtures("english")


def test_cmp1_a_duplicate_post_does_not_count_against_the_filing_limit(make_app, make_listing):
    """Found in review: the form posted again (a double tap, a re-send after a slow upload)
    files nothing and is sent back to the first receipt, yet it counted against the
    complaints one may file in an hour (RATELIMIT_COMPLAINT), so a complainant who tapped
    twice could not file their next complaint. Only complaints filed count."""
    url = f"http://localhost/listings/{make_listing().id}"
    db.session.commit()
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_COMPLAINT="2 per hour",
                   RATELIMIT_COMPLAINT_POSTS="20 per hour")
    with app.app_context():
        client = app.test_client()
        client.set_cookie("lang", "en")
        first = post_complaint(client, form_data(url))
        assert first.status_code == 302
        for _ in range(3):  # the same form sent again: back to the first receipt
            again = post_complaint(client, form_data(url))
            assert again.status_code == 302
            assert again.headers["Location"] == first.headers["Location"]
        second = post_complaint(client, form_data(url, description="A second page of fakes "
                                                  "copied from our catalogue."))
        assert second.status_code == 302 and second.headers["Location"] != \
            first.headers["Location"]
        third = post_complaint(client, form_data(url, description="A third page of fakes "
                                                 "copied from our catalogue."))
        assert third.status_code == 429  # filed complaints still count
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 2
