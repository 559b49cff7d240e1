"""Who may see which listing (RANK-1, ACC-3), as one SQL condition used by every list, search,
shop page and direct URL, so no path shows what another hides.

- general listings: everyone; adult (18+) listings: logged-in members aged 18 or more, the
  shop's own people too only from 18 (ACC-3); restricted listings: the shop's chosen group
  (its circle) and the shop's own people.
- Public statuses are active, sold out and fake (a FAKE sign stays visible with its sign);
  held and hidden listings are seen only by the shop's people and moderators, and so are
  listings beyond a smaller plan's limit (SHOP-2). "The shop's people" are its owner and the
  staff its plan allows; staff paused by a smaller plan see what buyers see.
- A listing its shop has paused (``paused_at``) keeps its page: whoever may see it can open
  it, and read that it is paused. Lists (browse, search, categories, rankings, the shop's
  page for buyers) show only :func:`listed_listings`, which leaves paused ones out.
"""
from sqlalchemy import and_, false, or_, select, true

from app.blueprints.accounts.services import is_adult
from app.blueprints.shops.plans import shops_staffed_within_plan
from app.models import Listing, Shop, ShopCircle
from app.models.listings import PAUSABLE_STATUSES
from app.permissions import can_moderate, is_member

PUBLIC_STATUSES = ("active", "sold_out", "fake")
STAFF_STATUSES = PUBLIC_STATUSES + ("held", "hidden")


def managed_shop_ids(user):
    """A subquery of the ids of shops ``user`` owns or manages the listings of as staff the
    plan allows: the SQL twin of :func:`app.permissions.can_manage_listings`. Staff paused by
    a smaller plan are left out, so they see the shop as buyers do (SHOP-2)."""
    return shops_managed_by(user.id)


def shops_managed_by(member_id):
    """:func:`managed_shop_ids` for a member's id, or a bound parameter standing for one."""
    owned = select(Shop.id).where(Shop.owner_id == member_id)
    return owned.union(shops_staffed_within_plan(member_id))


def visible_listings(user, now):
    """The SQL condition on :class:`Listing` for what ``user`` (or a visitor) may see.

    Listings of a closed shop, or of one hidden after an upheld complaint (CMP-3), are seen
    only by moderators and the shop's own people. The visitors' condition must stay the same
    for every request (no ``now``, no per-request values): the search service builds its
    visitor statement once per process (``app/search/service.py``, ``_prepared``)."""
    if is_member(user) and can_moderate(user):
        return Listing.status.in_(STAFF_STATUSES)
    # "not in a closed shop" rather than a join: SQLite then scans listings in order instead
    # of walking them shop by shop through an index (5x faster on 100,000 listings).
    open_shop = _in_open_shop()
    rating = Listing.content_rating == "general"
    within_plan = Listing.over_plan_since.is_(None)  # SHOP-2
    if is_member(user):
        rating, own_shop = _member_ratings(user, now)
        # (public or own) written as "a staff status, and then public or own": one index range
        # on status drives the scan and the OR filters rows. As an OR of the two at the top,
        # SQLite merged two index scans into a row set and sorted it: a member's newest-first
        # browse of 100,000 listings took 170 ms instead of a visitor's 4.
        return and_(Listing.status.in_(STAFF_STATUSES),
                    or_(and_(Listing.status.in_(PUBLIC_STATUSES), rating, open_shop,
                             within_plan), own_shop))
    return and_(Listing.status.in_(PUBLIC_STATUSES), rating, open_shop, within_plan)


def published_listings():
    """The SQL condition on :class:`Listing` for what is published to someone, whatever its
    content rating (RANK-1): what :func:`visible_listings` shows a viewer whose age and
    circles let them see every rating. The complaint form takes such a page from anyone
    (CMP-1), and names it only to whoever may see it."""
    return and_(Listing.status.in_(PUBLIC_STATUSES), Listing.over_plan_since.is_(None),
                _in_open_shop())


def _in_open_shop():
    """Not in a closed shop, nor one hidden after an upheld complaint (CMP-3)."""
    return Listing.shop_id.not_in(select(Shop.id).where(
        or_(Shop.status != "open", Shop.hidden_at.is_not(None))))


def visible_listing_ratings(user, now):
    """The rating part of :func:`visible_listings` alone (RANK-1, ACC-3), for a page that
    names a listing whatever its status: a complaint's status page names the listing it
    reported, hidden since or not, unless its rating keeps it from ``user``."""
    if is_member(user) and can_moderate(user):
        return true()
    if not is_member(user):
        return Listing.content_rating == "general"
    return or_(*_member_ratings(user, now))


def _member_ratings(user, now):
    """``(rating, own_shop)`` for a logged-in member: the listings their age and circles let
    them see, and those of the shops they run (ACC-3: an under-18 member on a shop's staff
    does not see its 18+ listings)."""
    adult = is_adult(user, now)
    in_circle = Listing.shop_id.in_(
        select(ShopCircle.shop_id).where(ShopCircle.user_id == user.id))
    rating = or_(Listing.content_rating == "general",
                 and_(Listing.content_rating == "adult", true() if adult else false()),
                 and_(Listing.content_rating == "restricted", in_circle))
    own_shop = Listing.shop_id.in_(managed_shop_ids(user))
    if not adult:
        own_shop = and_(own_shop, Listing.content_rating != "adult")
    return rating, own_shop


#: Not paused by its shop, as :attr:`Listing.is_paused` has it: a pause counts only on a
#: listing on sale or sold out (a FAKE-signed listing stays listed as evidence, SHOP-7).
NOT_PAUSED = or_(Listing.paused_at.is_(None), Listing.status.not_in(PAUSABLE_STATUSES))


def listed_listings(user, now):
    """The SQL condition for what lists show ``user`` (browse, search, category pages,
    rankings): :func:`visible_listings` without the listings their shops have paused. The
    visitors' condition stays the same for every request, as there."""
    return and_(visible_listings(user, now), NOT_PAUSED)
