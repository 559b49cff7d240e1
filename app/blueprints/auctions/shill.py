"""Shill signals (AUC-12): the seller's shop staff may not bid; a bid from the seller's IP
address or device is taken but flagged for moderators (open :class:`BidFlag` rows are the
moderation queue's hook)."""
from sqlalchemy import select

from app.extensions import db
from app.models import BidFlag, LoginSession, Shop, ShopStaff


def works_for_seller(user_id, seller_id):
    """Whether ``user_id`` is staff of a shop the seller owns."""
    return db.session.scalar(
        select(ShopStaff.id).join(Shop, Shop.id == ShopStaff.shop_id)
        .where(Shop.owner_id == seller_id, ShopStaff.user_id == user_id).limit(1)) is not None


def seller_fingerprint(auction, now):
    """The addresses and devices the seller is known by: where the auction was started from
    and the seller's live log-in sessions."""
    ips, devices = {auction.created_ip}, {auction.created_device}
    rows = db.session.execute(select(LoginSession.ip, LoginSession.device).where(
        LoginSession.user_id == auction.seller_id, LoginSession.expires_at > now)).all()
    for ip, device in rows:
        ips.add(ip)
        devices.add(device)
    ips.discard("")
    devices.discard("")
    return ips, devices


def flag_if_seller_like(auction, bid, now):
    """Flag ``bid`` when it comes from the seller's IP address or device; returns the
    reasons."""
    ips, devices = seller_fingerprint(auction, now)
    reasons = []
    if bid.ip and bid.ip in ips:
        reasons.append("same_ip")
    if bid.device and bid.device in devices:
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
