"""Money is an integer number of satang (1 baht = 100 satang), never a float."""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

MAX_BAHT = 100_000_000
_AMOUNT = re.compile(r"^\d{1,9}(?:\.\d{1,2})?$")
_DIGITS = re.compile(r"^\d+(?:\.\d{1,2})?$")
# Baht as people write it: plain digits, or commas (or spaces) between groups of three
# ("12,345.50", "12 345.50").
_WRITTEN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d+)?$")
#: Spaces a phone's keyboard or a pasted price may put between digit groups.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


class AmountTooLarge(ValueError):
    """An amount of baht written correctly but above :data:`MAX_BAHT`: a typo, not a price."""


class TooManyDecimals(ValueError):
    """An amount written with more than two decimals ("1,200.555"): satang are the smallest
    unit, and rounding it silently would change the price the member meant."""


#: What a form says under an amount with more than two decimals.
TOO_MANY_DECIMALS = _l("An amount in baht has at most two decimals (satang), for example "
                       "1,500.50.")
_DECIMALS = re.compile(r"^\d+\.\d{3,}$")


def baht_digits(text):
    """ "฿12,345.50" (or "12 345.50") as "12345.50"; ValueError if the commas or spaces
    are not thousands separators.

    "1,50" or "1,5,0" is refused rather than read as 150: a price that silently grows a
    hundredfold is worse than asking again.
    """
    cleaned = (text or "").translate(_SPACES).strip().removeprefix("฿").removesuffix("฿")
    cleaned = cleaned.strip()
    if not _WRITTEN.match(cleaned):
        raise ValueError("not an amount of baht")
    return cleaned.replace(",", "").replace(" ", "")


def parse_baht(text):
    """Parse "1,500" or "1500.50" (baht) into satang; raise ValueError if it is not money."""
    cleaned = baht_digits(text)
    if not _AMOUNT.match(cleaned):
        if _DIGITS.match(cleaned):
            raise AmountTooLarge("too large")
        if _DECIMALS.match(cleaned):
            raise TooManyDecimals("more than two decimals")
        raise ValueError("not an amount of baht")
    try:
        satang = int(Decimal(cleaned) * 100)
    except InvalidOperation:
        raise ValueError("not an amount of baht") from None
    if satang > MAX_BAHT * 100:
        raise AmountTooLarge("too large")
    return satang


def satang_to_input(satang):
    """Satang as the text a price field shows: "1500" or "1500.50"."""
    baht, rest = divmod(int(satang), 100)
    return f"{baht}.{rest:02d}" if rest else str(baht)
