"""Complaints and takedowns (CMP-1 … CMP-5): who complained, about which pages, with what
evidence, each step of the answer, the owner's counter-statement, and complainants restricted
for abuse. Site settings an admin changes (the CMP-4 threshold) live here too.

A complaint is answered within 7 Thai business days (``due_at``, CMP-2). Its pages are
``ComplaintTarget`` rows naming a listing, an auction or a shop; an upheld complaint hides each
target (kept, not deleted) until a moderator restores it after the owner's counter-statement.
``ComplaintEvent`` rows are the steps the status page shows, oldest first. Times are UTC."""
from sqlalchemy import CheckConstraint, Index
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User

COMPLAINT_KINDS = ("copyright", "trademark", "counterfeit", "illegal_goods", "fraud", "privacy",
                   "other")
COMPLAINANT_ROLES = ("holder", "agent")
COMPLAINT_STATUSES = ("received", "needs_info", "upheld", "rejected")
COMPLAINT_TARGETS = ("listing", "auction", "shop")
TARGET_OUTCOMES = ("", "hidden", "kept", "restored")
#: The steps a status page shows (CMP-1, CMP-5).
EVENT_STEPS = ("received", "info_requested", "info_added", "upheld", "rejected",
               "counter_statement", "restored", "kept_hidden", "overdue", "restored_held",
               "released", "restored_gone")
EVIDENCE_MEDIA = ("image", "pdf")


def _in(column, values):
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Complaint(db.Model):
    """A takedown or complaint form, filed by anyone (CMP-1). ``code`` is the tracking code
    the complainant uses with their e-mail to reach the status page."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_in("kind", COMPLAINT_KINDS), name="kind"),
        CheckConstraint(_in("role", COMPLAINANT_ROLES), name="role"),
        CheckConstraint(_in("status", COMPLAINT_STATUSES), name="status"),
        Index("ix_complaints_status_due", "status", "due_at"),
        Index("ix_complaints_email", "email", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(20), unique=True)
    # The member who filed it, when logged in; complainants need no account.
    complainant_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(db.String(120))
    organisation: Mapped[str] = mapped_column(db.String(160), default="")
    email: Mapped[str] = mapped_column(db.String(254))  # lower-cased
    phone: Mapped[str] = mapped_column(db.String(30), default="")
    role: Mapped[str] = mapped_column(db.String(8))
    kind: Mapped[str] = mapped_column(db.String(16))
    description: Mapped[str] = mapped_column(db.Text)
    original_url: Mapped[str] = mapped_column(db.String(500), default="")
    good_faith: Mapped[bool] = mapped_column(default=False)
    accurate: Mapped[bool] = mapped_column(default=False)
    signature: Mapped[str] = mapped_column(db.String(120))
    # The language the complainant filed in: every e-mail about the complaint uses it.
    locale: Mapped[str] = mapped_column(db.String(5), default="th", server_default="th")
    status: Mapped[str] = mapped_column(db.String(12), default="received")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_at = mapped_column(UTCDateTime, nullable=False)
    ip: Mapped[str] = mapped_column(db.String(45), default="")
    decided_at = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    # The reason given to the complainant (and, when upheld, to the owner).
    decision_reason: Mapped[str] = mapped_column(db.Text, default="")
    # The rule the content broke, when upheld (e.g. SHOP-4).
    rule: Mapped[str] = mapped_column(db.String(16), default="")
    # A rejected complaint judged unfounded counts towards restricting its complainant.
    unfounded: Mapped[bool] = mapped_column(default=False)
    # When the complainant was told the answer is late and pointed to 1212 (CMP-5).
    overdue_notice_at = mapped_column(UTCDateTime, nullable=True)

    complainant = relationship(User, foreign_keys=[complainant_id])
    decided_by = relationship(User, foreign_keys=[decided_by_id])
    targets = relationship("ComplaintTarget", back_populates="complaint",
                           order_by="ComplaintTarget.id")
    events = relationship("ComplaintEvent", order_by="ComplaintEvent.id")
    evidence = relationship("ComplaintEvidence", order_by="ComplaintEvidence.id",
                            primaryjoin="and_(ComplaintEvidence.complaint_id == Complaint.id, "
                                        "ComplaintEvidence.counter_statement_id.is_(None))",
                            viewonly=True)


class ComplaintTarget(db.Model):
    """One Talat page a complaint names: a listing, an auction or a shop, and its owner then."""

    __tablename__ = "complaint_targets"
    __table_args__ = (
        CheckConstraint(_in("target_type", COMPLAINT_TARGETS), name="target_type"),
        CheckConstraint(_in("outcome", TARGET_OUTCOMES), name="outcome"),
        Index("ix_complaint_targets_target", "target_type", "target_id"),
        Index("ix_complaint_targets_owner", "owner_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        db.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(db.String(16))
    target_id: Mapped[int] = mapped_column()
    url: Mapped[str] = mapped_column(db.String(500))
    owner_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(db.String(12), default="")
    hidden_at = mapped_column(UTCDateTime, nullable=True)
    restored_at = mapped_column(UTCDateTime, nullable=True)
    # Restored on the owner's answer while another upheld complaint still hid the page: the
    # complainant was told it "stays suspended for now", and is told again (and this is
    # cleared) when the last such hold lifts (CMP-5).
    held_by_other: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    complaint = relationship(Complaint, back_populates="targets")
    owner = relationship(User)


class ComplaintEvent(db.Model):
    """One step of a complaint, shown on its status page. ``note`` is written for the
    complainant (a decision's reasons, a question); ``internal`` steps are staff-only."""

    __tablename__ = "complaint_events"
    __table_args__ = (CheckConstraint(_in("step", EVENT_STEPS), name="step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        db.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    step: Mapped[str] = mapped_column(db.String(20))
    note: Mapped[str] = mapped_column(db.Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))


class CounterStatement(db.Model):
    """The owner's one answer to an upheld complaint about their page (CMP-3); a moderator
    decides whether to restore the page (``decision``: ``restored`` or ``kept``)."""

    __tablename__ = "counter_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(db.ForeignKey("complaints.id"), index=True)
    target_id: Mapped[int] = mapped_column(db.ForeignKey("complaint_targets.id"), unique=True)
    author_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decision: Mapped[str] = mapped_column(db.String(12), default="")
    decided_at = mapped_column(UTCDateTime, nullable=True)

    target = relationship(ComplaintTarget)
    author = relationship(User)
    evidence = relationship("ComplaintEvidence", order_by="ComplaintEvidence.id",
                            viewonly=True)


class ComplaintEvidence(db.Model):
    """An evidence file, stored privately: a re-encoded image or a checked PDF. Sent with the
    complaint, with more information asked for, or with the owner's counter-statement."""

    __tablename__ = "complaint_evidence"
    __table_args__ = (CheckConstraint(_in("media", EVIDENCE_MEDIA), name="media"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        db.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    counter_statement_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("counter_statements.id"))
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    media: Mapped[str] = mapped_column(db.String(8))
    original_name: Mapped[str] = mapped_column(db.String(200), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class HeldEvidence(db.Model):
    """An evidence file sent with a complaint form that was refused for another reason: stored
    (privately, as evidence is) and offered again on the form by ``token``, so the
    complainant need not choose it again; it becomes a :class:`ComplaintEvidence` with the
    same ``key`` when the complaint is filed. Unused ones are removed after a day
    (``purge-held-evidence``). ``token`` is secret: only the page that sent the file shows it.
    ``ip``: the address it came from, which may hold only so many at a time."""

    __tablename__ = "held_evidence"
    __table_args__ = (CheckConstraint(_in("media", EVIDENCE_MEDIA), name="media"),
                      Index("ix_held_evidence_ip_created", "ip", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(db.String(64), unique=True)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    media: Mapped[str] = mapped_column(db.String(8))
    original_name: Mapped[str] = mapped_column(db.String(200), default="")
    size: Mapped[int] = mapped_column(default=0)
    ip: Mapped[str] = mapped_column(db.String(45), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)


class ComplainantRestriction(db.Model):
    """A complainant (by e-mail) whose complaints were repeatedly rejected as unfounded may
    not file new ones until ``until`` (None: until lifted)."""

    __tablename__ = "complainant_restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    reason: Mapped[str] = mapped_column(db.Text, default="")
    until = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    lifted_at = mapped_column(UTCDateTime, nullable=True)


class SiteSetting(db.Model):
    """A value an admin sets on the site (e.g. ``complaints.suspend_after``, CMP-4)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(db.String(200))
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
