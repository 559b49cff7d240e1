"""Form base classes: WTForms' own messages go through our Thai/English catalogs, and a bare
button (log out, lift, watch) still carries a CSRF token through :class:`EmptyForm`."""
import unicodedata

import wtforms.widgets
from flask_babel import lazy_gettext as _l, lazy_ngettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import PasswordField, StringField
from wtforms.validators import StopValidation
from wtforms.widgets import core as _widgets

from app.i18n import Counts, current_translations
from app.urls import parse_id

# WTForms and Flask-WTF have no Thai catalog; these markers put their messages in ours.
BUILTIN_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
    _l("Not a valid choice."),
    _l("Invalid email address."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF session token is missing."),
    _l("The CSRF tokens do not match."),
    _l("Invalid Choice: could not coerce."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    # (markers only, never shown as they are: WTForms fills in the numbers itself)
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.",
                  "Field must be exactly %(max)d characters long.", 1),
)


def _counted(text):
    """A built-in message's whole numbers are lengths ("Field cannot be longer than %(max)d
    characters."): filled in grouped, as the site writes counts ("1,000": app.i18n.Counts)."""
    return Counts(text) if "%(" in text and ")d" in text else text


class _Translations:
    """Adapter that WTForms calls for its built-in messages and default labels: the
    catalog's text, which WTForms then fills in with its own numbers (Flask-Babel's
    ``ngettext`` filled in only ``num`` and failed on a message naming ``max``)."""

    def gettext(self, string):
        return _counted(current_translations().ugettext(string))

    def ngettext(self, singular, plural, n):
        return _counted(current_translations().ungettext(singular, plural, n))


def html_params(**kwargs):
    """WTForms' ``html_params`` with the same output (attributes sorted by name, ``data_`` and
    ``aria_`` keys hyphenated, True bare, False left out, values escaped with quotes as
    ``&quot;``), built with plain string operations: WTForms' ``Markup.format`` parses its
    format string again for every attribute, which made each label and input on a page cost
    tens of microseconds (a search page renders nine)."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(_widgets.clean_key(key))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def use_fast_html_params():
    """Install :func:`html_params` wherever WTForms' widgets and labels look it up."""
    _widgets.html_params = html_params
    wtforms.widgets.html_params = html_params
    for widget in (_widgets.Input, _widgets.Button):
        widget.html_params = staticmethod(html_params)


_CONTROL_CHARACTERS = dict.fromkeys(
    [c for c in range(32) if chr(c) not in "\t\n\r"] + [127])


#: Marks (Thai vowels above and below, tone marks, accents) one letter may carry in free
#: text; the display name refuses more outright (accounts.services.MAX_MARKS).
MAX_STACKED_MARKS = 3


#: Fields that refuse stacked marks with a message of their own instead of dropping them:
#: a display name is checked as a whole (accounts.services.clean_display_name).
OWN_MARK_RULE = frozenset({"display_name"})


def limit_stacked_marks(value):
    """Drop the marks past :data:`MAX_STACKED_MARKS` on one letter: stacked marks ("zalgo"
    text) draw over the lines above and below them, over a moderator's queue or a
    conversation. Thai never needs more than three (a vowel above or below, a tone mark and
    NIKHAHIT)."""
    if not isinstance(value, str) or value.isascii():
        return value
    kept, run = [], 0
    for char in value:
        run = run + 1 if unicodedata.category(char)[0] == "M" else 0
        if run <= MAX_STACKED_MARKS:
            kept.append(char)
    return "".join(kept)


def strip_control_characters(value):
    """Drop NUL and other control characters (PostgreSQL refuses NUL; none belong in text)."""
    return value.translate(_CONTROL_CHARACTERS) if isinstance(value, str) else value


#: An amount in baht: phones show the number keys (with the decimal point).
BAHT_INPUT = {"inputmode": "decimal"}


class TalatForm(FlaskForm):
    """Base for every form of the site."""

    class Meta:
        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            """Every field of every form drops control characters before validation, and typed
            text (a title, a message: text fields and areas) the marks stacked past
            :data:`MAX_STACKED_MARKS`."""
            filters = list(unbound_field.kwargs.get("filters", ()))
            filters.append(strip_control_characters)
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(
                    field_class, PasswordField) and options.get("name") not in OWN_MARK_RULE:
                filters.append(limit_stacked_marks)  # typed text (a password stays as typed)
            return unbound_field.bind(form=form, filters=filters, **options)

        def render_field(self, field, render_kw):
            """The CSRF token is drawn without an id: a page holds many forms (log out, the
            language switch, bare buttons), and an id must be unique on the page. A text
            area is drawn without ``maxlength``: a browser cuts a longer pasted text at the
            limit without a word (on a phone nobody sees the end go), so the whole text is
            sent, and a text over the limit comes back whole with the message saying so."""
            if field.type == "CSRFTokenField":
                render_kw = {**render_kw, "id": False}
            elif field.type == "TextAreaField" and "maxlength" not in render_kw:
                render_kw = {**render_kw, "maxlength": False}
            return super().render_field(field, render_kw)


class EmptyForm(TalatForm):
    """A form with nothing but the CSRF token, for bare buttons."""


def uploaded_files(field):
    """The files chosen in a (multiple) file field, as ``[(name, bytes)]``; empty choices
    left out."""
    uploads = field.data if isinstance(field.data, list) else [field.data]
    return [(upload.filename, upload.read()) for upload in uploads
            if upload and getattr(upload, "filename", "")]


def chosen_id(value):
    """A select's value as an id, or None when nothing (or something forged) was chosen: the
    service then says what to choose, in the reader's language, instead of WTForms' English
    "Invalid Choice: could not coerce"."""
    return value if isinstance(value, int) else parse_id(str(value or "").strip())


class WholeNumber:
    """First among a number field's validators: something typed that is not a whole number
    ("1.5") is told ``message`` alone; WTForms would add its own "Not a valid integer value"
    beside the range's message (found in review: two messages at once)."""

    field_flags = {}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        typed = field.raw_data[0] if field.raw_data else ""
        if field.process_errors and isinstance(typed, str) and typed.strip():
            field.errors[:] = []
            raise StopValidation(self.message)
