"""Domain errors of the complaints services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError


class ComplaintError(AccountError):
    """A complaints rule refuses the request; ``field`` names the form field, if any. An
    :class:`AccountError`, so the review queue shows it as a refusal like any other."""


class AlreadyFiled(Exception):
    """The same complaint was sent again moments after it was filed (a double tap, a re-send
    after a slow upload): ``complaint`` is the one already filed; nothing new is."""

    def __init__(self, complaint):
        super().__init__(complaint.code)
        self.complaint = complaint
