"""The traffic log (ACC-6): append-only for the application; only the retention job deletes."""
from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db


class TrafficLogEntry(db.Model):
    """One state-changing request: when, who (if anyone), from where, what, on what."""

    __tablename__ = "traffic_log"
    __table_args__ = (
        Index("ix_traffic_log_at", "at"),
        Index("ix_traffic_log_member_at", "member_id", "at"),
        Index("ix_traffic_log_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # No foreign key: the log outlives accounts and must never be rewritten by a cascade.
    member_id: Mapped[int | None] = mapped_column()
    ip: Mapped[str] = mapped_column(db.String(45))
    method: Mapped[str] = mapped_column(db.String(8))
    action: Mapped[str] = mapped_column(db.String(100))
    target: Mapped[str] = mapped_column(db.String(500))
    status: Mapped[int] = mapped_column()
    user_agent: Mapped[str] = mapped_column(db.String(255), default="")
