"""Forms for reports (MOD-11), sanctions (MOD-8), appeals (MOD-9) and renaming (ACC-2):
shape and length only; the rules live in the services."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import TalatForm


class ReportForm(TalatForm):
    """Report something: a reason from the list and an optional detail."""

    reason = SelectField(_l("Reason"), validators=[
        DataRequired(_l("Please choose the reason for your report."))])
    detail = TextAreaField(_l("Anything the moderators should know (optional)"),
                           validators=[Optional(), Length(max=1000)],
                           render_kw={"rows": 4, "maxlength": 1000})


class SanctionForm(TalatForm):
    """A moderator imposes a sanction: kind, rule, facts, duration, fine or limits."""

    kind = SelectField(_l("Sanction"), validators=[DataRequired()])
    rule = StringField(_l("Rule broken (e.g. MKT-6)"),
                       validators=[DataRequired(), Length(max=16)])
    facts = TextAreaField(_l("Facts"), validators=[DataRequired(), Length(max=2000)],
                          render_kw={"rows": 4, "maxlength": 2000})
    days = IntegerField(_l("Duration in days (suspension, held payouts, limits)"),
                        validators=[Optional(), NumberRange(min=1, max=3650)])
    fine = IntegerField(_l("Fine in baht"), validators=[Optional(), NumberRange(min=1)])
    limits = StringField(_l("Limits"), validators=[Optional(), Length(max=300)])


class LiftForm(TalatForm):
    """A moderator lifts a sanction, with the reason."""

    reason = StringField(_l("Reason for lifting"), validators=[DataRequired(),
                                                                Length(max=2000)])


class AppealForm(TalatForm):
    """A member appeals a sanction."""

    body = TextAreaField(_l("Why should this sanction be lifted?"),
                         validators=[DataRequired(), Length(max=5000)],
                         render_kw={"rows": 5, "maxlength": 5000})


class RenameForm(TalatForm):
    """A moderator renames an inappropriate display name (ACC-2)."""

    display_name = StringField(_l("New display name"),
                               validators=[DataRequired(), Length(max=40)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
