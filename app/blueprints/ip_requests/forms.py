"""The IP-address request form (CMP-6): shapes and lengths only; the rules live in
``filing``."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG, TOO_LONG
from app.forms import TalatForm
from app.typed_dates import TypedDateField
from app.uploads import EVIDENCE_ACCEPT


class IpRequestForm(TalatForm):
    """A scam victim asks for the accused's IP addresses, with the police report."""

    accused = StringField(_l("Display name of the member you accuse"), validators=[
        Optional(), Length(max=40, message=TOO_LONG)])
    item_url = StringField(_l("Link to their listing or auction"), validators=[
        Optional(), Length(max=500, message=TOO_LONG)])
    case_number = StringField(_l("Police case number"), validators=[
        DataRequired(REQUIRED), Length(max=60, message=TOO_LONG)])
    police_station = StringField(_l("Police station where you reported it"), validators=[
        DataRequired(REQUIRED), Length(max=160, message=TOO_LONG)])
    # (typed as Thai people write it where the browser has no date picker: app.typed_dates)
    incident_date = TypedDateField(_l("Date of the incident"),
                                   validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("What happened"), validators=[
        DataRequired(REQUIRED), Length(max=5000, message=TEXT_TOO_LONG)])
    police_report = FileField(_l("The police report (a photo or a PDF; required)"),
                              render_kw={"accept": EVIDENCE_ACCEPT})
