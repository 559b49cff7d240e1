"""In-app notifications: what happened to a member while they were away (outbid, won, ...).

A notification stores its kind and the facts, not a sentence, so it is shown in whatever
language the member reads in when they look."""
from sqlalchemy import BigInteger, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.auctions import Auction


class Notification(db.Model):
    """One notice to one member; ``read_at`` is set when they open their notifications."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(db.String(24))
    auction_id: Mapped[int | None] = mapped_column(db.ForeignKey("auctions.id",
                                                                 ondelete="CASCADE"))
    amount_satang: Mapped[int | None] = mapped_column(BigInteger)
    # Notices about something other than an auction (a sign, a sanction, a strike): what it
    # is about and the facts to show, as JSON text.
    target_type: Mapped[str | None] = mapped_column(db.String(16))
    target_id: Mapped[int | None] = mapped_column()
    data: Mapped[str] = mapped_column(db.Text, default="{}", server_default="{}")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    read_at = mapped_column(UTCDateTime, nullable=True)

    auction = relationship(Auction)
