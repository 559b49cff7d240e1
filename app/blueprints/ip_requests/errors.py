"""The IP-request services' refusal; an :class:`AccountError`, so forms and the queue show it."""
from app.blueprints.accounts.errors import AccountError, AccountErrors


class IpRequestError(AccountError):
    """A rule refuses the request or the decision; ``field`` names the form field, if any."""


class AlreadyWaiting(IpRequestError):
    """The member already has a request about this member waiting (``request``): one sent
    twice, or a second one; either way the one waiting is the one to follow."""

    def __init__(self, message, request):
        super().__init__(message, field="accused")
        self.request = request


class IpRequestProblems(IpRequestError, AccountErrors):
    """Every rule a request breaks, found at once (``errors``); ``field`` and ``message`` are
    the first one's."""
