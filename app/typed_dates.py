"""A date as a person types it, for the date fields of the complaint-side forms (CMP-1,
CMP-6). The field is drawn as ``<input type="date">``, but a browser without a date picker
shows a plain text box, where a Thai member writes the date the Thai way: day/month/year, a
Buddhist-era year, often in Thai digits ("๑๒/๓/๒๕๖๙"). WTForms' DateField read only
"2026-03-12" and answered anything else with "This field is required.", as if nothing had
been typed. :func:`read_typed_date` reads the ways people write a date;
:class:`TypedDateField` sends what it cannot read back as typed, with a message saying how to
write it."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import StopValidation

from app.digits import to_arabic
from app.i18n import christian_era_year

#: Said of a date that could not be read (the example year in Thai is the Buddhist era's).
UNREADABLE_DATE = _l("Write the date as day/month/year, for example 12/3/2026.")

_SEPARATOR = r"\s*[-/.]\s*"
#: Year first, as a date input sends it ("2026-03-12"); also with slashes or dots.
_YEAR_FIRST = re.compile(rf"(\d{{4}}){_SEPARATOR}(\d{{1,2}}){_SEPARATOR}(\d{{1,2}})", re.ASCII)
#: Day first, as Thai people write it ("12/3/2569", "12-03-2026", "12.3.2569").
_DAY_FIRST = re.compile(rf"(\d{{1,2}}){_SEPARATOR}(\d{{1,2}}){_SEPARATOR}(\d{{4}})", re.ASCII)


def read_typed_date(text):
    """The date ``text`` names: year-month-day or day/month/year, in Thai digits or 0-9, the
    year of either era (past 2400 it is a Buddhist-era year: 2569 is 2026, and 29/2/2567 is
    a date because 2024 is a leap year). Raises ``ValueError`` for anything else: a two-digit
    year, month first, a day the month does not have."""
    text = to_arabic(text or "").strip()
    match = _YEAR_FIRST.fullmatch(text)
    if match is not None:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DAY_FIRST.fullmatch(text)
        if match is None:
            raise ValueError(text)
        day, month, year = (int(part) for part in match.groups())
    return date(christian_era_year(year), month, day)


class TypedDateField(DateField):
    """A date input that takes what :func:`read_typed_date` reads. A date it read goes back
    to the form as "2026-03-12" (what a date input shows; a form refused for another field
    would otherwise come back with the date blank where the browser has a picker); what it
    could not read goes back exactly as typed, with :attr:`unreadable` on the field (not
    "This field is required.": something was typed)."""

    #: What a date that could not be read is told (a field for one kind of date says how to
    #: write that one).
    unreadable = UNREADABLE_DATE

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist)
        self.data = None
        if not text.strip():
            return  # (left empty: DataRequired says so)
        try:
            self.data = read_typed_date(text)
        except ValueError:
            raise ValueError(str(self.unreadable)) from None

    def _value(self):
        if self.data is not None and not self.process_errors:
            return self.data.isoformat()
        return " ".join(self.raw_data) if self.raw_data else ""

    def pre_validate(self, form):
        """A date that could not be read keeps its own message alone (DataRequired would put
        "This field is required." in its place)."""
        if self.process_errors:
            raise StopValidation()
