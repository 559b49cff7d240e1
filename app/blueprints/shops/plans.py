"""Plan limits (SHOP-2): checked before a listing or a staff member is added."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import aliased

from app.blueprints.shops.errors import PlanLimitReached
from app.extensions import db
from app.models import Listing, Shop, ShopStaff
from app.models.shops import PLAN_ORDER, PLANS
from app.notifications import SUBJECTS, TEXTS, register_labels

PLAN_NAMES = {"starter": _l("Starter"), "standard": _l("Standard"),
              "professional": _l("Professional"), "premium": _l("Premium"),
              "premium_plus": _l("Premium Plus")}
register_labels("plan", PLAN_NAMES)
TEXTS["staff_over_plan"] = _l(
    "Your shop “%(shop)s” is now on the %(plan)s plan, which allows %(n)s staff members. "
    "Your %(over)s newest staff members are paused: they cannot manage listings, orders or "
    "messages and see the shop as buyers do, until the plan allows them again or you remove "
    "others. See your staff page.")
TEXTS["staff_added"] = _l(
    "You have been added to the staff of the shop “%(shop)s”: you can now post and edit its "
    "listings, answer its buyers and ship its paid orders.")
TEXTS["staff_removed"] = _l(
    "The owner of the shop “%(shop)s” has removed you from its staff: you no longer manage "
    "its listings, orders or messages.")
TEXTS["staff_paused"] = _l(
    "The shop “%(shop)s” is now on the %(plan)s plan, which allows fewer staff members: your "
    "staff access is paused, the newest staff first. You see the shop as buyers do until the "
    "owner makes room or moves it to a larger plan.")
TEXTS["staff_resumed"] = _l(
    "Your staff access to the shop “%(shop)s” is back: its %(plan)s plan allows you again.")
TEXTS["listings_over_plan"] = _l(
    "Your shop “%(shop)s” is now on the %(plan)s plan, which shows up to %(n)s listings. Your "
    "%(over)s newest listings are hidden from buyers until the plan has room for them again "
    "or you delete others.")
SUBJECTS.update({
    "staff_over_plan": _l("Staff of “%(shop)s” paused by its new plan"),
    "staff_added": _l("You are now on the staff of “%(shop)s”"),
    "staff_paused": _l("Your staff access to “%(shop)s” is paused"),
    "staff_resumed": _l("Your staff access to “%(shop)s” is back"),
    "listings_over_plan": _l("Listings of “%(shop)s” hidden by its new plan"),
})


def plan_lifting(shop, attribute, current):
    """The first plan above the shop's whose ``attribute`` limit is above ``current``."""
    for key in PLAN_ORDER[PLAN_ORDER.index(shop.plan) + 1:]:
        if getattr(PLANS[key], attribute) > current:
            return key
    return None


def lock_shop(shop):
    """Hold the shop's row until the transaction ends, so that two posts at once cannot both
    see room under a plan limit and both be added. PostgreSQL: SELECT ... FOR UPDATE (an
    admin changing the plan waits too); SQLite: a POST's transaction is already the one writer
    (BEGIN IMMEDIATE, see app.database)."""
    db.session.refresh(shop, with_for_update=True)


#: Listings that take none of the plan's places: deleted ones, and FAKE-signed ones, which
#: the owner may not delete (SHOP-7) and buyers see only as fake reports, so they would
#: otherwise hold a place for good. A listing held for review counts: its owner may delete it.
UNCOUNTED_STATUSES = ("deleted", "fake")


def counted_listings(shop):
    """Listings that count against the plan: every one not deleted or signed FAKE."""
    return db.session.scalar(select(func.count(Listing.id)).where(
        Listing.shop_id == shop.id, Listing.status.not_in(UNCOUNTED_STATUSES)))


def hidden_over_plan(shop):
    """How many of the shop's listings are hidden from buyers as beyond the plan (SHOP-2)."""
    return db.session.scalar(select(func.count(Listing.id)).where(
        Listing.shop_id == shop.id, Listing.status.not_in(UNCOUNTED_STATUSES),
        Listing.over_plan_since.is_not(None)))


def counted_staff(shop):
    """Staff members of the shop (the owner is not one)."""
    return db.session.scalar(select(func.count(ShopStaff.id)).where(ShopStaff.shop_id == shop.id))


def _allowed_staff(column):
    """``select(column)`` over the staff rows the shop's plan allows (SHOP-2): those with fewer
    staff added to the same shop before them (by row id, the order they were added in) than
    the plan's ``max_staff``. The one definition behind :func:`staff_within_plan` (who may
    manage listings, orders and messages) and :func:`shops_staffed_within_plan` (what the
    shop's people see), so the two never pick different staff."""
    earlier = aliased(ShopStaff)
    added_before = (select(func.count(earlier.id))
                    .where(earlier.shop_id == ShopStaff.shop_id, earlier.id < ShopStaff.id)
                    .scalar_subquery())
    allowed = case({key: plan.max_staff for key, plan in PLANS.items()}, value=Shop.plan,
                   else_=0)
    return (select(column).join(Shop, Shop.id == ShopStaff.shop_id)
            .where(added_before < allowed))


def staff_within_plan(shop):
    """User ids of the staff the plan allows: the ``max_staff`` added first. Staff added after
    them (after a move to a smaller plan) may not manage listings until the plan allows them
    again or others leave (SHOP-2)."""
    return set(db.session.scalars(_allowed_staff(ShopStaff.user_id)
                                  .where(ShopStaff.shop_id == shop.id)))


def shops_staffed_within_plan(member_id):
    """A subquery of the ids of shops where ``member_id`` (an id, or a bound parameter standing
    for one) is one of the staff the plan allows, the same ones as :func:`staff_within_plan`.
    Paused staff are not in it, so whatever only the shop's people may see is not theirs while
    paused (SHOP-2)."""
    return _allowed_staff(ShopStaff.shop_id).where(ShopStaff.user_id == member_id)


def fit_listings_to_plan(shop, now):
    """Show buyers only as many listings as the plan allows (SHOP-2: "up to 5 listings
    shown"): the oldest ones; those posted last are hidden (``over_plan_since``) until the
    plan has room again, by a larger plan or by deleting others. A FAKE-signed listing stays
    shown (SHOP-7) and, like in :func:`counted_listings`, takes no place. Returns how many
    are hidden now."""
    lock_shop(shop)  # two deletions at once would each count the other's listing
    rows = db.session.execute(
        select(Listing.id, Listing.over_plan_since)
        .where(Listing.shop_id == shop.id, Listing.status.not_in(UNCOUNTED_STATUSES))
        .order_by(Listing.created_at, Listing.id)).all()
    limit, hide, show = shop.plan_limits.max_listings, [], []
    for index, (listing_id, since) in enumerate(rows):
        over = index >= limit
        if over and since is None:
            hide.append(listing_id)
        elif not over and since is not None:
            show.append(listing_id)
    if hide:
        db.session.execute(update(Listing).where(Listing.id.in_(hide))
                           .values(over_plan_since=now))
    if show:
        db.session.execute(update(Listing).where(Listing.id.in_(show))
                           .values(over_plan_since=None))
    if hide or show:
        from app.pagecache_clearing import drop_visitor_pages

        drop_visitor_pages()  # a bulk UPDATE: the flush-time watch does not see it
    return max(0, len(rows) - limit)


def listing_limit_refusal(shop):
    """Why the shop may post no more listings under its plan, naming the limit and the plan
    that lifts it (SHOP-2), or None. Reads without locking: the new listing form says so
    before anything is typed; :func:`check_listing_limit` decides."""
    limit = shop.plan_limits.max_listings
    if counted_listings(shop) < limit:
        return None
    upgrade = plan_lifting(shop, "max_listings", limit)
    if upgrade:
        return _l("Your %(plan)s plan allows up to %(n)d listings, and your shop has reached it. "
                  "The %(upgrade)s plan allows %(more)d.", plan=PLAN_NAMES[shop.plan], n=limit,
                  upgrade=PLAN_NAMES[upgrade], more=PLANS[upgrade].max_listings)
    return _l("Your %(plan)s plan allows up to %(n)d listings, the most of any plan. Remove a "
              "listing to add another.", plan=PLAN_NAMES[shop.plan], n=limit)


def check_listing_limit(shop):
    """Raise :class:`PlanLimitReached` if the shop may not post another listing. Locks the
    shop (:func:`lock_shop`) until the caller's commit."""
    lock_shop(shop)
    refusal = listing_limit_refusal(shop)
    if refusal is not None:
        raise PlanLimitReached(refusal)


def staff_limit_refusal(shop):
    """Why the shop may add no more staff under its plan, naming the limit and the plan that
    lifts it (SHOP-2), or None. Reads without locking: the staff page says so instead of
    offering a form that could only be refused; :func:`check_staff_limit` decides."""
    limit = shop.plan_limits.max_staff
    if counted_staff(shop) < limit:
        return None
    upgrade = plan_lifting(shop, "max_staff", limit)
    if upgrade and limit == 0:
        return _l("The %(plan)s plan has no staff: only the owner runs the shop. The "
                  "%(upgrade)s plan allows %(more)d staff members.", plan=PLAN_NAMES[shop.plan],
                  upgrade=PLAN_NAMES[upgrade], more=PLANS[upgrade].max_staff)
    if upgrade:
        return _l("Your %(plan)s plan allows %(n)d staff members. The %(upgrade)s plan allows "
                  "%(more)d.", plan=PLAN_NAMES[shop.plan], n=limit, upgrade=PLAN_NAMES[upgrade],
                  more=PLANS[upgrade].max_staff)
    return _l("Your %(plan)s plan allows %(n)d staff members, the most of any plan.",
              plan=PLAN_NAMES[shop.plan], n=limit)


def check_staff_limit(shop):
    """Raise :class:`PlanLimitReached` if the shop may not add another staff member. Locks the
    shop (:func:`lock_shop`) until the caller's commit."""
    lock_shop(shop)
    refusal = staff_limit_refusal(shop)
    if refusal is not None:
        raise PlanLimitReached(refusal, field="email")


def effects_of_plan(shop, plan):
    """What moving ``shop`` to ``plan`` would take away, before it is done: how many of its
    listings would be hidden from buyers and how many staff members paused (SHOP-2)."""
    limits = PLANS[plan]
    return (max(0, counted_listings(shop) - limits.max_listings),
            max(0, counted_staff(shop) - limits.max_staff))
