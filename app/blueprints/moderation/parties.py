"""Moderators who took part in a trade do not judge it (MOD-7): whoever bid on an auction
(leading, outbid or the winner) or ordered a listing has a stake in what a STOP sign or a
report's decision does to it: a bidder halting the auction they lead, a buyer clearing the
listing they bought. So has one deciding an owner's explanation or lift request about a sign
on such an item ("Keep the sign" on the auction they lost). The seller's own items are
refused apart (``signs._check_not_own``, ``queue.barred_reason``)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db

#: Said to a moderator who took part in the item's trade.
TOOK_PART = _l("You bid on this auction or ordered this listing: another moderator must decide "
               "about it.")


def took_part(moderator_id, target_type, target_id):
    """Whether ``moderator_id`` bid on the auction, or ordered the listing, ``target_id``
    (for a ``sign``, the item it hangs on)."""
    return (target_type, target_id) in traded(moderator_id, [(target_type, target_id)])


def traded(moderator_id, pairs):
    """The ``(target_type, target_id)`` pairs among ``pairs`` whose trade ``moderator_id``
    took part in (:func:`took_part`), in at most three queries however many pairs: the review
    queue asks once a page and leaves out those rows' actions."""
    from app.models import Bid, Order, StopSign

    pairs = set(pairs)
    sign_ids = {target_id for target_type, target_id in pairs if target_type == "sign"}
    signed = {}
    if sign_ids:
        signed = {row.id: (row.target_type, row.target_id) for row in db.session.execute(
            select(StopSign.id, StopSign.target_type, StopSign.target_id).where(
                StopSign.id.in_(sign_ids)))}
    items = {pair for pair in pairs if pair[0] in ("auction", "listing")} | set(signed.values())
    found = set()
    auction_ids = {i for t, i in items if t == "auction"}
    if auction_ids:
        found |= {("auction", i) for i in db.session.scalars(
            select(Bid.auction_id).where(Bid.bidder_id == moderator_id,
                                         Bid.auction_id.in_(auction_ids)).distinct())}
    listing_ids = {i for t, i in items if t == "listing"}
    if listing_ids:
        found |= {("listing", i) for i in db.session.scalars(
            select(Order.listing_id).where(Order.buyer_id == moderator_id,
                                           Order.listing_id.in_(listing_ids)).distinct())}
    return {pair for pair in pairs
            if pair in found or (pair[0] == "sign" and signed.get(pair[1]) in found)}
