"""The lists of orders (a buyer's, a shop's) by status (SHOP-10): a shop with many orders finds
the slips to check and the parcels to send without paging through every order it ever had,
and a buyer the orders still to pay. Statuses are the clock's (``effective_status``): an unpaid
order past its time is counted as expired, not as waiting for payment."""
from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.models import Order
from app.models.orders import ORDER_STATUSES


def chosen_status(value):
    """The status a list was asked for (``?status=``), or None for every order."""
    return value if value in ORDER_STATUSES else None


def _overdue(now):
    return and_(Order.status == "awaiting_payment", Order.expires_at <= now)


def with_status(status, now):
    """The condition that picks the orders whose status, as the clock has it, is ``status``."""
    if status == "awaiting_payment":
        return and_(Order.status == "awaiting_payment", Order.expires_at > now)
    if status == "expired":
        return or_(Order.status == "expired", _overdue(now))
    return Order.status == status


def status_counts(where, now):
    """``{status: how many}`` of the orders matching ``where``, as the clock has them, in one
    query; statuses with none are left out."""
    status = case((_overdue(now), "expired"), else_=Order.status)
    return dict(db.session.execute(select(status, func.count(Order.id)).where(where)
                                   .group_by(status)).all())
