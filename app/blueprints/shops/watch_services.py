"""Watching listings and following shops."""
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from app.blueprints.shops import activity
from app.blueprints.shops.visibility import visible_listings
from app.extensions import db
from app.models import Follow, Listing, Shop, Watch, WatchCounted
from app.permissions import works_for_shop


def is_watching(user, listing):
    """True if the member watches the listing."""
    return user.is_authenticated and db.session.scalar(select(Watch.id).where(
        Watch.user_id == user.id, Watch.listing_id == listing.id)) is not None


def toggle_watch(user, listing, now):
    """Watch a listing, or stop watching it. A member's first watch of a listing counts for
    the rankings (RANK-2); watching it again later does not, nor does a watch by the shop's
    own people (as their views do not count)."""
    if is_watching(user, listing):
        db.session.execute(delete(Watch).where(Watch.user_id == user.id,
                                               Watch.listing_id == listing.id))
        return False
    db.session.add(Watch(user_id=user.id, listing_id=listing.id, created_at=now))
    db.session.flush()
    if not works_for_shop(user, listing.shop) and _first_watch(user.id, listing.id):
        activity.record(listing.id, now, watch_adds=1)
    return True


def _first_watch(user_id, listing_id):
    """Note that the member watched the listing; True the first time only."""
    connection = db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = WatchCounted.__table__
    statement = dialect.insert(table).values(user_id=user_id, listing_id=listing_id)
    inserted = statement.on_conflict_do_nothing().returning(table.c.id)
    return connection.execute(inserted).first() is not None


def is_following(user, shop):
    """True if the member follows the shop."""
    return user.is_authenticated and db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.shop_id == shop.id)) is not None


def toggle_follow(user, shop, now):
    """Follow a shop, or stop following it."""
    if is_following(user, shop):
        db.session.execute(delete(Follow).where(Follow.user_id == user.id,
                                                Follow.shop_id == shop.id))
        return False
    db.session.add(Follow(user_id=user.id, shop_id=shop.id, created_at=now))
    db.session.flush()
    return True


#: Watched listings on one page of the watchlist.
WATCHLIST_PER_PAGE = 24


def watchlist(user, now, page=1, per_page=WATCHLIST_PER_PAGE):
    """One page of the listings the member watches and may still see, most recently watched
    first (their photos read at once, not a query a card), and the number of pages."""
    watched = select(Listing).join(Watch, Watch.listing_id == Listing.id).where(
        Watch.user_id == user.id, visible_listings(user, now))
    total = db.session.scalar(select(func.count()).select_from(watched.subquery()))
    listings = db.session.scalars(
        watched.options(selectinload(Listing.photos))
        .order_by(Watch.created_at.desc(), Watch.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    return listings, max(1, -(-total // per_page))


def followed_shops(user):
    """Open shops the member follows."""
    return db.session.scalars(
        select(Shop).join(Follow, Follow.shop_id == Shop.id)
        .where(Follow.user_id == user.id, Shop.status == "open", Shop.hidden_at.is_(None))
        .order_by(Shop.name)).all()
