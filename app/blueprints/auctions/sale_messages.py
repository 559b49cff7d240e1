"""Messages between the buyer and the seller of a sale (AUC-7): where to pay, where to send
the item, when it went. Only the two parties write; moderators may read them (a dispute). The
other party is told by a notice, and by e-mail only while they have an unread notice of none,
so a conversation does not flood their inbox. Functions here flush; the view commits."""
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update

from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions.sales import role_in
from app.blueprints.shops.message_services import clean_body
from app.extensions import db
from app.models import Notification, SaleMessage, Shop
from app.notifications import SUBJECTS, TEXTS, notify_about

TEXTS["sale_message"] = _l("%(name)s wrote to you about the sale of “%(title)s”.")
SUBJECTS["sale_message"] = _l("A message about the sale of “%(title)s”")


def messages_of(sale):
    """The sale's messages, oldest first, with their senders."""
    return db.session.scalars(select(SaleMessage).where(SaleMessage.sale_id == sale.id)
                              .order_by(SaleMessage.id)).all()


def message_refusal(sale, sender, now):
    """Why ``sender`` may not write about ``sale`` now (ACC-5), or None: a suspended party
    posts nothing, but until the sale is completed a message settles it, as its steps do
    (payment details, the address, the tracking number)."""
    from app.blueprints.moderation.enforcement import suspension_refusal

    if sale.step != "completed":
        return None
    return suspension_refusal(sender, now)


def post(sale, sender, body, now):
    """Add ``sender``'s message to the sale's conversation and tell the other party."""
    refusal = message_refusal(sale, sender, now)  # ACC-5
    if refusal is not None:
        raise refusal
    role = role_in(sender, sale)
    if role is None:
        raise AccountError(_l("Only the buyer and the seller can write here."))
    message = SaleMessage(sale_id=sale.id, sender_id=sender.id, body=clean_body(body),
                          created_at=now)
    db.session.add(message)
    db.session.flush()
    other = sale.seller if role == "buyer" else sale.buyer
    refreshed = db.session.execute(_refresh_unread(), dict(
        member=other.id, sale=sale.id, at=now)).rowcount
    if not refreshed:
        notify_about(other, "sale_message", target_type="sale", target_id=sale.id,
                     facts={"name": sender.display_name, "title": sale.auction.title}, now=now)
    return message


@cache
def _refresh_unread():
    """The other party's unread notice of a message on this sale, brought up to date."""
    notices = Notification.__table__
    return (update(notices).where(
        notices.c.user_id == bindparam("member"), notices.c.kind == "sale_message",
        notices.c.target_type == "sale", notices.c.target_id == bindparam("sale"),
        notices.c.read_at.is_(None))
        .values(created_at=bindparam("at", type_=notices.c.created_at.type)))


def payment_details(sale):
    """The seller's open shop, when it gives a bank account or PromptPay number (shown to the
    buyer while the sale awaits payment), else None."""
    shop = db.session.scalar(select(Shop).where(
        Shop.owner_id == sale.seller_id, Shop.status == "open", Shop.hidden_at.is_(None))
        .order_by(Shop.id).limit(1))
    if shop is None or not (shop.bank_account_number or shop.promptpay_id):
        return None
    return shop
