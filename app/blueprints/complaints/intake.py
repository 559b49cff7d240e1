"""Filing a complaint (CMP-1), finding it again with its code and e-mail, and adding the
information a moderator asked for. Plain services: they take ``now``, flush, never commit.

A complaint gets a tracking code such as ``TC-7K3M-Q9XD`` (letters and digits that cannot be
mistaken for one another), a due date 7 Thai business days on (CMP-2), a ``received`` step,
an item in the review queue and a receipt e-mail, queued in the same transaction.
"""
import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.complaints import clock, repeat
from app.blueprints.complaints.errors import AlreadyFiled, ComplaintError, refuse_all
from app.blueprints.complaints.evidence import store_evidence
from app.blueprints.complaints.outcome import status_url
from app.blueprints.complaints.targets import resolve_targets
from app.blueprints.moderation import queue
from app.database import one_at_a_time
from app.digits import to_arabic
from app.extensions import db
from app.i18n import Counts
from app.mail import queue_mail
from app.models.complaints import (COMPLAINANT_ROLES, COMPLAINT_KINDS, Complaint,
                                   ComplaintEvent, ComplaintTarget)

#: No 0/O, 1/I/L or U/V pairs to confuse when a code is read aloud or copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_RE = re.compile(rf"^TC-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
LIMITS = {"name": 120, "organisation": 160, "email": 254, "phone": 30, "description": 5000,
          "original_url": 500, "signature": 120}
INFO_LIMITS = (10, 5000)
#: The same complaint sent again within this time is the one already filed (CMP-1).
RESEND_WINDOW = timedelta(minutes=30)


def new_code():
    """A fresh tracking code not used by any complaint."""
    while True:
        chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"TC-{chars[:4]}-{chars[4:]}"
        if db.session.scalar(select(Complaint.id).where(Complaint.code == code)) is None:
            return code


#: A code inside other text: "TC", then 8 letters and digits, any spaces or dashes between.
_CODE_IN_TEXT = re.compile(rf"(?<![A-Z0-9])TC(?:[\s-]*[{CODE_ALPHABET}]){{8}}(?![A-Z0-9])")


def normalise_code(text):
    """A code as typed (any case, spaces, without dashes) in its stored form, or ''.

    Typed on a Thai phone it may hold Thai digits (๒ for 2), full-width letters or a dash
    that is not a hyphen (– from a mail app or word processor), and copied from the receipt
    mail it may come with its line ("รหัสติดตามของคุณ: TC-7K3M-Q9XD"): all read as the
    code itself (CMP-1)."""
    text = to_arabic(unicodedata.normalize("NFKC", text or "")).upper()
    text = "".join("-" if unicodedata.category(char) == "Pd" or char == "\u2212" else char
                   for char in text)
    found = _CODE_IN_TEXT.search(text)
    if found:
        text = found.group(0)
    compact = re.sub(r"[\s-]", "", text)
    if len(compact) == 10 and compact.startswith("TC"):
        compact = compact[2:]
    code = f"TC-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else ""
    return code if CODE_RE.match(code) else ""


def _same_name(a, b):
    """Whether two names read the same: spacing and case aside, and in Unicode's compatible
    form (NFKC), as display names are compared. A Thai name pasted from a PDF or another app
    often spells SARA AM (ำ) as NIKHAHIT and SARA AA (ํา), which looks identical on screen;
    a signature typed with the one key was refused against a name pasted with the other,
    and nobody could see why. NFKC leaves NIKHAHIT typed before a tone mark (น ํ ้ า) apart
    from after it (น ้ ํ า), which also look the same: both are put in the second order."""
    def key(name):
        text = unicodedata.normalize("NFKC", " ".join((name or "").split())).casefold()
        return _NIKHAHIT_FIRST.sub(r"\2\1", text)
    return key(a) == key(b)


#: NIKHAHIT followed by a tone mark (MAI EK to MAI CHATTAWA): :func:`_same_name` swaps them.
_NIKHAHIT_FIRST = re.compile("(\u0e4d)([\u0e48-\u0e4b])")


def normalise_email(text):
    """An e-mail address as typed or pasted, in the one form complaints keep and look up
    (CMP-1): Unicode's compatible form (full-width letters typed on a phone), without the
    invisible characters a copy from a chat app carries (zero-width spaces), a ``mailto:``
    before it or spaces around it, and checked as a real address would be; lower-cased.
    Returns ``(address, valid)``: an address that is not one comes back cleaned, not
    valid."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = " ".join(text.split())
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):].strip()
    try:
        address = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return text.lower(), False
    return address.lower(), True


def field_problems(data):
    """The complaint's own fields, trimmed, and every problem with them (a
    :class:`ComplaintError` each, at most one per field): ``(values, problems)``."""
    values = {key: " ".join(str(data.get(key) or "").split()) for key in LIMITS}
    values["description"] = str(data.get("description") or "").strip()
    values["email"], valid_email = normalise_email(data.get("email"))
    problems = {}

    def refuse(key, message):
        problems.setdefault(key, ComplaintError(message, field=key))

    for key in ("name", "email", "description", "signature"):
        if not values[key]:
            refuse(key, _l("This field is required."))
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            refuse(key, _l("This is too long."))
    if not valid_email:
        refuse("email", _l("Invalid email address."))
    if values["original_url"] and not re.match(r"^https?://", values["original_url"], re.I):
        refuse("original_url", _l("Give a web address starting with http:// or https://."))
    if data.get("role") not in COMPLAINANT_ROLES:
        refuse("role", _l("Say whether you hold the rights or act for the holder."))
    if data.get("kind") not in COMPLAINT_KINDS:
        refuse("kind", _l("Choose what kind of problem this is."))
    for key in ("good_faith", "accurate"):
        if not data.get(key):
            refuse(key, _l("You must confirm this statement to file a complaint."))
    if not _same_name(values["signature"], values["name"]):
        refuse("signature", _l("Sign by typing your full name exactly as in the name field."))
    values.update(role=data.get("role"), kind=data.get("kind"), good_faith=True, accurate=True)
    return values, list(problems.values())


def _clean(data):
    """The complaint's own fields, trimmed and checked; raises :class:`ComplaintError` (all
    the problems at once)."""
    values, problems = field_problems(data)
    refuse_all(problems)
    return values


def _already_filed(values, targets, now):
    """The complaint filed within ``RESEND_WINDOW`` with the same e-mail, name, kind and text
    about the same pages, or None."""
    pages = {(target.target_type, target.obj.id) for target in targets}
    recent = db.session.scalars(select(Complaint).where(
        Complaint.email == values["email"], Complaint.created_at >= now - RESEND_WINDOW)
        .order_by(Complaint.id.desc())).all()
    for complaint in recent:
        if (complaint.description == values["description"] and complaint.kind == values["kind"]
                and _same_name(complaint.name, values["name"])
                and {(t.target_type, t.target_id) for t in complaint.targets} == pages):
            return complaint
    return None


def file_complaint(data, files, *, complainant=None, now, ip="", locale="th", held=()):
    """File a complaint (CMP-1) from ``data`` (Complaint column names and ``urls``, a list
    of addresses) and evidence ``files`` (``[(name, bytes)]``) with the files ``held`` from
    an earlier try of the form (:mod:`held_evidence`). Returns the complaint; raises
    :class:`AlreadyFiled` when the same complaint was filed moments ago (sent twice)."""
    values = _clean(data)
    repeat.check_may_complain(values["email"], now)
    targets = resolve_targets(data.get("urls") or [], viewer=complainant, now=now)
    # Filings from one address run one after the other: a form sent twice at once finds
    # the first.
    one_at_a_time(db.session, f"complaint:{values['email']}")
    existing = _already_filed(values, targets, now)
    if existing is not None:
        raise AlreadyFiled(existing)
    complaint = Complaint(code=new_code(), complainant_id=complainant.id if complainant else None,
                          status="received", created_at=now, due_at=clock.due_at(now),
                          ip=(ip or "")[:45], locale=locale, **values)
    db.session.add(complaint)
    db.session.flush()
    for target in targets:
        db.session.add(ComplaintTarget(complaint_id=complaint.id, target_type=target.target_type,
                                       target_id=target.obj.id, url=target.url,
                                       owner_id=target.owner_id))
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="received", at=now))
    store_evidence(complaint, files, held=held, now=now)
    queue.open_item("complaint", "complaint", complaint.id, now=now,
                    subject_user_id=targets[0].owner_id,
                    summary=f"{complaint.code} [{complaint.kind}] {complaint.description}")
    queue_mail(complaint.email, "complaint_receipt", locale=locale, complaint=complaint,
               link=status_url(complaint))
    return complaint


def find_complaint(code, email):
    """The complaint with this code, if ``email`` is the one it was filed with; None for an
    unknown code and a wrong e-mail alike, so neither can be told apart."""
    code = normalise_code(code)
    complaint = db.session.scalar(select(Complaint).where(Complaint.code == code)) \
        if code else None
    given = normalise_email(email)[0].encode()
    if complaint is None or not hmac.compare_digest(complaint.email.encode(), given):
        return None
    return complaint


def add_information(complaint, text, files, *, now, held=()):
    """The complainant answers a moderator's question with text and evidence (``files``, and
    those ``held`` from an earlier try): the complaint goes back to ``received`` and into the
    review queue (CMP-1)."""
    if complaint.status != "needs_info":
        raise ComplaintError(_l("We have not asked for more information on this complaint."))
    text = (text or "").strip()
    low, high = INFO_LIMITS
    if not low <= len(text) <= high:
        # How long it is, too: Thai vowels and tone marks count as characters, so a short
        # Thai answer is hard to measure by eye (CMP-1).
        raise ComplaintError(Counts(_l("Write %(min)d to %(max)d characters: this text has "
                                       "%(length)d."), min=low, max=high, length=len(text)),
                             field="body")
    store_evidence(complaint, files, held=held, now=now)
    asked_at = db.session.scalar(select(ComplaintEvent.at).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.step == "info_requested")
        .order_by(ComplaintEvent.id.desc()).limit(1))
    if asked_at is not None:  # CMP-2: the clock stood still while we waited for the answer
        complaint.due_at = clock.extended_for_wait(complaint.due_at, asked_at, now)
    complaint.status = "received"
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_added", note=text,
                                  at=now))
    first = complaint.targets[0] if complaint.targets else None
    queue.open_item("complaint", "complaint", complaint.id, now=now,
                    subject_user_id=first.owner_id if first else None,
                    summary=f"{complaint.code} (+) {text}")
    db.session.flush()
    return complaint
