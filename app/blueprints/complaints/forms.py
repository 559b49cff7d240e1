"""Complaint forms: the public takedown form, the status lookup and "add information".
They check shape (required, lengths, choices); the rules live in ``intake``."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, EmailField, RadioField, SelectField, StringField, TelField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG, TOO_LONG
from app.blueprints.complaints.texts import KIND_LABELS, ROLE_LABELS
from app.blueprints.complaints.evidence import MAX_FILES
from app.blueprints.complaints.targets import MAX_URLS
from app.forms import TalatForm
from app.i18n import Counts
from app.uploads import EVIDENCE_ACCEPT


def _text(label, limit, required=True):
    first = DataRequired(REQUIRED) if required else Optional()
    return StringField(label, validators=[first, Length(max=limit, message=TOO_LONG)])


def _email(label):
    return EmailField(label, validators=[DataRequired(REQUIRED),
                                         Length(max=254, message=TOO_LONG)])


def _choices(labels):
    return [SelectChoice(value, label) for value, label in labels.items()]


def _files():
    return MultipleFileField(_l("Evidence: photos (JPEG, PNG, WebP, GIF) or PDF files, at most "
                                "%(n)d", n=MAX_FILES), render_kw={"accept": EVIDENCE_ACCEPT})


class ComplaintForm(TalatForm):
    """The public form (CMP-1): who complains, about what, which pages, the statements and
    the signature, and evidence files."""

    name = _text(_l("Your full name"), 120)
    organisation = _text(_l("Organisation (if any)"), 160, required=False)
    email = _email(_l("E-mail address"))
    phone = TelField(_l("Phone (if any)"),  # (type=tel: phones show their number pad)
                     validators=[Optional(), Length(max=30, message=TOO_LONG)],
                     render_kw={"autocomplete": "tel"})
    # A choice left unmade is asked for as a choice, not "fill in this field" (CMP-1).
    role = RadioField(_l("You are"), choices=_choices(ROLE_LABELS), validators=[DataRequired(
        _l("Say whether you hold the rights or act for the holder."))])
    kind = SelectField(_l("What kind of problem is it?"),
                       choices=[SelectChoice("", _l("Choose…"))] + _choices(KIND_LABELS),
                       validators=[DataRequired(_l("Choose what kind of problem this is."))])
    description = TextAreaField(_l("What is infringed or illegal, and how"), validators=[
        DataRequired(REQUIRED), Length(min=20, max=5000, message=Counts(_l(
            "Write %(min)d to %(max)d characters: this text has %(length)d.")))])
    original_url = StringField(_l("Link to the original work or your rights (if any)"),
                               validators=[Optional(), Length(max=500, message=TOO_LONG),
                                           URL(message=_l("Give a web address starting with "
                                                          "http:// or https://."))])
    urls = TextAreaField(_l("The Talat pages concerned: one address per line, at most %(n)d",
                            n=MAX_URLS), validators=[DataRequired(REQUIRED),
                                                     Length(max=20 * 600, message=TEXT_TOO_LONG)])
    good_faith = BooleanField(_l("I believe in good faith that the use of the material or the "
                                 "content is not authorised or is illegal."),
                              validators=[DataRequired(_l("You must confirm this statement to "
                                                          "file a complaint."))])
    accurate = BooleanField(_l("The information in this complaint is accurate, and I am the "
                               "rights holder or may act for them."),
                            validators=[DataRequired(_l("You must confirm this statement to "
                                                        "file a complaint."))])
    signature = _text(_l("Electronic signature: type your full name"), 120)
    files = _files()


class StatusLookupForm(TalatForm):
    """The tracking code and the e-mail the complaint was filed with."""

    # Long enough for a line pasted from the receipt mail with the code in it; phones are
    # asked not to correct or capitalise the code as a word (intake.normalise_code reads it).
    code = StringField(_l("Tracking code"), validators=[
        DataRequired(REQUIRED), Length(max=120, message=TOO_LONG)],
        render_kw={"autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false",
                   "autocomplete": "off"})
    email = _email(_l("E-mail address"))


class AddInformationForm(TalatForm):
    """The complainant's answer to a moderator's question, with more evidence."""

    body = TextAreaField(_l("The information we asked for"), validators=[
        DataRequired(REQUIRED), Length(max=5000, message=TEXT_TOO_LONG)])
    files = _files()
