"""Domain errors of the complaints services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError


class ComplaintError(AccountError):
    """A complaints rule refuses the request; ``field`` names the form field, if any. An
    :class:`AccountError`, so the review queue shows it as a refusal like any other."""
