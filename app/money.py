"""Money is an integer number of satang (1 baht = 100 satang), never a float."""
import re
from decimal import Decimal, InvalidOperation

MAX_BAHT = 100_000_000
_AMOUNT = re.compile(r"^\d{1,9}(?:\.\d{1,2})?$")
_DIGITS = re.compile(r"^\d+(?:\.\d{1,2})?$")


class AmountTooLarge(ValueError):
    """An amount of baht written correctly but above :data:`MAX_BAHT`: a typo, not a price."""


def parse_baht(text):
    """Parse "1,500" or "1500.50" (baht) into satang; raise ValueError if it is not money."""
    cleaned = (text or "").strip().replace(",", "").replace("฿", "").replace(" ", "")
    if not _AMOUNT.match(cleaned):
        if _DIGITS.match(cleaned):
            raise AmountTooLarge("too large")
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
