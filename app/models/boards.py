"""Public boards: fake reports from auctions and from shops, STOP lift requests (AUC-5,
SHOP-7, MOD-3). A post is written by a member or, for automatic reports, by the system
(``author_id`` None) and may cite a listing or an auction."""
from sqlalchemy import CheckConstraint, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User

BOARDS = ("fake-auctions", "fake-shops", "lift-requests")


class BoardPost(db.Model):
    """One post on a public board. ``hidden_at`` takes a post down without deleting it."""

    __tablename__ = "board_posts"
    __table_args__ = (
        CheckConstraint("board IN ('fake-auctions', 'fake-shops', 'lift-requests')",
                        name="board"),
        CheckConstraint("target_type IS NULL OR target_type IN ('listing', 'auction')",
                        name="target_type"),
        Index("ix_board_posts_board_created", "board", "created_at", "id"),
        Index("ix_board_posts_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board: Mapped[str] = mapped_column(db.String(24))
    author_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(db.String(200))
    body: Mapped[str] = mapped_column(db.Text, default="")
    target_type: Mapped[str | None] = mapped_column(db.String(16))
    target_id: Mapped[int | None] = mapped_column()
    sign_id: Mapped[int | None] = mapped_column(db.ForeignKey("stop_signs.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    hidden_at = mapped_column(UTCDateTime, nullable=True)

    author = relationship(User)
