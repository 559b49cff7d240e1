"""Domain errors of the moderation services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.shops.errors import ShopError


class ModerationError(AccountError):
    """A moderation rule refuses the action; ``field`` names the form field, if any."""


class Suspended(ModerationError, ShopError, BidNotAccepted):
    """The member is suspended or closed and may not bid, sell or post (ACC-5). It is also a
    shop and a bid refusal, so every view that shows those shows this one too."""
