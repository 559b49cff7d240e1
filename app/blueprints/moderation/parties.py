"""Moderators who took part in a trade do not judge it (MOD-7): whoever bid on an auction
(leading, outbid or the winner) or ordered a listing has a stake in what a STOP sign or a
report's decision does to it: a bidder halting the auction they lead, a buyer clearing the
listing they bought. The seller's own items are refused apart (``signs._check_not_own``,
``queue.barred_reason``)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db

#: Said to a moderator who took part in the item's trade.
TOOK_PART = _l("You bid on this auction or ordered this listing: another moderator must decide "
               "about it.")


def took_part(moderator_id, target_type, target_id):
    """Whether ``moderator_id`` bid on the auction, or ordered the listing, ``target_id``."""
    from app.models import Bid, Order

    if target_type == "auction":
        statement = select(Bid.id).where(Bid.auction_id == target_id,
                                         Bid.bidder_id == moderator_id)
    elif target_type == "listing":
        statement = select(Order.id).where(Order.listing_id == target_id,
                                           Order.buyer_id == moderator_id)
    else:
        return False
    return db.session.scalar(statement.limit(1)) is not None
