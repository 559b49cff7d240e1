"""Limits and lengths in the messages of text boxes read as the site writes counts, grouped
by thousands ("1,000", "5,000"), in Thai and English alike (found in review: a review too
long said "Write at most 1000 characters: this text has 1001.", where the site's own texts
say "up to 2,000 characters"). Order numbers and other numbers that are not counts are left
as they are."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Order
from tests.conftest import post_form
from tests.test_files_after_errors import listing_form
from tests.test_orders import act, order_at, place
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)

pytestmark = pytest.mark.usefixtures("english")


def test_counts_are_grouped_by_thousands():
    from app.i18n import format_count

    assert [format_count(n) for n in (7, 999, 1000, 12500, 1000000)] == [
        "7", "999", "1,000", "12,500", "1,000,000"]


def test_a_message_of_counts_groups_its_numbers_and_leaves_the_rest(app):
    """:class:`Counts` fills in whole numbers grouped, lazily (in the reader's language) or
    with ``%`` as WTForms' length check does."""
    from flask_babel import lazy_gettext as _l

    from app.i18n import Counts

    with app.test_request_context():
        message = Counts(_l("Write %(min)d to %(max)d characters: this text has %(length)d."))
        assert message % {"min": 10, "max": 5000, "length": 12345} == \
            "Write 10 to 5,000 characters: this text has 12,345."
        assert str(Counts(_l("%(label)s: write %(low)d to %(high)d characters."),
                          label="Details", low=10, high=5000)) == \
            "Details: write 10 to 5,000 characters."


def test_a_review_too_long_names_the_limit_as_the_site_writes_numbers_shop_6(market):
    order = order_at(market, "completed")
    response = act(market.buyer_client, order.id, "review",
                   {"rating": "5", "comment": "ก" * 1001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write at most 1,000 characters: this text has 1,001." in html
    assert "1000" not in html and "1001" not in html


def test_a_review_too_long_in_thai_groups_the_numbers_too(market):
    order = order_at(market, "completed")
    market.buyer_client.set_cookie("lang", "th")
    response = act(market.buyer_client, order.id, "review",
                   {"rating": "5", "comment": "ก" * 1001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "เขียนได้ไม่เกิน 1,000 ตัวอักษร ตอนนี้ข้อความนี้มี 1,001 ตัวอักษร" in html


def test_a_listing_description_too_long_groups_its_numbers_shop_3(make_member, make_shop,
                                                                  client_for):
    owner = make_member()
    shop = make_shop(owner=owner)
    response = post_form(client_for(owner), f"/shops/{shop.slug}/listings/new",
                         listing_form(description="x" * 5001),
                         content_type="multipart/form-data")
    assert "Write at most 5,000 characters: this text has 5,001." in \
        response.get_data(as_text=True)


def test_a_cancel_reason_far_too_long_says_its_length_grouped_shop_10(market):
    place(market.buyer_client, market.listing)
    order = db.session.scalar(select(Order))
    response = act(market.seller_client, order.id, "shop-cancel", {"reason": "x" * 1200})
    assert "Write 10 to 500 characters: this text has 1,200." in \
        response.get_data(as_text=True)


def test_wtforms_own_length_messages_group_their_numbers_too(app):
    """A form with WTForms' own length message (the moderators' sanction forms) says
    "1,000" too."""
    from wtforms import TextAreaField
    from wtforms.validators import Length

    from app.forms import TalatForm

    class Note(TalatForm):
        text = TextAreaField(validators=[Length(max=1000)])

    with app.test_request_context(method="POST", data={"text": "x" * 1001}):
        form = Note(meta={"csrf": False})
        assert not form.validate()
        assert form.text.errors == ["Field cannot be longer than 1,000 characters."]
