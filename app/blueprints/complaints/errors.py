"""Domain errors of the complaints services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError


class ComplaintError(AccountError):
    """A complaints rule refuses the request; ``field`` names the form field, if any. An
    :class:`AccountError`, so the review queue shows it as a refusal like any other."""


class ComplaintErrors(ComplaintError):
    """Several problems with one complaint form, told in one answer (each on its field):
    a round per mistake would make the complainant choose the evidence files again each
    time. ``message`` and ``field`` are the first one's."""

    def __init__(self, errors):
        super().__init__(errors[0].message, errors[0].field)
        self.errors = list(errors)


def refuse_all(problems):
    """Raise ``problems`` (a list of :class:`ComplaintError`) as one error, if any."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ComplaintErrors(problems)


class AlreadyFiled(Exception):
    """The same complaint was sent again moments after it was filed (a double tap, a re-send
    after a slow upload): ``complaint`` is the one already filed; nothing new is."""

    def __init__(self, complaint):
        super().__init__(complaint.code)
        self.complaint = complaint
