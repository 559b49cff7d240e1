"""Admin forms for the shop catalogue: the prohibited list and frozen sections."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.blueprints.accounts.forms import REQUIRED, TOO_LONG
from app.forms import TalatForm


#: What a match with a prohibited word does (SHOP-4), as the form and the audit log name it.
PROHIBITED_ACTION_LABELS = {"refuse": _l("Refuse the listing"),
                            "hold": _l("Hold it for a moderator")}


class ProhibitedTermForm(TalatForm):
    """Add a word to the prohibited list (SHOP-4)."""

    term = StringField(_l("Word or phrase"), validators=[DataRequired(REQUIRED),
                                                         Length(max=80, message=TOO_LONG)])
    action = SelectField(_l("When it matches"), choices=[
        SelectChoice(code, label) for code, label in PROHIBITED_ACTION_LABELS.items()])
    group_th = StringField(_l("Group (Thai)"), validators=[DataRequired(REQUIRED),
                                                           Length(max=100, message=TOO_LONG)])
    group_en = StringField(_l("Group (English)"), validators=[DataRequired(REQUIRED),
                                                              Length(max=100, message=TOO_LONG)])


class FreezeForm(TalatForm):
    """Freeze a section (SHOP-9)."""

    notice_th = StringField(_l("Notice (Thai)"), validators=[Optional(),
                                                             Length(max=300, message=TOO_LONG)])
    notice_en = StringField(_l("Notice (English)"), validators=[Optional(),
                                                                Length(max=300, message=TOO_LONG)])
