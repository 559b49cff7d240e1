"""IP-address requests (CMP-6) and account deletion requests (ACC-9).

A scam victim asks for the IP addresses of the member they accuse, with a police report.
Nothing is released while the request is ``pending``; an ``approved`` request shows the
accused's addresses from the traffic log for ``period_from`` … ``period_to`` to the moderators
and the requester until it is ``closed``. While a request about a member is pending or approved
and not closed, that member's traffic-log entries are held back from the retention purge
(ACC-6). Every showing of the addresses is written to the audit log (MOD-10).

An account deletion waits until nothing the member takes part in is open, then anonymises the
account; the traffic log, complaints, sanctions, orders and the audit log are kept. Times UTC.
"""
from sqlalchemy import CheckConstraint, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User

IP_REQUEST_STATUSES = ("pending", "approved", "rejected", "closed")
#: Statuses that hold the accused's traffic-log entries back from the purge (ACC-6).
HOLDING_STATUSES = ("pending", "approved")
IP_REQUEST_TARGETS = ("", "listing", "auction")
REPORT_MEDIA = ("image", "pdf")


def _in(column, values):
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class IpRequest(db.Model):
    """A member's request for the IP addresses of a member they accuse of a scam (CMP-6).

    The police report (``report_key``, a re-encoded image or a checked PDF in the private
    upload folder) is required. ``target_type``/``target_id`` name the listing or auction the
    scam concerned, when known."""

    __tablename__ = "ip_requests"
    __table_args__ = (
        CheckConstraint(_in("status", IP_REQUEST_STATUSES), name="status"),
        CheckConstraint(_in("target_type", IP_REQUEST_TARGETS), name="target_type"),
        CheckConstraint(_in("report_media", REPORT_MEDIA), name="report_media"),
        Index("ix_ip_requests_accused_status", "accused_id", "status"),
        Index("ix_ip_requests_requester", "requester_id", "created_at"),
        Index("ix_ip_requests_status_closes", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    accused_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    target_type: Mapped[str] = mapped_column(db.String(16), default="", server_default="")
    target_id: Mapped[int | None] = mapped_column()
    report_key: Mapped[str] = mapped_column(db.String(64), unique=True)
    report_media: Mapped[str] = mapped_column(db.String(8))
    report_name: Mapped[str] = mapped_column(db.String(200), default="")
    case_number: Mapped[str] = mapped_column(db.String(60))
    police_station: Mapped[str] = mapped_column(db.String(160))
    incident_date = mapped_column(db.Date, nullable=False)
    description: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(db.String(10), default="pending")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    decided_at = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(db.Text, default="")
    # The period whose addresses are released (approved requests only).
    period_from = mapped_column(UTCDateTime, nullable=True)
    period_to = mapped_column(UTCDateTime, nullable=True)
    # An approved request closes by itself then (or earlier, by a moderator).
    closes_at = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)
    closed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))

    requester = relationship(User, foreign_keys=[requester_id])
    accused = relationship(User, foreign_keys=[accused_id])
    decided_by = relationship(User, foreign_keys=[decided_by_id])


class AccountDeletion(db.Model):
    """A member's request to delete their account (ACC-9). It waits while something is open
    (``blockers`` lists what, as codes, at the last attempt) and is retried by a job until
    ``completed_at``; the member may withdraw it before (``cancelled_at``)."""

    __tablename__ = "account_deletions"
    __table_args__ = (Index("ix_account_deletions_waiting", "completed_at", "cancelled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    requested_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_attempt_at = mapped_column(UTCDateTime, nullable=True)
    blockers: Mapped[str] = mapped_column(db.String(300), default="")
    completed_at = mapped_column(UTCDateTime, nullable=True)
    cancelled_at = mapped_column(UTCDateTime, nullable=True)

    user = relationship(User)
