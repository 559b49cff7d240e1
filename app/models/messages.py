"""Buyers' conversations with sellers about a listing (SHOP-5)."""
from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User
from app.models.listings import Listing
from app.models.shops import Shop


class Conversation(db.Model):
    """One buyer talking to one shop about one listing; kept and reportable."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("listing_id", "buyer_id", name="uq_conversations_listing_buyer"),
        Index("ix_conversations_shop_last", "shop_id", "last_message_at"),
        Index("ix_conversations_buyer_last", "buyer_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(db.ForeignKey("listings.id"))
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id"))
    buyer_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_message_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    buyer_read_at = mapped_column(UTCDateTime, nullable=True)
    seller_read_at = mapped_column(UTCDateTime, nullable=True)

    listing = relationship(Listing)
    shop = relationship(Shop)
    buyer = relationship(User)


class Message(db.Model):
    """One message in a conversation."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(db.ForeignKey("conversations.id",
                                                               ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    sender = relationship(User)
