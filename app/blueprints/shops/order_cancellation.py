"""The shop cancels an order it cannot fulfil (SHOP-10): the amulet was sold elsewhere, it
broke, the listing is gone. Only while the order waits for payment: once the buyer has sent a
slip, money may have moved, and a refund is settled between buyer and shop (this site does
not handle refunds), so the shop messages the buyer instead.

The caller holds the order's lock (:func:`order_services.lock_order` after
``begin_immediate``), the same lock a buyer's slip takes: of a slip and a cancellation sent
at the same moment exactly one wins, and the other finds the order already moved on.
"""
from flask_babel import lazy_gettext as _l

from app.blueprints.shops.message_forms import normalise_newlines
from app.blueprints.shops.order_services import (
    OrderError, _release_stock, _require, effective_status, is_seller, notify)
from app.extensions import db
from app.i18n import Counts
from app.invisible import as_read

#: How long the shop's reason may be: enough to say what happened, short enough to read.
MIN_CANCEL_REASON, MAX_CANCEL_REASON = 10, 500
CANCEL_REASON_REQUIRED = _l("Please say why you cancel the order: the buyer will read it.")
#: (the same words as every text area with a lower and an upper limit; counts grouped, "1,200")
CANCEL_REASON_LENGTH = Counts(_l("Write %(min)d to %(max)d characters: this text has "
                                 "%(length)d."))


def clean_cancel_reason(text):
    """The reason as kept: line breaks as one character, no blank ends, 10 to 500 characters."""
    reason = normalise_newlines(text or "").strip()
    # (counted as the buyer reads it: zero-width spaces made "ok" ten characters long)
    length = len(as_read(reason).strip())
    if not length:
        raise OrderError(CANCEL_REASON_REQUIRED, field="reason")
    if len(reason) > MAX_CANCEL_REASON:
        length = len(reason)
    if not MIN_CANCEL_REASON <= length <= MAX_CANCEL_REASON:
        raise OrderError(Counts(CANCEL_REASON_LENGTH, min=MIN_CANCEL_REASON,
                                max=MAX_CANCEL_REASON, length=length), field="reason")
    return reason


def cancel_by_shop(order, seller, reason, *, now):
    """The shop's owner or staff cancel an order not yet paid, saying why: the quantity goes
    back on sale as when the buyer cancels, and the buyer is told (a notice and an e-mail in
    their language) that nothing is owed. A suspended member cannot (ACC-5)."""
    from app.blueprints.moderation.enforcement import check_can_act
    from app.notifications import notify_about

    check_can_act(seller, now)
    if is_seller(seller, order) and effective_status(order, now) in ("payment_submitted",
                                                                     "paid"):
        raise OrderError(_l("The buyer has sent a payment slip for this order, so it can no "
                            "longer be cancelled: message the buyer to settle it."))
    _require(order, seller, "shop-cancel", now)
    reason = clean_cancel_reason(reason)
    _release_stock(order)
    order.status, order.closed_at = "cancelled", now
    order.cancelled_by, order.cancel_reason = "shop", reason
    db.session.flush()
    notify(order, "order_cancelled_by_shop", member=seller)
    notify_about(order.buyer, "order_cancelled_shop", target_type="order", target_id=order.id,
                 facts={"order": f"#{order.id}", "title": order.title, "shop": order.shop.name,
                        "reason": reason}, now=now, email=False)
    if seller.id != order.shop.owner_id:
        # Staff cancelled: the owner has the e-mail copy, and the notice in the site too, as
        # an owner wants to see at a glance what their staff did with an order.
        notify_about(order.shop.owner, "order_cancelled_staff", target_type="order",
                     target_id=order.id, facts={"order": f"#{order.id}", "title": order.title,
                                                "name": seller.display_name,
                                                "reason": reason}, now=now, email=False)
