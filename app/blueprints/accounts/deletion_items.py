"""Which orders, auctions, deals and pages hold an account deletion back (ACC-9): the page
names each one with a link, not only its kind, so the member knows what to settle."""
from dataclasses import dataclass

from sqlalchemy import select

from app.blueprints.accounts.deletion import OPEN_COMPLAINT_STATUSES, OPEN_ORDER_STATUSES
from app.extensions import db
from app.models import Auction, Bid, Complaint, ComplaintTarget, Order, Sale, Shop

#: How many of one kind the page names; the rest are counted.
SHOWN = 5


@dataclass(frozen=True)
class OpenItem:
    """One thing still open: ``kind`` says which page it has ("order", "auction", "sale",
    "page"), ``key`` the id (or the address of a page), ``title`` how it is named."""

    kind: str
    key: object
    title: str


def _orders(query):
    return [OpenItem("order", order.id, order.title) for order in db.session.scalars(
        query.order_by(Order.id.desc()).limit(SHOWN + 1))]


def open_items(user, codes):
    """``{code: [OpenItem, ...]}`` for the blocker ``codes`` that name single things (at most
    :data:`SHOWN` + 1 each, newest first, so the page can say there are more). A running
    sanction, an appeal, an IP-address request or being the last admin are named by their
    kind alone."""
    uid = user.id
    own_shops = select(Shop.id).where(Shop.owner_id == uid)
    found = {}
    if "orders_buying" in codes:
        found["orders_buying"] = _orders(select(Order).where(
            Order.buyer_id == uid, Order.status.in_(OPEN_ORDER_STATUSES)))
    if "orders_selling" in codes:
        found["orders_selling"] = _orders(select(Order).where(
            Order.shop_id.in_(own_shops), Order.status.in_(OPEN_ORDER_STATUSES)))
    if "auctions_selling" in codes:
        found["auctions_selling"] = [OpenItem("auction", a.id, a.title) for a in
                                     db.session.scalars(select(Auction).where(
                                         Auction.seller_id == uid, Auction.settled_at.is_(None))
                                         .order_by(Auction.id.desc()).limit(SHOWN + 1))]
    if "auctions_bidding" in codes:
        bid_on = select(Bid.auction_id).where(Bid.bidder_id == uid)
        found["auctions_bidding"] = [OpenItem("auction", a.id, a.title) for a in
                                     db.session.scalars(select(Auction).where(
                                         Auction.id.in_(bid_on), Auction.settled_at.is_(None))
                                         .order_by(Auction.id.desc()).limit(SHOWN + 1))]
    if "sales" in codes:
        found["sales"] = [OpenItem("sale", sale.id, sale.auction.title) for sale in
                          db.session.scalars(select(Sale).where(
                              (Sale.buyer_id == uid) | (Sale.seller_id == uid),
                              Sale.step != "completed")
                              .order_by(Sale.id.desc()).limit(SHOWN + 1))]
    if "complaints" in codes:
        found["complaints"] = [OpenItem("page", target.id, target.url) for target in
                               db.session.scalars(select(ComplaintTarget).join(
                                   Complaint, Complaint.id == ComplaintTarget.complaint_id)
                                   .where(ComplaintTarget.owner_id == uid,
                                          Complaint.status.in_(OPEN_COMPLAINT_STATUSES))
                                   .order_by(ComplaintTarget.id.desc()).limit(SHOWN + 1))]
    return found
