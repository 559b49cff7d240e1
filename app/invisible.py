"""Characters that show nothing: zero-width spaces and joiners, the word joiner, the soft hyphen,
the byte-order mark (Unicode's "format" characters), and full-width Latin letters that read
as plain ones. A seller can put them inside a word without changing how it looks, so checks
on what a text says read it without them (:func:`as_read`)."""
import unicodedata

#: Full-width ASCII (U+FF01-U+FF5E, "ｅ-ｃｉｇａｒｅｔｔｅ") as the ASCII it shows.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def as_read(text):
    """``text`` as a reader sees it: format characters dropped, full-width Latin made plain.
    For checks only; what a member wrote is stored as written."""
    return "".join(ch for ch in (text or "") if unicodedata.category(ch) != "Cf"
                   ).translate(_FULL_WIDTH)
