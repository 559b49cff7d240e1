"""Free text keeps at most three marks on one letter (SHOP-5, MOD-7): stacked marks ("zalgo"
text) in a message or a report's details drew over the lines above and below them, over the
moderators' queue and the other party's conversation (found driving the queue on a phone).
Thai needs at most three: a vowel above or below, a tone mark, NIKHAHIT."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.forms import MAX_STACKED_MARKS, limit_stacked_marks
from app.models import Message
from tests.test_messages import contact
from tests.test_messages import market as market  # noqa: PLC0414 (the fixture)

ZALGO = "a" + "\u0301\u0302\u0303\u0304\u0305\u0306" * 5 + "b"
THAI = "น้ำใจ ปั้นหม้อ ซึ่งที่กี๋ ก็ได้ ผู้ใหญ่ สิ่งนี้ น้ํา"


def test_thai_keeps_every_mark_and_a_stack_keeps_three_shop_5():
    assert limit_stacked_marks(THAI) == THAI
    assert limit_stacked_marks(ZALGO) == "a\u0301\u0302\u0303b"
    assert limit_stacked_marks("plain ascii") == "plain ascii"
    assert MAX_STACKED_MARKS == 3


@pytest.mark.usefixtures("english")
def test_a_message_of_stacked_marks_is_kept_to_three_a_letter_shop_5(market):
    """SHOP-5: the message is taken, its stacks cut to three marks a letter, the Thai kept."""
    response = contact(market["buyer"], market["listing"], f"{THAI} {ZALGO}")
    assert response.status_code == 302
    assert db.session.scalar(select(Message.body)) == f"{THAI} a\u0301\u0302\u0303b"


def test_a_moderators_typed_reason_keeps_three_marks_a_letter_mod_7(app):
    """MOD-7: the queue's decisions read their fields straight from the request; the reason
    (read by the owner and the complainant) is cleaned as the site's forms clean free text."""
    from app.blueprints.moderation.queue_views import _form_values

    with app.test_request_context("/", method="POST", data={
            "reason": f"{THAI}\x00 {ZALGO}", "csrf_token": "x", "action": "dismiss"}):
        assert _form_values() == {"reason": f"{THAI} a\u0301\u0302\u0303b"}


def test_a_title_is_cleaned_a_password_and_a_display_name_are_not_shop_5_acc_2(app):
    """SHOP-5, ACC-2: text fields (a listing's title) are cleaned as text areas are; a
    password stays exactly as typed (one set before would no longer match), and a display
    name keeps its own rule, which refuses stacked marks with a message."""
    from wtforms import PasswordField, StringField

    from app.forms import TalatForm

    class Probe(TalatForm):
        title = StringField()
        password = PasswordField()
        display_name = StringField()

    with app.test_request_context("/", method="POST", data={
            "title": ZALGO, "password": ZALGO, "display_name": ZALGO}):
        form = Probe(meta={"csrf": False})
        assert form.title.data == "a\u0301\u0302\u0303b"
        assert form.password.data == ZALGO and form.display_name.data == ZALGO
