"""Domain errors of the auction services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError, AccountErrors


class AuctionError(AccountError):
    """An auction rule was broken; ``field`` names the form field, if any."""


class BidNotAccepted(AuctionError):
    """A bid the rules refuse (AUC-3, AUC-6, AUC-7, AUC-9, AUC-12); nothing was recorded."""


class AuctionProblems(AuctionError, AccountErrors):
    """Every rule a new auction breaks, found at once (``errors``); ``field`` and ``message``
    are the first one's."""
