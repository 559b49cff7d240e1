"""Photos chosen on a listing or auction form that was refused for another reason, held for
the next try (SHOP-3, AUC-1), as a complaint form holds its evidence (CMP-1): a browser
forgets a file input's choice once the page comes back with an error, and choosing ten photos
again on a phone for a typo in the price is how listings get abandoned.

The photos the form would take are re-encoded and stored as listing photos are; the form
offers each back to the member who sent it as a ticked box with its thumbnail, and saving the
form makes the ticked ones its photos (the same stored files, no copy). A held photo not used
within :data:`HOLD_FOR` is deleted (job ``purge-held-photos``)."""
from dataclasses import dataclass
from datetime import timedelta

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.database import after_commit
from app.extensions import db
from app.models import HeldPhoto
from app.uploads import UploadRejected, delete_image, store_chosen_image

HOLD_FOR = timedelta(days=1)
#: At most this many photos held for one member at a time (three full tries of ten).
HOLD_PER_MEMBER = 30
#: The form's names for the boxes that keep held photos and a held certificate photo.
PHOTOS = "kept_photo"
CERTIFICATE = "kept_certificate"


def ticked(name, limit, source=None):
    """The held-photo ids the form's boxes called ``name`` send, in order, at most ``limit``
    (``source``: where to read them, the form sent by default)."""
    ids = []
    for value in (request.form if source is None else source).getlist(name):
        if value.isascii() and value.isdigit() and len(value) < 12 and int(value) not in ids:
            ids.append(int(value))
    return ids[:limit]


def kept(owner, ids, *, now):
    """The photos ``owner`` holds among ``ids`` that are still held, in the order given;
    another member's, used or expired ones are left out."""
    if not ids:
        return []
    rows = db.session.scalars(select(HeldPhoto).where(
        HeldPhoto.id.in_(ids), HeldPhoto.owner_id == owner.id,
        HeldPhoto.created_at > now - HOLD_FOR)).all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def hold(owner, uploads, *, now):
    """Store each chosen file of ``uploads`` (``FileStorage``) that a listing would take, and
    return them as new :class:`HeldPhoto` rows (the caller commits; a rollback removes the
    stored files again). A file that would be refused is skipped: the form names it. None is
    held when ``owner`` would hold more than :data:`HOLD_PER_MEMBER` (the form then asks for
    the photos again, as it did before photos were held)."""
    uploads = [upload for upload in uploads if upload and getattr(upload, "filename", "")]
    if not uploads:
        return []
    holding = db.session.scalar(select(func.count(HeldPhoto.id)).where(
        HeldPhoto.owner_id == owner.id, HeldPhoto.created_at > now - HOLD_FOR))
    if holding + len(uploads) > HOLD_PER_MEMBER:
        return []
    rows = []
    for upload in uploads:
        upload.seek(0)  # (the refused try may have read it)
        try:
            stored = store_chosen_image(upload, session=db.session)
        except UploadRejected:
            continue
        row = HeldPhoto(owner_id=owner.id, key=stored.key, width=stored.width,
                        height=stored.height, original_name=(upload.filename or "")[:200],
                        created_at=now)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def take(rows, field="photos"):
    """Use the held ``rows`` (the caller then gives their keys to the listing or auction, in
    the same transaction). Each is used once: a form sent twice at once with the same boxes
    ticked finds them gone (the second delete waits for the first) and is refused, not given
    the same files twice."""
    ids = [row.id for row in rows]
    if ids and db.session.execute(delete(HeldPhoto).where(HeldPhoto.id.in_(ids)),
                                  execution_options={"synchronize_session": False}
                                  ).rowcount != len(ids):
        error = UploadRejected(_l("The photos kept from your last try were used a moment ago "
                                  "by another form: please choose them again."))
        error.field = field
        raise error
    return rows


def purge(now, batch=1000):
    """Delete up to ``batch`` held photos older than :data:`HOLD_FOR`: their rows now, their
    stored files once the caller commits. Returns how many. Only the files of the rows this
    delete removed go: a form that used a photo at its last moment (between the look-up and
    the delete) keeps it."""
    ids = db.session.scalars(select(HeldPhoto.id).where(HeldPhoto.created_at <= now - HOLD_FOR)
                             .order_by(HeldPhoto.id).limit(batch)).all()
    if not ids:
        return 0
    keys = db.session.scalars(delete(HeldPhoto).where(HeldPhoto.id.in_(ids))
                              .returning(HeldPhoto.key),
                              execution_options={"synchronize_session": False}).all()
    after_commit(db.session, lambda: [delete_image(key) for key in keys])
    return len(keys)


@dataclass(frozen=True)
class Offered:
    """A held photo as the form offers it again: a box with its thumbnail and name, ticked
    unless ``ticked`` is False (those a listing sent again brought: SHOP-3)."""

    id: int
    name: str
    ticked: bool = True


def offer_again(owner, ids, uploads, *, now):
    """After a refused form: the photos of ``ids`` still held (a refusal rolls back their
    use), then those of ``uploads`` now held, as :class:`Offered`. Committed, so the next try
    finds them."""
    rows = kept(owner, ids, now=now) + hold(owner, uploads, now=now)
    offered = [Offered(row.id, row.original_name) for row in rows]
    db.session.commit()
    return offered
