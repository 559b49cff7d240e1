"""Evidence files sent with a complaint form that was refused for some other reason, held
for the next try (CMP-1): browsers do not keep a file input's choice after an error, and
choosing five photos again on a phone is how complaints get abandoned. The files are checked
and stored privately as evidence is; the form offers each back by a secret token (a ticked
box), and filing the complaint turns the ticked ones into its evidence. A held file not used
within :data:`HOLD_FOR` is deleted (job ``purge-held-evidence``)."""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.blueprints.complaints.errors import ComplaintError
from app.database import after_commit
from app.extensions import db
from app.models.complaints import ComplaintEvidence, HeldEvidence
from app.uploads import UploadRejected, delete_image, pdf_path, store_evidence_file

HOLD_FOR = timedelta(days=1)
#: At most this many files held for one address at a time (three full tries of five): the
#: forms are open to anyone, and a refused form is cheap to send again and again.
HOLD_PER_ADDRESS = 15
#: The form's name for the boxes that keep held files.
FIELD = "kept_file"
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def kept(tokens, *, now):
    """The held files named by ``tokens`` (the ticked boxes of the form) that are still held,
    in the order given; unknown, used or expired tokens are left out."""
    tokens = [t for t in dict.fromkeys(tokens) if isinstance(t, str) and len(t) == TOKEN_LENGTH]
    if not tokens:
        return []
    rows = db.session.scalars(select(HeldEvidence).where(
        HeldEvidence.token.in_(tokens[:20]), HeldEvidence.created_at > now - HOLD_FOR)).all()
    by_token = {row.token: row for row in rows}
    return [by_token[token] for token in tokens if token in by_token]


def hold(files, *, now, ip=""):
    """Store each of ``files`` (``[(name, bytes)]``, chosen ones) that evidence would take,
    and return them as new :class:`HeldEvidence` rows (the caller commits; a rollback removes
    the stored files again). A file evidence would refuse is skipped: the form names it.
    None is held when ``ip`` would hold more than :data:`HOLD_PER_ADDRESS` (the form then
    asks for the files again, as before files were held)."""
    ip = (ip or "")[:45]
    holding = db.session.scalar(select(func.count(HeldEvidence.id)).where(
        HeldEvidence.ip == ip, HeldEvidence.created_at > now - HOLD_FOR))
    if holding + len(files) > HOLD_PER_ADDRESS:
        return []
    rows = []
    for name, data in files:
        try:
            key, media = store_evidence_file(data, session=db.session)
        except UploadRejected:
            continue
        row = HeldEvidence(token=secrets.token_urlsafe(32), key=key, media=media,
                           original_name=(name or "")[:200], size=len(data), ip=ip,
                           created_at=now)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


@dataclass(frozen=True)
class Offered:
    """A held file as the form offers it again: a ticked box with its name."""

    token: str
    name: str
    media: str
    size: int


def offer(held):
    """The ``held`` rows as the form shows them (read before the caller commits)."""
    return [Offered(row.token, row.original_name, row.media, row.size) for row in held]


def take(complaint, held, *, counter_statement=None, now):
    """Make the ``held`` files evidence of ``complaint`` (or of its ``counter_statement``):
    the same stored file, no copy. Each
    is used once: a complaint sent twice at once with the same boxes ticked finds them gone
    (the second delete waits for the first) and is refused, not given the same file."""
    statement_id = counter_statement.id if counter_statement else None
    entries = [ComplaintEvidence(complaint_id=complaint.id, counter_statement_id=statement_id,
                                 key=row.key, media=row.media,
                                 original_name=row.original_name, created_at=now)
               for row in held]
    if not claim(held):
        raise ComplaintError(_l("The files kept from your last try were sent with another "
                                "complaint a moment ago: please choose them again."),
                             field="files")
    db.session.add_all(entries)
    return entries


def claim(held):
    """Use the ``held`` rows (their stored files then belong to what the caller makes of them,
    in the same transaction); False when one was used meanwhile by another form sent at the
    same time (the second delete waits for the first), and the caller refuses."""
    ids = [row.id for row in held]
    return not ids or db.session.execute(
        delete(HeldEvidence).where(HeldEvidence.id.in_(ids)),
        execution_options={"synchronize_session": False}).rowcount == len(ids)


def purge(now, batch=1000):
    """Delete up to ``batch`` held files older than :data:`HOLD_FOR`: their rows now, their
    stored files once the caller commits. Returns how many."""
    ids = db.session.scalars(select(HeldEvidence.id)
                             .where(HeldEvidence.created_at <= now - HOLD_FOR)
                             .order_by(HeldEvidence.id).limit(batch)).all()
    if not ids:
        return 0
    # (only the files of the rows this delete removed: a form that used one at its last
    # moment, between the look-up and the delete, keeps it)
    rows = db.session.execute(delete(HeldEvidence).where(HeldEvidence.id.in_(ids))
                              .returning(HeldEvidence.key, HeldEvidence.media),
                              execution_options={"synchronize_session": False}).all()
    after_commit(db.session, lambda: _remove_files(rows))
    return len(rows)


def _remove_files(rows):
    for row in rows:
        if row.media == "pdf":
            pdf_path(row.key).unlink(missing_ok=True)
        else:
            delete_image(row.key, "private")
