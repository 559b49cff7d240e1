"""The message form (SHOP-5): shape and length only; the rules live in message_services."""
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import TalatForm

MAX_MESSAGE_LENGTH = 2000
MESSAGE_REQUIRED = _l("Please write your message.")
MESSAGE_TOO_LONG = _l("A message may be at most 2,000 characters.")


def normalise_newlines(value):
    """Browsers send CR LF for a line break in a text box; count and keep it as one character."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class MessageForm(TalatForm):
    """Write a message to the shop or to the buyer."""

    body = TextAreaField(
        _l("Your message"), filters=[normalise_newlines],
        validators=[DataRequired(MESSAGE_REQUIRED),
                    Length(max=MAX_MESSAGE_LENGTH, message=MESSAGE_TOO_LONG)],
        render_kw={"rows": 4, "maxlength": MAX_MESSAGE_LENGTH})
