"""Bank account and PromptPay numbers as a buyer reads them off a phone to type into a banking
app: stored as bare digits, shown in the groups Thai banks print them in (SHOP-10, AUC-7)."""

#: The common 10-digit account number is printed in groups of 3, 1, 5 and 1 digits
#: (123-4-56789-0); 12-digit ones (savings banks) in fours (0200-1234-5678). Other lengths are
#: grouped in fours from the left.
ACCOUNT_GROUPS = {10: (3, 1, 5, 1), 12: (4, 4, 4)}
#: A phone number as 081-234-5678, an ID number as 1-2345-67890-12-3.
PROMPTPAY_GROUPS = {10: (3, 3, 4), 13: (1, 4, 5, 2, 1)}


def _grouped(digits, groups):
    digits = digits or ""
    if not (digits.isascii() and digits.isdecimal()):  # (stored before numbers were cleaned)
        return digits
    if not groups:
        groups = (4,) * ((len(digits) + 3) // 4)
    parts, start = [], 0
    for size in groups:
        if start >= len(digits):
            break
        parts.append(digits[start:start + size])
        start += size
    return "-".join(parts)


def account_number(digits):
    """``"1234567890"`` as ``"123-4-56789-0"``."""
    return _grouped(digits, ACCOUNT_GROUPS.get(len(digits or "")))


def promptpay_number(digits):
    """``"0812345678"`` as ``"081-234-5678"``; an ID number as ``"1-2345-67890-12-3"``."""
    return _grouped(digits, PROMPTPAY_GROUPS.get(len(digits or "")))
