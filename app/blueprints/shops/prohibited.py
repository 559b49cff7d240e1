"""The prohibited-goods check (SHOP-4).

Thai terms match anywhere in the text (Thai has no spaces between words), except inside the
common words of :data:`HARMLESS_WORDS` that merely contain them ("สุรา", liquor, inside the
province "สุราษฎร์ธานี"); Latin terms match whole words, case-insensitively, so "gun" does not
catch "Gundam". A ``refuse`` match refuses the listing; a ``hold`` match, where the words are
ambiguous, holds it for a moderator. A term that refuses but is only ever written negated
("ไม่ละเมิดลิขสิทธิ์", not infringing; "not pirated") is held for a moderator instead: sellers
say what their goods are not, and the words alone cannot tell an honest seller from a sly one.
"""
import re
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.invisible import as_read
from app.models import ProhibitedTerm

_LATIN = re.compile(r"[A-Za-z]")

#: Common Thai words that contain a prohibited term but mean something else: place names,
#: names, amulet and collectors' vocabulary. Before a term is looked for, the words on this
#: list that contain it are blanked out, so the term still matches on its own next to them
#: ("สุราขาว จ.สุราษฎร์ธานี" is held; "จ.สุราษฎร์ธานี" alone is not). Only whole, long forms:
#: Thai runs words together, so a short stem ("ยาบ้าน") would also swallow the term followed
#: by the next word ("ยาบ้า" + "นำเข้า"). A ``refuse`` term found only inside such a word is
#: still held for a moderator (:func:`check_text`), never let through.
HARMLESS_WORDS = (
    "สุราษฎร์", "สุราษฏร์",  # สุราษฎร์ธานี (both spellings): not สุรา (liquor)
    "สุรางค์",               # the names สุรางค์, สุรางค์นา
    "ท้าวอสุรา", "ราหูอสุรา",  # demons of amulet lore (not ซื้อ + สุรา)
    "กลิ่น",                 # smell, scent: not ลิ่น (pangolin), but see NOT_AFTER
    "พอตเตอร์", "พอตเตอรี่",   # Potter, pottery: not พอต (a vape pod)
    "ตู้ยาบ้าน",              # a medicine cabinet: not ยาบ้า (methamphetamine)
    "พลุกพล่าน", "พลุ่งพล่าน",  # bustling, surging: not พลุ (fireworks)
    "ว่านงาช้าง",             # a house plant (Sansevieria), sold with amulet herbs: not ivory
)


#: What must not come just before a harmless word for it to be blanked: there the letters
#: belong to another word and the term is meant ("ลูก" + "ลิ่น", a baby pangolin, reads as
#: ลู + "กลิ่น").
NOT_AFTER = {"กลิ่น": ("ลู",)}


#: Words that negate the term right after them (spaces between allowed). Longer forms first.
NEGATIONS_TH = ("ไม่ใช่", "ไม่ได้", "ไม่มี", "ไม่", "มิใช่", "มิได้", "ปลอด")
NEGATIONS_LATIN = ("not", "no", "non", "never", "without")
_NEGATED_TH = re.compile("(?:" + "|".join(NEGATIONS_TH) + r")\s*$")
_NEGATED_LATIN = re.compile(r"(?<![a-z0-9])(?:" + "|".join(NEGATIONS_LATIN) + r")[\s-]*$")


def _all_negated(positions, text, negated):
    """Whether the term is negated at every one of its places in ``text``."""
    return all(negated.search(text[max(0, start - 20):start]) for start in positions)


def _blank(text, harmless):
    before = NOT_AFTER.get(harmless, ())
    pattern = "".join(f"(?<!{re.escape(b)})" for b in before) + re.escape(harmless)
    return re.sub(pattern, " ", text)


def _harmless_containing(word):
    return [harmless for harmless in HARMLESS_WORDS if word in harmless and word != harmless]


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a listing: ``action`` is None, "hold" or "refuse"."""

    action: str | None
    terms: tuple

    def groups(self, lang):
        """The prohibited groups matched, in the given language, without repeats."""
        names = [t.group_th if lang == "th" else t.group_en for t in self.terms]
        return list(dict.fromkeys(names))


def _matches(term, text, lowered):
    """"yes", "negated" (written only after a negation), "inside" (only inside a harmless
    word) or None."""
    word = term.term.strip().lower()
    if not word:
        return None
    if _LATIN.search(word):
        pattern = r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])"
        positions = [m.start() for m in re.finditer(pattern, lowered)]
        if not positions:
            return None
        return "negated" if _all_negated(positions, lowered, _NEGATED_LATIN) else "yes"
    if word not in text:
        return None
    for harmless in _harmless_containing(word):
        text = _blank(text, harmless)
    positions = [m.start() for m in re.finditer(re.escape(word), text)]
    if not positions:
        return "inside"
    return "negated" if _all_negated(positions, text, _NEGATED_TH) else "yes"


def check_text(*texts):
    """Check the given texts against the prohibited list. A term found only inside a harmless
    word counts for nothing, unless it is one that refuses: then a moderator looks (hold). A
    term written only negated holds, whatever its action."""
    # (read as shown: a zero-width space inside "บุหรี่ไฟฟ้า" or a full-width "ｖａｐｅ"
    # looks the same to a buyer and must not slip past, SHOP-4)
    text = as_read(" ".join(t for t in texts if t))
    lowered = text.lower()
    found, doubtful = [], []
    for term in db.session.scalars(select(ProhibitedTerm)).all():
        match = _matches(term, text, lowered)
        if match == "yes":
            found.append(term)
        elif match == "negated" or (match == "inside" and term.action == "refuse"):
            doubtful.append(term)
    if any(t.action == "refuse" for t in found):
        return Verdict("refuse", tuple(t for t in found if t.action == "refuse"))
    if found or doubtful:
        return Verdict("hold", tuple(found + doubtful))
    return Verdict(None, ())


def add_term(term, action, group_th, group_en, *, by, now, ip=""):
    """Admin: add a word to the prohibited list (audited, MOD-10)."""
    from app.blueprints.moderation import audit

    from flask_babel import lazy_gettext as _l

    from app.blueprints.shops.errors import ShopError

    term = " ".join(term.split()).lower()
    if not 2 <= len(term) <= 80:
        raise ShopError(_l("A prohibited word has 2 to 80 characters."), field="term")
    if action not in ("refuse", "hold"):
        raise ShopError(_l("Choose whether to refuse or hold."), field="action")
    if db.session.scalar(select(ProhibitedTerm.id).where(ProhibitedTerm.term == term)):
        raise ShopError(_l("This word is on the list already."), field="term")
    entry = ProhibitedTerm(term=term, action=action, group_th=group_th.strip()[:100],
                           group_en=group_en.strip()[:100])
    db.session.add(entry)
    db.session.flush()
    audit.record(by, "prohibited.add", "prohibited_term", entry.id, after=_facts(entry),
                 now=now, ip=ip)
    return entry


def _facts(entry):
    return {"term": entry.term, "action": entry.action, "group_th": entry.group_th,
            "group_en": entry.group_en}


def remove_term(term_id, *, by, now, ip=""):
    """Admin: take a word off the prohibited list (audited, MOD-10). Returns the word, or
    None if it was not (or no longer) on the list."""
    from app.blueprints.moderation import audit

    entry = db.session.get(ProhibitedTerm, term_id)
    if entry is None:
        return None
    audit.record(by, "prohibited.remove", "prohibited_term", entry.id,
                 before=_facts(entry), now=now, ip=ip)
    db.session.delete(entry)
    db.session.flush()
    return entry.term


def all_terms():
    """The whole list, grouped by its English group name."""
    return db.session.scalars(select(ProhibitedTerm).order_by(ProhibitedTerm.group_en,
                                                              ProhibitedTerm.term)).all()
