"""Evidence files of complaints, information added later and counter-statements: at most
``MAX_FILES`` each, stored privately (a re-encoded photo or a checked PDF, see
``app.uploads.store_evidence_file``); a refused file is named in the message."""
from flask_babel import lazy_gettext as _l

from app.blueprints.complaints.errors import ComplaintError, refuse_all
from app.extensions import db
from app.models.complaints import ComplaintEvidence
from app.uploads import UploadRejected, check_evidence_file, pdf_path, store_evidence_file

MAX_FILES = 5


def store_evidence(complaint, files, *, counter_statement=None, now):
    """Store ``files`` (``[(name, bytes)]``; a file input left unused, with neither name nor
    content, is skipped) as evidence of ``complaint`` (or of its ``counter_statement``). A
    chosen file that is empty is refused like any other, by name. Raises
    :class:`ComplaintError` on the ``files`` field; files already written are removed again
    when the transaction rolls back."""
    files = _chosen(files)
    _refuse_too_many(files)
    entries, problems = [], []
    for name, data in files:  # every refused file is named at once, not one per round
        try:
            key, media = store_evidence_file(data, session=db.session)
        except UploadRejected as error:
            problems.append(_refused(name, error))
            continue
        if problems:
            continue
        entry = ComplaintEvidence(
            complaint_id=complaint.id, key=key, media=media, original_name=name[:200],
            counter_statement_id=counter_statement.id if counter_statement else None,
            created_at=now)
        db.session.add(entry)
        entries.append(entry)
    refuse_all(problems)
    db.session.flush()
    return entries


def file_problems(files):
    """What :func:`store_evidence` would refuse in ``files``, storing nothing: a form refused
    for other reasons says at once which files would not be taken (a :class:`ComplaintError`
    each)."""
    files = _chosen(files)
    try:
        _refuse_too_many(files)
    except ComplaintError as error:
        return [error]
    problems = []
    for name, data in files:
        try:
            check_evidence_file(data)
        except UploadRejected as error:
            problems.append(_refused(name, error))
    return problems


def _chosen(files):
    return [(name or "", data or b"") for name, data in files if name or data]


def _refuse_too_many(files):
    if len(files) > MAX_FILES:
        raise ComplaintError(_l("Send at most %(n)d files.", n=MAX_FILES), field="files")


def _refused(name, error):
    return ComplaintError(_l("%(name)s: %(reason)s", name=name[:100] or "?",
                             reason=error.message), field="files")


def evidence_path(entry):
    """Where a stored PDF of evidence lives (images are served by ``app.uploads``)."""
    return pdf_path(entry.key)
