"""Account forms. They check shape (required, lengths, types); the rules live in services."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, StopValidation

from app.blueprints.accounts.passwords import MAX_PASSWORD_LENGTH
from app.digits import to_arabic
from app.forms import TalatForm
from app.i18n import christian_era_year

REQUIRED = _l("This field is required.")
TOO_LONG = _l("This is too long.")
#: For a text area (drawn without ``maxlength``, see ``app.forms``): the limit and how far over.
TEXT_TOO_LONG = _l("Write at most %(max)d characters: this text has %(length)d.")


def _email_field(label):
    return EmailField(label, validators=[DataRequired(REQUIRED), Length(max=254, message=TOO_LONG)])


def _new_password_fields(label=None, repeat_label=None):
    """A new password and its repetition, both held to the same length (a long passphrase
    pasted into both is cut nowhere, so it never reads as "do not match")."""
    password = PasswordField(label or _l("Password"), validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG)])
    confirm = PasswordField(repeat_label or _l("Repeat password"), validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG),
        EqualTo("password", message=_l("The passwords do not match."))])
    return password, confirm


#: A date field's value ("1990-05-17"), also typed with slashes or dots.
_DATE_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", re.ASCII)


class BirthDateField(DateField):
    """A birth date as a person types it: Thai digits, and a Buddhist-era year read as its
    Christian-era year (i18n.christian_era_year) before the day is checked, so 29 February
    2535 BE (1992, a leap year) is a date although 2535 is no leap year in the other era."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = to_arabic(" ".join(valuelist).strip())
        match = _DATE_RE.fullmatch(text)
        if not text:
            self.data = None
            return
        try:
            if match is None:
                raise ValueError(text)
            year, month, day = (int(part) for part in match.groups())
            self.data = date(christian_era_year(year), month, day)
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid date value.")) from None

    def _value(self):
        """A date that was read goes back to the form as the field's own format
        ("1990-05-17"): a date input shows nothing for "๒๕๓๓-๐๕-๑๗" or "2533/5/17", so a
        form returned for another mistake would lose the birth date typed. What could not
        be read goes back as typed."""
        if self.data is not None and not self.process_errors:
            return self.data.isoformat()
        return super()._value()

    def pre_validate(self, form):
        """A date that could not be read says so, not "required" (DataRequired would put its
        own message in place of the reading's)."""
        if self.process_errors:
            raise StopValidation()


class RegisterForm(TalatForm):
    """Sign-up (ACC-1, ACC-3)."""

    email = _email_field(_l("E-mail address"))
    display_name = StringField(_l("Display name"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG)])
    birth_date = BirthDateField(_l("Date of birth"), validators=[DataRequired(REQUIRED)])
    password, password_confirm = _new_password_fields()
    guardian_name = StringField(_l("Parent or guardian's full name"),
                                validators=[Optional(), Length(max=100, message=TOO_LONG)])
    guardian_email = EmailField(_l("Parent or guardian's e-mail address"),
                                validators=[Optional(), Length(max=254, message=TOO_LONG)])
    guardian_consent = BooleanField(_l("My parent or guardian agrees to my registration"))


class LoginForm(TalatForm):
    """Log-in."""

    email = _email_field(_l("E-mail address"))
    password = PasswordField(_l("Password"), validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG)])
    remember = BooleanField(_l("Remember me on this device"))


class ResetRequestForm(TalatForm):
    """Ask for a password reset link."""

    email = _email_field(_l("E-mail address"))


class ResetPasswordForm(TalatForm):
    """Choose a new password with a reset link."""

    password, password_confirm = _new_password_fields(_l("New password"),
                                                      _l("Repeat new password"))


class ProfileForm(TalatForm):
    """A member's own details."""

    display_name = StringField(_l("Display name"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG)])
    locale = SelectField(_l("Language"), choices=[SelectChoice("th", "ไทย"),
                                                  SelectChoice("en", "English")])


class ChangePasswordForm(TalatForm):
    """Change the password while logged in."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG)])
    password, password_confirm = _new_password_fields(_l("New password"),
                                                      _l("Repeat new password"))


class GuardianForm(TalatForm):
    """A member under 18 whose guardian has not agreed yet corrects the guardian's name or
    e-mail address (a typo would otherwise leave the consent mail going nowhere, ACC-3)."""

    guardian_name = StringField(_l("Parent or guardian's full name"), validators=[
        DataRequired(REQUIRED), Length(max=100, message=TOO_LONG)])
    guardian_email = EmailField(_l("Parent or guardian's e-mail address"), validators=[
        DataRequired(REQUIRED), Length(max=254, message=TOO_LONG)])


class ConfirmSignUpForm(TalatForm):
    """Open the account from the link mailed at sign-up (ACC-1) with the password chosen at
    sign-up; the display name can be changed if someone took it meanwhile."""

    password = PasswordField(_l("Password"), validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG)])
    display_name = StringField(_l("Display name"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG)])


class ResendSignUpForm(TalatForm):
    """"Send the link again" (ACC-1): offered by a log-in with the password of a sign-up
    whose link was not opened yet; ``proof`` says so (``unconfirmed``)."""

    proof = HiddenField(validators=[DataRequired(REQUIRED), Length(max=500, message=TOO_LONG)])
