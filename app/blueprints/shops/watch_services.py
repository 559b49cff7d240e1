"""Watching listings and following shops."""
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from app.blueprints.shops import activity
from app.blueprints.shops.visibility import visible_listings
from app.extensions import db
from app.models import Follow, Listing, Shop, Watch, WatchCounted


def is_watching(user, listing):
    """True if the member watches the listing."""
    return user.is_authenticated and db.session.scalar(select(Watch.id).where(
        Watch.user_id == user.id, Watch.listing_id == listing.id)) is not None


def toggle_watch(user, listing, now):
    """Watch a listing, or stop watching it. A member's first watch of a listing counts for
    the rankings (RANK-2); watching it again later does not."""
    if is_watching(user, listing):
        db.session.execute(delete(Watch).where(Watch.user_id == user.id,
                                               Watch.listing_id == listing.id))
        return False
    db.session.add(Watch(user_id=user.id, listing_id=listing.id, created_at=now))
    db.session.flush()
    if _first_watch(user.id, listing.id):
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


def watchlist(user, now):
    """Listings the member watches and may still see, most recently watched first (their
    photos read at once, not a query a card)."""
    return db.session.scalars(
        select(Listing).join(Watch, Watch.listing_id == Listing.id)
        .options(selectinload(Listing.photos))
        .where(Watch.user_id == user.id, visible_listings(user, now))
        .order_by(Watch.created_at.desc())).all()


def followed_shops(user):
    """Open shops the member follows."""
    return db.session.scalars(
        select(Shop).join(Follow, Follow.shop_id == Shop.id)
        .where(Follow.user_id == user.id, Shop.status == "open", Shop.hidden_at.is_(None))
        .order_by(Shop.name)).all()
