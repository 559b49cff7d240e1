"""In-app notifications with an optional e-mail, for any domain (AUC-7, AUC-10).

A notification stores its kind and facts; :data:`TEXTS` turns them into a sentence in the
reader's language when shown, so switching language changes old notices too.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.extensions import db
from app.mail import queue_mail
from app.models import Notification, User
from app.urls import external_url

TEXTS = {
    "outbid": _l("You have been outbid on “%(title)s”. The price is now %(amount)s."),
    "ending_soon": _l("“%(title)s”, which you watch, ends within the hour."),
    "won": _l("You won “%(title)s” at %(amount)s. Arrange payment with the seller."),
    "sold": _l("Your auction “%(title)s” sold for %(amount)s."),
    "unsold": _l("Your auction “%(title)s” ended without a sale."),
    "lost": _l("“%(title)s” ended; another bidder won it."),
}


def notify(user, kind, *, auction=None, amount=None, now, email=True):
    """Record a notice for ``user`` and, if ``email``, queue the matching e-mail
    (``mail/notice_<kind>.txt``; sent after commit)."""
    _add(user.id, kind, auction, amount, now)
    if email:
        link = external_url("auctions.auction", auction_id=auction.id) if auction else None
        queue_mail(user.email, f"notice_{kind}", user=user, auction=auction, amount=amount,
                   link=link, kind=f"notice_{kind}")


def notify_id(user_id, kind, *, auction=None, amount=None, now, email=True):
    """:func:`notify` for a member known by id (an in-app notice alone loads no member)."""
    if email:
        notify(db.session.get(User, user_id), kind, auction=auction, amount=amount, now=now)
        return
    _add(user_id, kind, auction, amount, now)


def _add(user_id, kind, auction, amount, now):
    db.session.add(Notification(user_id=user_id, kind=kind, created_at=now,
                                auction_id=auction.id if auction is not None else None,
                                amount_satang=amount))


def unread_count(user):
    """How many notices ``user`` has not seen."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user, limit=50):
    """The member's latest notices, newest first."""
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id.desc()).limit(limit)).all()


def mark_all_read(user, now):
    """Mark every notice of ``user`` as read."""
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now))
