"""The IP-request services' refusal; an :class:`AccountError`, so forms and the queue show it."""
from app.blueprints.accounts.errors import AccountError


class IpRequestError(AccountError):
    """A rule refuses the request or the decision; ``field`` names the form field, if any."""
