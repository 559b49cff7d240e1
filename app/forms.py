"""Form base classes: WTForms' own messages go through our Thai/English catalogs, and a bare
button (log out, lift, watch) still carries a CSRF token through :class:`EmptyForm`."""
from flask_babel import gettext, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm

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
)


class _Translations:
    """Adapter that WTForms calls for its built-in messages."""

    def gettext(self, string):
        return gettext(string)

    def ngettext(self, singular, plural, n):
        return ngettext(singular, plural, n)


_CONTROL_CHARACTERS = dict.fromkeys(
    [c for c in range(32) if chr(c) not in "\t\n\r"] + [127])


def strip_control_characters(value):
    """Drop NUL and other control characters (PostgreSQL refuses NUL; none belong in text)."""
    return value.translate(_CONTROL_CHARACTERS) if isinstance(value, str) else value


class TalatForm(FlaskForm):
    """Base for every form of the site."""

    class Meta:
        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            """Every field of every form drops control characters before validation."""
            filters = list(unbound_field.kwargs.get("filters", ()))
            filters.append(strip_control_characters)
            return unbound_field.bind(form=form, filters=filters, **options)


class EmptyForm(TalatForm):
    """A form with nothing but the CSRF token, for bare buttons."""
