"""Language and presentation: Thai first, English second; Bangkok time; baht.

The locale comes from the ``lang`` cookie, then the member's saved choice, then Thai.
Dates in Thai carry the Buddhist-era year (Gregorian + 543).
"""
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from flask import current_app, g, request
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from app import payment_numbers, standard_texts

BANGKOK = ZoneInfo("Asia/Bangkok")
LANG_COOKIE = "lang"
BUDDHIST_ERA_OFFSET = 543


def christian_era_year(year):
    """A year as a person typed it: one past 2400 is a Buddhist-era year (2569 -> 2026)."""
    return year - BUDDHIST_ERA_OFFSET if year > 2400 else year


def _lazy_message_as_html(message):
    """A lazily translated message as HTML. Jinja trusts it (flask_babel gives LazyString an
    ``__html__`` that returns the formatted text as it is): the message's own words are ours,
    but a value put into it (``_l("%(shop)s is now on the … plan.", shop=shop.name)``) may be
    what a member typed, so each text value is escaped before it is put in."""
    if not message._kwargs:
        return str(message)
    values = {name: escape(value) if isinstance(value, str | LazyString) else value
              for name, value in message._kwargs.items()}
    return str(message._func(*message._args, **values))


LazyString.__html__ = _lazy_message_as_html


def select_locale():
    """Flask-Babel locale selector."""
    languages = current_app.config["LANGUAGES"]
    try:
        cookie = request.cookies.get(LANG_COOKIE)
    except RuntimeError:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if cookie in languages:
        return cookie
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language():
    """The two-letter code of the language the page is rendered in."""
    return str(get_locale() or "th")[:2]


def to_bangkok(value):
    """Convert an aware UTC datetime to Bangkok time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BANGKOK)


def format_date(value, lang=None):
    """A calendar date: "22 พฤศจิกายน 2569" in Thai, "22 November 2026" in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_bangkok(value).date()
    lang = lang or current_language()
    month = get_month_names("wide", locale=lang)[value.month]
    year = value.year + BUDDHIST_ERA_OFFSET if lang == "th" else value.year
    return f"{value.day} {month} {year}"


@lru_cache(maxsize=8)
def _month_names(lang):
    """Babel's abbreviated month names, looked up once per language (a queue page shows
    hundreds of dates)."""
    return dict(get_month_names("abbreviated", locale=lang))


def format_datetime(value, lang=None, seconds=False):
    """A moment shown in Bangkok time: "22 พ.ย. 2569 11:30 น." / "22 Nov 2026, 11:30" (with
    ``seconds``, 11:30:05). The Thai "น." is held to its time by a no-break space: in a narrow
    column it wrapped onto a line of its own."""
    if value is None:
        return ""
    local = to_bangkok(value)
    lang = lang or current_language()
    month = _month_names(lang)[local.month]
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    if lang == "th":
        return f"{local.day} {month} {local.year + BUDDHIST_ERA_OFFSET} {clock}\u00a0น."
    return f"{local.day} {month} {local.year}, {clock}"


def format_baht(satang):
    """Money is an integer number of satang; show it as ฿1,234 or ฿1,234.50."""
    if satang is None:
        return ""
    if not isinstance(satang, int):
        raise TypeError("money must be an integer number of satang")
    sign = "-" if satang < 0 else ""
    baht, rest = divmod(abs(satang), 100)
    text = f"{sign}฿{baht:,}"
    return f"{text}.{rest:02d}" if rest else text


def format_count(number):
    """A count as the site writes it, in Thai and English alike: digits grouped by thousands
    ("1,000 characters", "12,500"), as its own texts say "up to 2,000 characters"."""
    return f"{number:,}"


_WHOLE_NUMBER = re.compile(r"%\((\w+)\)d")


def _fill_counts(message, **values):
    """``message`` in the reader's language with ``values`` put in, whole numbers grouped
    (:func:`format_count`): each ``%(name)d`` of the catalog's text takes its grouped digits."""
    if not values:
        return str(message)
    text = _WHOLE_NUMBER.sub(r"%(\1)s", str(message))
    return text % {name: format_count(value) if type(value) is int else value
                   for name, value in values.items()}


class Counts(LazyString):
    """A message about lengths or limits ("Write at most %(max)d characters: this text has
    %(length)d.") whose numbers are counts, shown grouped (:func:`format_count`): "1,000", not
    the "1000" that ``%d`` writes (found in review). Lazy, as ``_l`` is: ``Counts(_l(...),
    max=5000)`` is filled in when shown, in the reader's language; ``Counts(_l(...))`` is
    filled in by ``%``, as WTForms' ``Length`` does with its message. The catalogs keep their
    ``%(name)d``; only messages of counts are wrapped (an order number stays "#1234")."""

    def __init__(self, message, **values):
        super().__init__(_fill_counts, message, **values)

    def __mod__(self, values):
        return _fill_counts(self._args[0], **{**self._kwargs, **values})


def bangkok_today(now=None):
    """Today's date in Bangkok."""
    return to_bangkok(now or datetime.now(timezone.utc)).date()


def age_on(birth_date: date, today: date) -> int:
    """Whole years between a birth date and ``today``."""
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


_translations_by_key = {}


def current_translations():
    """Flask-Babel's ``get_translations()`` for the request's locale, found with one lookup
    once the locale is known (templates ask for every string they show, and the full path
    through Flask-Babel's domain and context made that a visible part of a page's time).
    Follows ``force_locale``, which changes the same context attribute."""
    context = g.get("_flask_babel") if g else None
    domain = getattr(context, "babel_domain", None)
    locale = getattr(context, "babel_locale", None)
    if domain is None or locale is None:
        return get_translations()  # the first string of a request: Flask-Babel sets both
    # The request's answer, kept while its domain and locale are the same objects (identity
    # is cheap; hashing and comparing a babel Locale on every string was not).
    seen = getattr(context, "talat_translations", None)
    if seen is not None and seen[0] is domain and seen[1] is locale:
        return seen[2]
    translations = _translations_by_key.get((domain, locale))
    if translations is None:
        translations = _translations_by_key[(domain, locale)] = get_translations()
    context.talat_translations = (domain, locale, translations)
    return translations


def install_template_gettext(app):
    """Templates translate through :func:`current_translations` (same strings, same
    catalogs as Flask-Babel's own callables)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True)


def register_filters(app):
    """Expose the formatters to templates."""
    install_template_gettext(app)
    app.jinja_env.filters["bkk_date"] = format_date
    app.jinja_env.filters["bkk_datetime"] = format_datetime
    app.jinja_env.filters["baht"] = format_baht
    app.jinja_env.filters["number"] = format_count  # a count: "1,000"
    app.jinja_env.filters["account_number"] = payment_numbers.account_number
    app.jinja_env.filters["promptpay_number"] = payment_numbers.promptpay_number
    # A ready-made reason (a sign's, a decision's) in the reader's language (app/standard_texts)
    app.jinja_env.filters["standard"] = standard_texts.shown
    app.jinja_env.globals["current_language"] = current_language
