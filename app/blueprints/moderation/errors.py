"""Domain errors of the moderation services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError


class ModerationError(AccountError):
    """A moderation rule refuses the action; ``field`` names the form field, if any."""


class Suspended(ModerationError):
    """The member is suspended or closed and may not bid, sell or post (ACC-5)."""
