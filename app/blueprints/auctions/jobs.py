"""Auction jobs: settle ended auctions, remind watchers of auctions about to end, record the
default feedback. Each is idempotent and commits one short transaction per item."""
from datetime import timedelta

from sqlalchemy import or_, select

from app.blueprints.auctions.bidding import lock_auction
from app.blueprints.auctions.lifecycle import settle
from app.blueprints.auctions.state import AUTHENTIC
from app.database import begin_immediate
from app.extensions import db
from app.models import Auction, AuctionWatch
from app.notifications import notify_id

ENDING_SOON = timedelta(hours=1)


def due_auction_ids(now, limit=500):
    """Auctions the clock has ended that are not settled yet."""
    return db.session.scalars(select(Auction.id).where(
        Auction.settled_at.is_(None), Auction.ends_at <= now)
        .order_by(Auction.ends_at).limit(limit)).all()


def settle_due(now):
    """Settle every ended auction (AUC-7); returns how many were settled now."""
    count = 0
    for auction_id in due_auction_ids(now):
        auction = lock_auction(auction_id)
        if auction is not None and auction.settled_at is None:
            settle(auction, now)
            count += 1
        db.session.commit()
    return count


def remind_ending(now):
    """Tell watchers once that an auction they watch ends within the hour (AUC-10)."""
    rows = db.session.execute(
        select(AuctionWatch.id).join(Auction, Auction.id == AuctionWatch.auction_id).where(
            AuctionWatch.ending_notified_at.is_(None), Auction.settled_at.is_(None),
            Auction.ends_at > now, Auction.ends_at <= now + ENDING_SOON,
            Auction.starts_at <= now, Auction.hidden_at.is_(None),  # hidden: CMP-3
            # A halted auction (any STOP sign but AUTHENTIC, AUC-3) takes no bids: no reminder.
            or_(Auction.stop_sign.is_(None), Auction.stop_sign == AUTHENTIC))).scalars().all()
    count = 0
    for watch_id in rows:
        begin_immediate(db.session)
        watch = db.session.get(AuctionWatch, watch_id, with_for_update=True,
                               populate_existing=True)
        if watch is None or watch.ending_notified_at is not None:
            db.session.commit()
            continue
        watch.ending_notified_at = now
        auction = db.session.get(Auction, watch.auction_id)
        notify_id(watch.user_id, "ending_soon", auction=auction, now=now)
        db.session.commit()
        count += 1
    return count
