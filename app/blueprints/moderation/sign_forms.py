"""Forms for signs and the owners' answers: shapes and lengths only; the rules live in the
services (signs.py, responses.py, strikes.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG, TOO_LONG
from app.blueprints.moderation.sign_texts import DECISION_BASIS_LABELS, SIGN_LABELS
from app.forms import TalatForm
from app.uploads import EVIDENCE_ACCEPT

BASES = [SelectChoice(k, v) for k, v in DECISION_BASIS_LABELS.items()]


class SignForm(TalatForm):
    """A moderator hangs or replaces a sign (MOD-1, MOD-2, MOD-5, MOD-6)."""

    kind = SelectField(_l("Sign"), choices=[SelectChoice(k, v) for k, v in SIGN_LABELS.items()])
    reason = TextAreaField(_l("Reason (the owner and the public read it)"), validators=[
        DataRequired(REQUIRED), Length(max=2000, message=TEXT_TOO_LONG)])
    decision_basis = SelectField(_l("The decision rests on"),
                                 choices=BASES, default="")
    expert_body = StringField(_l("Expert body (e.g. the amulet association)"), validators=[
        Optional(), Length(max=160, message=TOO_LONG)])
    expert_verdict = TextAreaField(_l("Its verdict, or the site's final decision"), validators=[
        Optional(), Length(max=2000, message=TEXT_TOO_LONG)])


class EndSignForm(TalatForm):
    """A moderator takes a sign down with nothing in its place (MOD-2)."""

    reason = TextAreaField(_l("Why the sign comes down"), validators=[
        DataRequired(REQUIRED), Length(max=2000, message=TEXT_TOO_LONG)])
    decision_basis = SelectField(_l("The decision rests on"),
                                 choices=BASES, default="")


class ExplanationForm(TalatForm):
    """The owner's explanation with evidence (MOD-4)."""

    body = TextAreaField(_l("Your explanation"), validators=[
        DataRequired(REQUIRED), Length(max=5000, message=TEXT_TOO_LONG)])
    files = MultipleFileField(_l("Evidence: photos or PDF files (at most 5)"),
                              render_kw={"accept": EVIDENCE_ACCEPT})


class LiftForm(TalatForm):
    """The owner's request to lift a FAKE sign (MOD-3)."""

    body = TextAreaField(_l("Why the sign should be lifted (posted publicly)"), validators=[
        DataRequired(REQUIRED), Length(max=3000, message=TEXT_TOO_LONG)])


class ReinstatementForm(TalatForm):
    """A member asks for suspended auction rights back (AUC-4)."""

    body = TextAreaField(_l("Why your auction rights should be restored"), validators=[
        DataRequired(REQUIRED), Length(max=300, message=TEXT_TOO_LONG)])
