"""Watching auctions (AUC-10)."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuctionWatch


def toggle_watch(user, auction, now):
    """Start or stop watching ``auction``; returns whether the member now watches it."""
    watch = db.session.scalar(select(AuctionWatch).where(
        AuctionWatch.user_id == user.id, AuctionWatch.auction_id == auction.id))
    if watch is not None:
        db.session.delete(watch)
        db.session.flush()
        return False
    db.session.add(AuctionWatch(user_id=user.id, auction_id=auction.id, created_at=now))
    db.session.flush()
    return True
