"""Domain errors of the moderation services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.shops.errors import ShopError


class ModerationError(AccountError):
    """A moderation rule refuses the action; ``field`` names the form field, if any."""


class Suspended(ModerationError, ShopError, BidNotAccepted):
    """The member is suspended or closed and may not bid, sell or post (ACC-5). It is also a
    shop and a bid refusal, so every view that shows those shows this one too."""

    #: The member's :class:`~app.blueprints.moderation.enforcement.SuspensionNotice` when a
    #: suspension or closure is the reason (None for a guardian's missing consent, ACC-3).
    notice = None

    def __init__(self, message, field=None, notice=None):
        super().__init__(message, field)
        self.notice = notice
