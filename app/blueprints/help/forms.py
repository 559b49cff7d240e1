"""The help search box: a GET form (no CSRF; it changes nothing)."""
from flask_babel import lazy_gettext as _l
from wtforms import SearchField
from wtforms.validators import Length

from app.forms import TalatForm
from app.search.service import MAX_QUERY_LENGTH


class HelpSearchForm(TalatForm):
    """What to look for in the help articles."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search help"), validators=[
        Length(max=MAX_QUERY_LENGTH, message=_l("Search for at most %(max)d characters."))],
        render_kw={"maxlength": MAX_QUERY_LENGTH, "autocomplete": "off",
                   "placeholder": _l("For example: scammed, STOP sign, complaint…")})
