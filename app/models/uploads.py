"""Photos a member chose on a form that was refused for another reason, kept for the next try
(:mod:`app.held_photos`)."""
from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db


class HeldPhoto(db.Model):
    """A photo sent with a listing or auction form that was refused (a typo in the price, a
    rule): stored and re-encoded as a listing's photos are, under ``key``, and offered back
    to its ``owner`` on the form, so it need not be chosen again. It becomes the listing's or
    auction's photo (the same stored files) when the form is accepted; an unused one is
    removed after a day (job ``purge-held-photos``). Nobody but its owner is shown it."""

    __tablename__ = "held_photos"
    __table_args__ = (Index("ix_held_photos_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    original_name: Mapped[str] = mapped_column(db.String(200), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
