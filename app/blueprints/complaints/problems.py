"""Everything wrong with a complaint form at once (CMP-1): the rules' refusals of the typed
fields, of every page address and of every evidence file. A form is refused once with all its
mistakes, not once per mistake: each round costs the complainant the files they chose."""
from app.blueprints.complaints import repeat
from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.complaints.evidence import file_problems
from app.blueprints.complaints.intake import field_problems
from app.blueprints.complaints.targets import resolve_targets


def complaint_problems(data, files, *, viewer=None, held=0, now):
    """Every :class:`ComplaintError` that :func:`intake.file_complaint` could raise for
    ``data`` and ``files`` (with ``held`` files kept from an earlier try), found by reading
    only (the caller rolls back)."""
    values, problems = field_problems(data)
    if values["email"] and not any(p.field == "email" for p in problems):
        try:
            repeat.check_may_complain(values["email"], now)
        except ComplaintError as error:
            problems.append(error)
    try:
        resolve_targets(data.get("urls") or [], viewer=viewer, now=now)
    except ComplaintError as error:
        problems.extend(getattr(error, "errors", None) or [error])
    return problems + file_problems(files, held)
