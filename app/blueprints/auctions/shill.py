"""Shill signals (AUC-12): the seller's shop staff may not bid; a bid from the seller's IP
address or device is taken but flagged for moderators (open :class:`BidFlag` rows are the
moderation queue's hook)."""
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select

from app.extensions import db
from app.models import Auction, BidFlag, LoginSession, Shop, ShopStaff


def works_for_seller(user_id, seller_id):
    """Whether ``user_id`` is staff of a shop the seller owns."""
    return db.session.scalar(
        select(ShopStaff.id).join(Shop, Shop.id == ShopStaff.shop_id)
        .where(Shop.owner_id == seller_id, ShopStaff.user_id == user_id).limit(1)) is not None


@dataclass(frozen=True)
class Signals:
    """What the shill rules know of one bidder on one auction, read with the auction row."""

    staff: bool  # the bidder is staff of a shop the seller owns: refused
    seller_ip: bool  # the bid's IP address is one of the seller's live sessions': flagged
    seller_device: bool  # the bid's device is one of the seller's live sessions': flagged


def staff_column():
    """For a statement on ``auctions``: whether the member bound as ``bidder_id`` is staff of
    a shop the auction's seller owns."""
    return exists().where(ShopStaff.user_id == bindparam("bidder_id"),
                          ShopStaff.shop_id == Shop.id,
                          Shop.owner_id == Auction.seller_id).label("staff")


def signal_columns():
    """For a statement on ``auctions``: the :class:`Signals` columns of the bid bound as
    ``bidder_id``, ``ip``, ``device`` at ``now``, so the bid reads them in the statement that
    locks the auction instead of one query each. An empty address or device matches
    nothing."""
    def seen(column, name):
        return exists().where(LoginSession.user_id == Auction.seller_id,
                              LoginSession.expires_at > bindparam("now"),
                              column == bindparam(name), column != "").label(f"seller_{name}")

    return staff_column(), seen(LoginSession.ip, "ip"), seen(LoginSession.device, "device")


def signals_from(row):
    """:class:`Signals` from a row that selected :func:`signal_columns`."""
    return Signals(bool(row.staff), bool(row.seller_ip), bool(row.seller_device))


def flag_if_seller_like(auction, bid, now, signals):
    """Flag ``bid`` when it comes from the seller's IP address or device (where the auction
    was started from, or one of the seller's live log-in sessions); returns the reasons.
    ``signals``: what :func:`signal_columns` read for this bid's IP address and device."""
    reasons = []
    if bid.ip and (signals.seller_ip or bid.ip == auction.created_ip):
        reasons.append("same_ip")
    if bid.device and (signals.seller_device or bid.device == auction.created_device):
        reasons.append("same_device")
    for reason in reasons:
        db.session.add(BidFlag(bid_id=bid.id, auction_id=auction.id, reason=reason,
                               created_at=now))
    if reasons:
        from app.blueprints.moderation import queue

        queue.open_item("shill_flag", "auction", auction.id, now=now,
                        subject_user_id=auction.seller_id, source_id=bid.id,
                        summary=", ".join(reasons))
    return reasons


def auction_flags(auction_id, *, open_only=True):
    """The shill flags on one auction, oldest first."""
    query = select(BidFlag).where(BidFlag.auction_id == auction_id)
    if open_only:
        query = query.where(BidFlag.resolved_at.is_(None))
    return db.session.scalars(query.order_by(BidFlag.created_at, BidFlag.id)).all()


def resolve_flags(auction_id, moderator, *, now):
    """A moderator dealt with the auction's open flags; returns how many were resolved."""
    flags = auction_flags(auction_id)
    for flag in flags:
        flag.resolved_at, flag.resolved_by_id = now, moderator.id
    db.session.flush()
    return len(flags)


def open_flags(limit=100):
    """Flags no moderator has dealt with yet, oldest first."""
    return db.session.scalars(select(BidFlag).where(BidFlag.resolved_at.is_(None))
                              .order_by(BidFlag.created_at, BidFlag.id).limit(limit)).all()
