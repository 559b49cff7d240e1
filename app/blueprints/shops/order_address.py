"""The buyer corrects an order's delivery address (SHOP-10).

A typo in the house number or a move found out after ordering used to leave the buyer only a
message to the shop, which its people could miss while packing. The buyer may change the
address while the order has not shipped; the shop's owner is told on the site and both sides
by e-mail, and the order page says when it changed. Once shipped the parcel is on its way:
the answer says to write to the shop instead. Functions take ``now``, raise
:class:`~app.blueprints.shops.order_services.OrderError` and never commit.
"""
from flask_babel import lazy_gettext as _l

from app.blueprints.shops.order_services import (
    OrderError, ShippingAddress, effective_status, is_buyer, notify)

#: The stages at which the parcel has not left the shop.
BEFORE_SHIPPING = frozenset({"awaiting_payment", "payment_submitted", "paid"})


def may_change_address(order, user, now):
    """True when ``user`` may change where ``order`` is sent now: its buyer, before it ships.
    (A suspended buyer may too: it settles what is already open, as paying does, ACC-5.)"""
    return is_buyer(user, order) and effective_status(order, now) in BEFORE_SHIPPING


def current_address(order):
    """The address the order has now, as :func:`order_services.clean_shipping_address`
    gives one."""
    return ShippingAddress(order.ship_name, order.ship_phone, order.ship_address,
                           order.ship_postcode)


def change_address(order, buyer, ship_to, *, now):
    """Send ``order`` to ``ship_to`` (a cleaned :class:`ShippingAddress`) from now on. The
    caller has locked the order row, so a shop shipping at the same moment comes first or
    after, never in between. True when something changed (the same address again tells
    nobody anything)."""
    if not is_buyer(buyer, order):
        raise OrderError(_l("Only the buyer can change where an order is sent."))
    status = effective_status(order, now)
    if status == "shipped":
        raise OrderError(_l("The shop has already shipped this order, so its address can no "
                            "longer be changed here. Please write to the shop about it."))
    if status not in BEFORE_SHIPPING:
        raise OrderError(_l("This order is closed: its address can no longer be changed."))
    if ship_to == current_address(order):
        return False
    order.ship_name, order.ship_phone = ship_to.name, ship_to.phone
    order.ship_address, order.ship_postcode = ship_to.address, ship_to.postcode
    order.ship_address_changed_at = now
    notify(order, "order_address_changed", now=now)
    return True
