"""Evidence files of complaints, information added later and counter-statements: at most
``MAX_FILES`` each, stored privately (a re-encoded photo or a checked PDF, see
``app.uploads.store_evidence_file``); a refused file is named in the message."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext

from app.blueprints.complaints import held_evidence
from app.blueprints.complaints.errors import ComplaintError, refuse_all
from app.extensions import db
from app.models.complaints import ComplaintEvidence
from app.uploads import UploadRejected, check_evidence_file, pdf_path, store_evidence_file

MAX_FILES = 5


def store_evidence(complaint, files, *, counter_statement=None, held=(), now):
    """Store ``files`` (``[(name, bytes)]``; a file input left unused, with neither name nor
    content, is skipped) as evidence of ``complaint`` (or of its ``counter_statement``), with
    the files ``held`` from an earlier try of the form (:mod:`held_evidence`). A chosen file
    that is empty is refused like any other, by name. Raises :class:`ComplaintError` on the
    ``files`` field; files already written are removed again when the transaction rolls
    back."""
    files = chosen(files)
    _refuse_too_many(files, len(held))
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
    if held:
        entries += held_evidence.take(complaint, held, counter_statement=counter_statement,
                                      now=now)
    db.session.flush()
    return entries


def offer_again(tokens, files, *, now, ip=""):
    """What a refused form offers again (:mod:`held_evidence`): the held files its ticked
    boxes (``tokens``) keep, read again (a form sent at the same time may have used them),
    and those of the new ``files`` evidence would take, stored now; none of the new ones when
    they are more than one may send (the form says so; the complainant chooses again) or
    more than ``ip`` may have held. The caller commits."""
    held = held_evidence.kept(tokens, now=now)
    files = chosen(files)
    if files and not too_many(files, len(held)):
        held = held + held_evidence.hold(files, now=now, ip=ip)
    return held_evidence.offer(held)


def file_problems(files, held=0):
    """What :func:`store_evidence` would refuse in ``files`` (with ``held`` files kept from an
    earlier try), storing nothing: a form refused for other reasons says at once which files
    would not be taken (a :class:`ComplaintError` each)."""
    files = chosen(files)
    try:
        _refuse_too_many(files, held)
    except ComplaintError as error:
        return [error]
    problems = []
    for name, data in files:
        try:
            check_evidence_file(data)
        except UploadRejected as error:
            problems.append(_refused(name, error))
    return problems


def chosen(files):
    """The files of ``files`` that were chosen (a file input left unused is skipped)."""
    return [(name or "", data or b"") for name, data in files if name or data]


def too_many(files, held=0):
    """Whether ``files`` (chosen ones) and ``held`` earlier ones are more than one may send."""
    return len(files) + held > MAX_FILES


def _refuse_too_many(files, held=0):
    if not too_many(files, held):
        return
    if held:
        raise ComplaintError(ngettext(
            "Send at most %(n)d files: %(num)d is kept from your last try, so choose at most "
            "%(more)d more (or untick it).",
            "Send at most %(n)d files: %(num)d are kept from your last try, so choose at most "
            "%(more)d more (or untick some).", held, n=MAX_FILES, more=max(MAX_FILES - held, 0)),
            field="files")
    raise ComplaintError(_l("Send at most %(n)d files.", n=MAX_FILES), field="files")


def _refused(name, error):
    return ComplaintError(_l("%(name)s: %(reason)s", name=name[:100] or "?",
                             reason=error.message), field="files")


def evidence_path(entry):
    """Where a stored PDF of evidence lives (images are served by ``app.uploads``)."""
    return pdf_path(entry.key)
