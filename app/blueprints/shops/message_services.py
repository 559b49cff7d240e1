"""Messages between a buyer and a shop about a listing (SHOP-5).

A conversation joins one buyer and one shop about one listing. The shop's side is everyone who
runs it (owner and the staff its plan allows; staff paused by a smaller plan neither see nor
answer, SHOP-2): any of them reads and answers, and one read mark serves them all.
A message is unread for a side when the other side sent it after that side's read mark.
Functions here change state and flush; the view commits, and mail leaves after the commit.
"""
from dataclasses import dataclass
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.blueprints.shops.errors import ShopError
from app.blueprints.shops.message_forms import (
    MAX_MESSAGE_LENGTH, MESSAGE_REQUIRED, MESSAGE_TOO_LONG, normalise_newlines)
from app.blueprints.shops.visibility import managed_shop_ids, shops_managed_by
from app.blueprints.shops.shop_services import check_not_frozen
from app.extensions import db
from app.invisible import as_read
from app.urls import external_url
from app.mail import queue_mail
from app.models import Conversation, Message
from app.permissions import can_manage_listings, can_moderate, is_member, works_for_shop

BUYER, SELLER = "buyer", "seller"
_MESSAGE_OF_CONVERSATION = Conversation.id == Message.conversation_id
MAIL_EXCERPT_LENGTH = 300


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: the conversation, the reader's side, its last message, unread."""

    conversation: Conversation
    side: str
    last_message: Message | None
    unread: int


def clean_body(body):
    """The message text with line breaks kept and outer blanks trimmed; 1 to 2,000 characters."""
    body = normalise_newlines(body or "").strip()
    if not as_read(body).strip():  # (zero-width spaces alone sent a blank message)
        raise ShopError(MESSAGE_REQUIRED, field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ShopError(MESSAGE_TOO_LONG, field="body")
    return body


def side_of(user, conversation):
    """Which side ``user`` speaks for: ``BUYER``, ``SELLER`` (the shop's people) or None."""
    if not is_member(user):
        return None
    if conversation.buyer_id == user.id:
        return BUYER
    if can_manage_listings(user, conversation.shop):
        return SELLER
    return None


def can_read(user, conversation):
    """Both sides read a conversation; moderators may too, read-only (for reports, MOD-11)."""
    return side_of(user, conversation) is not None or can_moderate(user)


def find_conversation(listing_id, buyer_id):
    """The buyer's conversation about the listing, if one was started."""
    return db.session.scalar(select(Conversation).where(
        Conversation.listing_id == listing_id, Conversation.buyer_id == buyer_id))


def open_conversation(listing, buyer, now):
    """The buyer's conversation with the listing's shop, created if needed.

    Returns ``(conversation, created)``. Two first messages sent at once create one
    conversation: the loser of the race hits the unique constraint inside a savepoint and
    takes the winner's conversation.
    """
    if works_for_shop(buyer, listing.shop):
        raise ShopError(_l("This listing belongs to your own shop. Answer buyers from your "
                           "messages instead."))
    conversation = find_conversation(listing.id, buyer.id)
    if conversation is not None:
        return conversation, False
    conversation = Conversation(listing_id=listing.id, shop_id=listing.shop_id,
                                buyer_id=buyer.id, created_at=now, last_message_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(conversation)
    except IntegrityError:
        conversation = find_conversation(listing.id, buyer.id)
        if conversation is None:  # the other request rolled back after all
            raise
        return conversation, False
    return conversation, True


def message_refusal(sender, now, *, buyer_id, shop_id):
    """Why ``sender`` may not write in the conversation of buyer ``buyer_id`` with shop
    ``shop_id`` now (started or not), or None (ACC-5). A suspended member posts nothing, but
    a message about an order still open between that buyer and the shop settles the order,
    as paying, shipping and receiving do (``order_services.POSTING_ACTIONS``): the other
    party, who did nothing wrong, must still hear when the parcel went out or where to send
    it."""
    from app.blueprints.moderation.enforcement import suspension_refusal

    refusal = suspension_refusal(sender, now)
    if refusal is None or has_open_order(buyer_id, shop_id):
        return None
    return refusal


def has_open_order(buyer_id, shop_id):
    """Whether the buyer has an order with the shop not yet completed, cancelled or
    expired."""
    from app.blueprints.shops.order_services import OPEN_STATUSES
    from app.models import Order

    return db.session.scalar(select(Order.id).where(
        Order.buyer_id == buyer_id, Order.shop_id == shop_id,
        Order.status.in_(OPEN_STATUSES)).limit(1)) is not None


def post_message(conversation, sender, body, now):
    """Add ``sender``'s message; the sender's side has now read everything up to it."""
    refusal = message_refusal(sender, now, buyer_id=conversation.buyer_id,  # ACC-5
                              shop_id=conversation.shop_id)
    if refusal is not None:
        raise refusal
    check_not_frozen("messages")  # SHOP-9
    side = side_of(sender, conversation)
    if side is None:
        raise ShopError(_l("Only the buyer and the shop can write in this conversation."))
    message = Message(conversation_id=conversation.id, sender_id=sender.id,
                      body=clean_body(body), created_at=now)
    db.session.add(message)
    db.session.flush()
    _update_conversation(conversation, Conversation.last_message_at, now)
    mark_read(conversation, side, now)
    return message


def contact_seller(listing, buyer, body, now):
    """A member writes to the listing's shop: the first message starts the conversation and
    tells the shop's owner by e-mail. Returns ``(conversation, message, created)``."""
    refusal = message_refusal(buyer, now, buyer_id=buyer.id, shop_id=listing.shop_id)
    if refusal is not None:  # ACC-5, before a conversation is started
        raise refusal
    body = clean_body(body)
    conversation, created = open_conversation(listing, buyer, now)
    message = post_message(conversation, buyer, body, now)
    if created:
        _tell_the_shop(conversation, message)
    return conversation, message, created


def _tell_the_shop(conversation, message):
    """E-mail the shop's owner that a buyer started a conversation (not on every message)."""
    owner = conversation.shop.owner
    excerpt = message.body
    if len(excerpt) > MAIL_EXCERPT_LENGTH:
        excerpt = excerpt[:MAIL_EXCERPT_LENGTH].rstrip() + "…"
    link = external_url("shops.conversation", conversation_id=conversation.id)
    queue_mail(owner.email, "new_conversation", user=owner, kind="new_conversation",
               buyer_name=conversation.buyer.display_name, shop_name=conversation.shop.name,
               listing_title=conversation.listing.title, excerpt=excerpt, link=link)


def mark_read(conversation, side, upto):
    """Move ``side``'s read mark forward to ``upto`` (never back, also under concurrency)."""
    column = Conversation.buyer_read_at if side == BUYER else Conversation.seller_read_at
    _update_conversation(conversation, column, upto)


def _update_conversation(conversation, column, moment):
    """Move a timestamp of the conversation forward to ``moment`` in one conditional UPDATE,
    so concurrent requests never move it back."""
    db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, or_(column.is_(None), column < moment))
        .values({column.key: moment})
        .execution_options(synchronize_session=False))
    db.session.expire(conversation, [column.key])


def newest_message_time(conversation):
    """When the conversation's latest message was sent (None if it has none)."""
    return db.session.scalar(select(func.max(Message.created_at))
                             .where(Message.conversation_id == conversation.id))


def messages_after(conversation, after_id=0):
    """The conversation's messages newer than ``after_id``, oldest first."""
    return db.session.scalars(
        select(Message).options(joinedload(Message.sender))
        .where(Message.conversation_id == conversation.id, Message.id > (after_id or 0))
        .order_by(Message.id)).all()


def _unread_for(side):
    """SQL condition: a message of the joined conversation is unread for ``side``."""
    if side == BUYER:
        return and_(Message.sender_id != Conversation.buyer_id,
                    or_(Conversation.buyer_read_at.is_(None),
                        Message.created_at > Conversation.buyer_read_at))
    return and_(Message.sender_id == Conversation.buyer_id,
                or_(Conversation.seller_read_at.is_(None),
                    Message.created_at > Conversation.seller_read_at))


def _unread_for_member(member_id):
    """SQL condition: unread for the member as buyer, or as one of the shop's people
    (``member_id``: an id, or a bound parameter standing for one)."""
    return or_(and_(Conversation.buyer_id == member_id, _unread_for(BUYER)),
               and_(Conversation.buyer_id != member_id,
                    Conversation.shop_id.in_(shops_managed_by(member_id)),
                    _unread_for(SELLER)))


def unread_total(user):
    """How many messages wait for ``user``, as a buyer and for the shops they run."""
    if not is_member(user):
        return 0
    return db.session.scalar(_unread_total_statement(), dict(member=user.id)) or 0


@cache
def _unread_total_statement():
    """Built once per process: the header of every member's page shows the count."""
    return (select(func.count(Message.id)).join(Conversation, _MESSAGE_OF_CONVERSATION)
            .where(_unread_for_member(bindparam("member"))))


def _inbox_condition(user):
    """The member's conversations (as buyer, and for the shops they run) that hold a message:
    one a shop opened from an order ("message the buyer") and never wrote in is nobody's
    news."""
    return and_(or_(Conversation.buyer_id == user.id,
                    Conversation.shop_id.in_(managed_shop_ids(user))),
                exists().where(Message.conversation_id == Conversation.id))


def inbox_size(user):
    """How many conversations are in the member's inbox."""
    return db.session.scalar(select(func.count(Conversation.id))
                             .where(_inbox_condition(user))) or 0


def inbox(user, *, offset=0, limit=30):
    """The member's conversations, as buyer and for their shops, newest activity first."""
    conversations = db.session.scalars(
        select(Conversation)
        .options(joinedload(Conversation.listing), joinedload(Conversation.shop),
                 joinedload(Conversation.buyer))
        .where(_inbox_condition(user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .offset(offset).limit(limit)).all()
    ids = [conversation.id for conversation in conversations]
    if not ids:
        return []
    newest = (select(func.max(Message.id)).where(Message.conversation_id.in_(ids))
              .group_by(Message.conversation_id))
    last = {message.conversation_id: message for message in db.session.scalars(
        select(Message).where(Message.id.in_(newest)))}
    unread = dict(db.session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .join(Conversation, _MESSAGE_OF_CONVERSATION)
        .where(Message.conversation_id.in_(ids), _unread_for_member(user.id))
        .group_by(Message.conversation_id)).all())
    return [InboxRow(conversation, BUYER if conversation.buyer_id == user.id else SELLER,
                     last.get(conversation.id), unread.get(conversation.id, 0))
            for conversation in conversations]
