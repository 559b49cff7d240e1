"""Account forms. They check shape (required, lengths, types); the rules live in services."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.blueprints.accounts.passwords import MAX_PASSWORD_LENGTH
from app.forms import TalatForm
from app.i18n import Counts
from app.typed_dates import TypedDateField

REQUIRED = _l("This field is required.")
TOO_LONG = _l("This is too long.")
#: For a text area (drawn without ``maxlength``, see ``app.forms``): the limit and how far over,
#: as counts are written ("1,000": :class:`app.i18n.Counts`).
TEXT_TOO_LONG = Counts(_l("Write at most %(max)d characters: this text has %(length)d."))


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


#: Said of a birth date that could not be read (the Thai example's year is the Buddhist era's).
UNREADABLE_BIRTH_DATE = _l("Write your date of birth as day/month/year, for example 17/5/1990.")


class BirthDateField(TypedDateField):
    """A birth date as a person types it (:func:`app.typed_dates.read_typed_date`): day/month/
    year as Thai people write it or the date input's year-month-day, in Thai digits or 0-9,
    and a Buddhist-era year read as its Christian-era year before the day is checked, so 29
    February 2535 BE (1992, a leap year) is a date although 2535 is no leap year in the other
    era. Without a date picker (a plain text box) "17/5/2533" used to be refused."""

    unreadable = UNREADABLE_BIRTH_DATE


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
