"""Outgoing e-mail: every message is a row, whether it went by SMTP or stays in the outbox."""
from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db

#: queued: waiting (new, or over the hourly cap); sending: taken by a worker; sent: handed to
#: SMTP; outbox: kept for the admin to read because no MAIL_SERVER is set; dropped: waited too
#: long, kept as a record; failed: SMTP refused it for good.
MAIL_STATUSES = ("queued", "sending", "sent", "outbox", "dropped", "failed")


class EmailMessage(db.Model):
    """One e-mail to one address, tied to the account it concerns for the hourly cap (ACC-7)."""

    __tablename__ = "email_messages"
    __table_args__ = (
        Index("ix_email_messages_user_delivered", "user_id", "delivered_at"),
        Index("ix_email_messages_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(db.String(254))
    subject: Mapped[str] = mapped_column(db.String(200))
    body_text: Mapped[str] = mapped_column(db.Text)
    kind: Mapped[str] = mapped_column(db.String(40))
    status: Mapped[str] = mapped_column(db.String(16), default="queued")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    delivered_at = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(db.String(255), default="")
