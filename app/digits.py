"""Thai digits (๐-๙) beside the digits 0-9: members type either, and mean the same number."""

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)


def to_arabic(text):
    """``text`` with every Thai digit written 0-9 ("๒๕๖๙" -> "2569"); nothing else changes."""
    return text.translate(_TO_ARABIC)


def to_thai(text):
    """``text`` with every digit 0-9 written as a Thai digit ("2569" -> "๒๕๖๙")."""
    return text.translate(_TO_THAI)
