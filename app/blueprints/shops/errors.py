"""Domain errors of the shops services; messages are in the user's language."""
from app.blueprints.accounts.errors import AccountError


class ShopError(AccountError):
    """A shop or listing rule was broken; ``field`` names the form field, if any."""


class PlanLimitReached(ShopError):
    """The shop's plan does not allow more (SHOP-2); the message names the plan that does."""


class SectionFrozen(ShopError):
    """New posts are refused in a frozen section (SHOP-9)."""


class ListingRefused(ShopError):
    """The listing matches the prohibited-goods list (SHOP-4)."""


class SignBlocksEdit(ShopError):
    """A STOP sign keeps the shop from changing (any sign) or deleting (FAKE) a listing
    (SHOP-7)."""


class AlreadyPosted(ShopError):
    """The same form was sent again (Back, then send): ``made`` is the shop or listing the
    first send made, which the member is shown instead of a second one (SHOP-1, SHOP-3);
    ``changed``: the fields this send changed of it, by name, with the values sent."""

    def __init__(self, message, made, changed=None):
        super().__init__(message)
        self.made = made
        self.changed = changed or {}
