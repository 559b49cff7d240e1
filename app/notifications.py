"""In-app notifications with an optional e-mail, for any domain (AUC-7, AUC-10).

A notification stores its kind and facts; :data:`TEXTS` turns them into a sentence in the
reader's language when shown, so switching language changes old notices too.
"""
import json
from dataclasses import dataclass
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update

from app.extensions import db
from app.mail import queue_mail
from app.models import Notification, User
from app.models.accounts import shown_name
from app.urls import external_url

TEXTS = {
    "outbid": _l("You have been outbid on “%(title)s”. The price is now %(amount)s."),
    "ending_soon": _l("“%(title)s”, which you watch, ends within the hour."),
    "won": _l("You won “%(title)s” at %(amount)s. Arrange payment with the seller."),
    "sold": _l("Your auction “%(title)s” sold for %(amount)s."),
    "unsold": _l("Your auction “%(title)s” ended without a sale."),
    "reserve_met": _l("A bid of %(amount)s met the reserve of your auction “%(title)s”: it "
                      "will sell. It now ends within the hour (later only if bids come in its "
                      "last 5 minutes)."),
    "lost": _l("“%(title)s” ended; another bidder won it."),
    "ended_unsold": _l("“%(title)s”, which you bid on, ended without a sale: nobody won it "
                       "and nobody pays."),
    "order_cancelled_mod": _l(
        "Order %(order)s for “%(title)s” was cancelled by the moderators because of a sanction "
        "on the other party."),
    "order_cancelled_shop": _l(
        "%(shop)s cancelled your order %(order)s for “%(title)s”, which you had not paid: you "
        "owe nothing for it. The shop's reason: “%(reason)s”"),
    # SHOP-10: the steps of an order, for the side that did not take them
    "order_placed_shop": _l("%(buyer)s ordered “%(title)s” from %(shop)s: order %(order)s "
                            "waits for payment."),
    "order_cancelled_buyer": _l("%(buyer)s cancelled order %(order)s for “%(title)s” before "
                                "paying; the quantity is back on sale."),
    "order_slip_sent": _l("%(buyer)s sent the payment slip of order %(order)s for "
                          "“%(title)s”: check that the money has arrived, then confirm it."),
    "order_paid_buyer": _l("%(shop)s confirmed your payment for order %(order)s "
                           "(“%(title)s”): the shop will ship it."),
    "order_payment_refused": _l("%(shop)s did not find your payment for order %(order)s "
                                "(“%(title)s”): please check it and send the slip again."),
    "order_shipped_buyer": _l("%(shop)s shipped order %(order)s (“%(title)s”): the tracking "
                              "number is on the order page."),
    "order_new_address_shop": _l(
        "%(buyer)s changed the delivery address of order %(order)s (“%(title)s”): please send "
        "it to the new address on the order page."),
    "order_received_shop": _l("%(buyer)s received order %(order)s (“%(title)s”): the order is "
                              "completed."),
    "order_cancelled_staff": _l(
        "%(name)s, of your shop's staff, cancelled order %(order)s for “%(title)s”, which had "
        "not been paid. Their reason: “%(reason)s”"),
}

#: The e-mail subject of a notice of a kind (its facts filled in as in :data:`TEXTS`); a kind
#: without one is mailed under a general subject (``mail/notice_about.txt``).
SUBJECTS = {
    "order_cancelled_mod": _l("Order %(order)s for “%(title)s” was cancelled"),
}


#: Code values in a notice's facts shown as words: ``{"sign": {"fake": _l("FAKE"), ...}}``.
#: Domains register their labels with :func:`register_labels`.
LABELS = {}
#: Where a notice about a target links to: ``{"sign": callable(target_id) -> url}``.
LINKS = {}
#: A kind whose sentence depends on its facts: ``{"sanction": callable(facts) -> TEXTS key}``.
VARIANTS = {}


def register_labels(field, labels):
    """Show the code values of ``field`` in a notice's facts as these (translated) words."""
    LABELS[field] = labels


def register_variant(kind, choose):
    """Word notices of ``kind`` with ``TEXTS[choose(facts)]`` (facts as stored)."""
    VARIANTS[kind] = choose


def register_link(target_type, make_url):
    """Link notices about ``target_type`` to ``make_url(target_id)``."""
    LINKS[target_type] = make_url


def notify_about(user, kind, *, target_type, target_id, facts, now, email=True):
    """A notice about something other than an auction (a sign, a strike, a sanction): ``facts``
    is a dict of strings filled into ``TEXTS[kind]`` when shown (code values listed in
    :data:`LABELS` are shown as words). With ``email``, the same sentence and a link are
    mailed (``mail/notice_about.txt``)."""
    data = json.dumps(facts, ensure_ascii=False, default=str)
    db.session.execute(_insert_notice(), dict(
        user_id=user.id, kind=kind, created_at=now, target_type=target_type,
        target_id=target_id, data=data))
    if email:
        note = Notification(kind=kind, target_type=target_type, target_id=target_id, data=data)
        queue_mail(user.email, "notice_about", user=user, notice=note, kind=f"notice_{kind}",
                   link=notice_link(note, external=True))


def notice_facts(notice):
    """The facts of a notice, code values turned into words in the reader's language."""
    try:
        facts = json.loads(notice.data or "{}")
    except ValueError:
        facts = {}
    shown = {}
    for key, value in facts.items():
        labels = LABELS.get(key)
        shown[key] = str(labels.get(value, value)) if labels else value
    return shown


def notice_text(notice):
    """The notice as a sentence in the reader's language."""
    facts = notice_facts(notice)
    choose = VARIANTS.get(notice.kind)
    text = TEXTS.get(choose(facts) if choose else notice.kind)
    if text is None:
        return ""
    if notice.auction_id:
        from app.i18n import format_baht

        facts.setdefault("title", notice.auction.title)
        facts.setdefault("amount", format_baht(notice.amount_satang)
                         if notice.amount_satang is not None else "")
    try:
        return str(text) % facts
    except (KeyError, TypeError, ValueError):
        return str(text)


def notice_subject(notice):
    """The e-mail subject of a notice of its kind (:data:`SUBJECTS`), or None."""
    text = SUBJECTS.get(notice.kind)
    if text is None:
        return None
    try:
        return str(text) % notice_facts(notice)
    except (KeyError, TypeError, ValueError):
        return None


def notice_link(notice, external=False):
    """Where the notice leads: the page of what it is about (a won or sold auction's notice:
    its sale, where paying, shipping and feedback happen), else its auction."""
    from flask import url_for

    make_url = LINKS.get(notice.target_type or "")
    if make_url is not None:
        return make_url(notice.target_id, external=external)
    if notice.auction_id:
        if external:
            return external_url("auctions.auction", auction_id=notice.auction_id)
        return url_for("auctions.auction", auction_id=notice.auction_id)
    return None


def notify(user, kind, *, auction=None, amount=None, sale_id=None, now, email=True,
           **mail_facts):
    """Record a notice for ``user`` and, if ``email``, queue the matching e-mail
    (``mail/notice_<kind>.txt``; sent after commit). ``sale_id``: the sale the notice is
    about (won, sold), where it and the e-mail lead; ``mail_facts``: more for the e-mail
    (why an auction did not sell)."""
    _add(user.id, kind, auction, amount, now, sale_id)
    if email:
        note = Notification(kind=kind, auction_id=auction.id if auction else None,
                            target_type="sale" if sale_id else None, target_id=sale_id)
        queue_mail(user.email, f"notice_{kind}", user=user, auction=auction, amount=amount,
                   link=notice_link(note, external=True), kind=f"notice_{kind}",
                   **mail_facts)


@dataclass(frozen=True)
class Recipient:
    """What an e-mail needs of a member (a bidding war mails members it has not loaded)."""

    id: int
    email: str
    locale: str
    stored_name: str

    @property
    def display_name(self):
        return shown_name(self.id, self.stored_name)


def notify_id(user_id, kind, *, auction=None, amount=None, sale_id=None, now, email=True):
    """:func:`notify` for a member known by id: an in-app notice alone reads nothing of the
    member, an e-mail only the :class:`Recipient` facts (a member already loaded is used)."""
    if email:
        session = db.session()
        user = session.identity_map.get(session.identity_key(User, user_id))
        if user is None:
            row = session.execute(_recipient(), {"user_id": user_id}).one()
            user = Recipient(*row)
        notify(user, kind, auction=auction, amount=amount, sale_id=sale_id, now=now)
        return
    _add(user_id, kind, auction, amount, now, sale_id)


@cache
def _recipient():
    users = User.__table__  # table columns: a plain row, without the ORM's loading
    return select(users.c.id, users.c.email, users.c.locale,
                  users.c.display_name.label("stored_name")).where(
        users.c.id == bindparam("user_id"))


@cache
def _insert_notice():
    return insert(Notification.__table__)


def _add(user_id, kind, auction, amount, now, sale_id=None):
    # A table INSERT: a notice is never changed in the request that writes it, so the ORM's
    # unit of work (a third of what an outbid notice cost a bid) buys nothing.
    db.session.execute(_insert_notice(), dict(
        user_id=user_id, kind=kind, created_at=now,
        auction_id=auction.id if auction is not None else None, amount_satang=amount, data="{}",
        target_type="sale" if sale_id is not None else None, target_id=sale_id))


def unread_count(user):
    """How many notices ``user`` has not seen."""
    return db.session.scalar(_unread_statement(), dict(member=user.id)) or 0


@cache
def _unread_statement():
    """Built once per process: the header of every member's page shows the count."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("member"), Notification.read_at.is_(None))


def recent(user, limit=50):
    """The member's latest notices, newest first."""
    from sqlalchemy.orm import selectinload

    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .options(selectinload(Notification.auction))
                              .order_by(Notification.id.desc()).limit(limit)).all()


def mark_all_read(user, now):
    """Mark every notice of ``user`` as read."""
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now))
