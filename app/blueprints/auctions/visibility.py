"""Who may see which auction (RANK-1, ACC-3, CMP-3): one SQL condition for every list and
search of auctions, and its twin for one auction already loaded (its page, live panel,
stream, photos, bids and watching), so no path shows what another hides.

- general auctions: everyone; adult (18+) auctions: logged-in members aged 18 or more
  (ACC-3). Auctions have no "restricted" rating: that chosen group is a shop's circle, and
  an auction is a member's own (:data:`app.models.auctions.AUCTION_RATINGS`).
- An auction hidden after an upheld complaint (CMP-3) is seen only by its seller and
  moderators.
- Its seller and moderators always see it, whatever its rating (a moderator may rate an
  under-18 member's auction 18+: its seller keeps seeing it, to follow it to its end).
"""
from sqlalchemy import and_, or_, true

from app.blueprints.accounts.services import is_adult
from app.models import Auction
from app.permissions import can_moderate, is_member


def sees_adult(user, now):
    """Whether ``user`` may see 18+ content: a logged-in member aged 18 or more (ACC-3)."""
    return is_member(user) and is_adult(user, now)


def rating_shown(user, rating, now):
    """Whether an auction rated ``rating`` may be shown to ``user`` (RANK-1, ACC-3), its
    seller and moderators apart (:func:`may_see_auction`)."""
    return rating == "general" or sees_adult(user, now)


def visible_ratings(user, now):
    """The rating part of :func:`visible_auctions` alone (RANK-1, ACC-3), for a list that
    decides on hiding (CMP-3) itself."""
    if sees_adult(user, now) or can_moderate(user):
        return true()
    return Auction.content_rating == "general"


def visible_auctions(user, now):
    """The SQL condition on :class:`Auction` for what ``user`` (or a visitor, None) may see.
    A visitor's condition is the same for every request."""
    if is_member(user) and can_moderate(user):
        return true()
    public = Auction.hidden_at.is_(None)
    if not sees_adult(user, now):
        public = and_(public, Auction.content_rating == "general")
    if not is_member(user):
        return public
    return or_(public, Auction.seller_id == user.id)


def sees_as_owner(user, auction):
    """Whether ``user`` sees ``auction`` whatever hides it: its seller, a moderator."""
    return is_member(user) and (auction.seller_id == user.id or can_moderate(user))


def may_see_auction(user, auction, now):
    """:func:`visible_auctions` for one loaded auction."""
    return sees_as_owner(user, auction) or (
        auction.hidden_at is None and rating_shown(user, auction.content_rating, now))
