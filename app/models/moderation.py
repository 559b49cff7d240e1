"""Moderation: STOP signs, strikes, reports, the review queue, sanctions, appeals, owners'
explanations and lift requests, and the append-only audit log (MOD-1 … MOD-11, AUC-3 … AUC-5,
SHOP-7, SHOP-8, ACC-2, ACC-5).

A target is named by ``target_type`` + ``target_id`` (``listing``, ``auction``, ``message``,
``board_post``, ``user``, ``shop``, ``sign``, ``sanction``) so one queue can hold every kind of
item. Times are UTC; money is satang."""
from sqlalchemy import BigInteger, CheckConstraint, Index, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User

SIGN_KINDS = ("under_review", "rule_violation", "incorrect_info", "non_standard_print", "fake",
              "authentic")
SIGN_TARGETS = ("listing", "auction")
REPORT_TARGETS = ("listing", "auction", "message", "board_post", "user")
REPORT_REASONS = ("fake", "prohibited", "scam", "wrong_info", "offensive", "spam", "other")
REVIEW_KINDS = ("report", "prohibited_hold", "shill_flag", "explanation", "lift_request",
                "appeal", "shop_fakes", "strike_revoke", "reinstatement", "complaint",
                "counter_statement", "ip_request")
REVIEW_STATUSES = ("open", "done")
SANCTION_KINDS = ("warning", "cancel_transactions", "cancel_bids", "hold_payouts", "suspension",
                  "closure", "limits", "fine")
#: The sign an owner's MOD-6 certificate makes the moderator justify.
DECISION_BASES = ("", "expert", "site_final")


def _in(column, values):
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class StopSign(db.Model):
    """A STOP sign hung on a listing or an auction (MOD-1). One sign at a time is current on a
    target (``ended_at`` is None); a conclusion replaces it (MOD-2), which ends the old one and
    points ``replaced_by_id`` at the new one."""

    __tablename__ = "stop_signs"
    __table_args__ = (
        CheckConstraint(_in("kind", SIGN_KINDS), name="kind"),
        CheckConstraint(_in("target_type", SIGN_TARGETS), name="target_type"),
        CheckConstraint(_in("decision_basis", DECISION_BASES), name="decision_basis"),
        Index("uq_stop_signs_current", "target_type", "target_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_stop_signs_owner", "owner_id", "hung_at"),
        Index("ix_stop_signs_kind_hung", "kind", "hung_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(db.String(16))
    target_id: Mapped[int] = mapped_column()
    # The member who answers for the item: the auction's seller or the listing's shop owner.
    owner_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(db.String(24))
    reason: Mapped[str] = mapped_column(db.Text, default="")
    hung_by_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    hung_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # MOD-5 / MOD-6: what the decision rests on when moderators could not decide alone or the
    # item carries a certificate: an outside expert body's verdict or the site's final word.
    decision_basis: Mapped[str] = mapped_column(db.String(16), default="", server_default="")
    expert_body: Mapped[str] = mapped_column(db.String(160), default="", server_default="")
    expert_verdict: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    # The listing's status before a FAKE sign made it "fake", restored when the sign ends.
    status_before: Mapped[str] = mapped_column(db.String(16), default="", server_default="")
    ended_at = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    replaced_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("stop_signs.id"))

    owner = relationship(User, foreign_keys=[owner_id])
    hung_by = relationship(User, foreign_keys=[hung_by_id])
    ended_by = relationship(User, foreign_keys=[ended_by_id])

    @property
    def liftable_on_request(self):
        """A FAKE sign is lifted on request (MOD-3), unless it rests on an outside expert
        body's verdict, which prevails (MOD-5), or on the site's final decision (MOD-6):
        then new evidence goes in an explanation (MOD-4)."""
        return self.kind == "fake" and self.decision_basis not in ("expert", "site_final")


class Strike(db.Model):
    """A strike against a seller: one per FAKE sign (AUC-4). A strike is withdrawn when its
    sign is replaced by AUTHENTIC or lifted on a lift request."""

    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_user", "user_id", "withdrawn_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    sign_id: Mapped[int] = mapped_column(db.ForeignKey("stop_signs.id"), unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    withdrawn_at = mapped_column(UTCDateTime, nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(db.String(300), default="", server_default="")

    sign = relationship(StopSign)


class ReviewItem(db.Model):
    """One entry of the moderators' queue (MOD-7), pointing at what is to be reviewed.

    Repeated reports on one target collect on one open item (``report_count``): at most one
    open item exists per kind and target. ``source_id`` names the row that raised it where
    the target alone does not (an explanation, a lift request, an appeal, a bid flag).
    A moderator may claim an item until ``claimed_until`` so two do not work it at once.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        CheckConstraint(_in("kind", REVIEW_KINDS), name="kind"),
        CheckConstraint(_in("status", REVIEW_STATUSES), name="status"),
        Index("uq_review_items_open_target", "kind", "target_type", "target_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_review_items_status_kind_created", "status", "kind", "created_at"),
        Index("ix_review_items_status_created", "status", "created_at", "id"),
        Index("ix_review_items_subject", "subject_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(db.String(20))
    status: Mapped[str] = mapped_column(db.String(8), default="open")
    target_type: Mapped[str] = mapped_column(db.String(16))
    target_id: Mapped[int] = mapped_column()
    source_id: Mapped[int | None] = mapped_column()
    # The member the item is about (the seller, the reported member, the appellant).
    subject_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    # A moderator who may not decide it (the one who sanctioned, for an appeal: MOD-9).
    excluded_moderator_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(db.String(300), default="")
    report_count: Mapped[int] = mapped_column(default=0)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    claimed_until = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    decided_at = mapped_column(UTCDateTime, nullable=True)
    decision: Mapped[str] = mapped_column(db.String(32), default="")
    decision_note: Mapped[str] = mapped_column(db.Text, default="")

    subject_user = relationship(User, foreign_keys=[subject_user_id])
    claimed_by = relationship(User, foreign_keys=[claimed_by_id])
    decided_by = relationship(User, foreign_keys=[decided_by_id])


class Report(db.Model):
    """A member's report of a listing, auction, message, board post or member (MOD-11); it
    counts on the open review item of its target."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_in("target_type", REPORT_TARGETS), name="target_type"),
        CheckConstraint(_in("reason", REPORT_REASONS), name="reason"),
        Index("ix_reports_target", "target_type", "target_id", "created_at"),
        Index("ix_reports_reporter", "reporter_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(db.ForeignKey("review_items.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    target_type: Mapped[str] = mapped_column(db.String(16))
    target_id: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(db.String(16))
    detail: Mapped[str] = mapped_column(db.String(1000), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    reporter = relationship(User)


class Explanation(db.Model):
    """An owner's disagreement with a sign, with evidence files (MOD-4)."""

    __tablename__ = "sign_explanations"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_id: Mapped[int] = mapped_column(db.ForeignKey("stop_signs.id"), index=True)
    author_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    sign = relationship(StopSign)
    author = relationship(User)
    files = relationship("EvidenceFile", order_by="EvidenceFile.id",
                         cascade="all, delete-orphan")


class EvidenceFile(db.Model):
    """A re-encoded image or a checked PDF attached to an explanation (stored privately)."""

    __tablename__ = "evidence_files"
    __table_args__ = (CheckConstraint("media IN ('image', 'pdf')", name="media"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    explanation_id: Mapped[int] = mapped_column(
        db.ForeignKey("sign_explanations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    media: Mapped[str] = mapped_column(db.String(8), default="image")
    original_name: Mapped[str] = mapped_column(db.String(200), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class LiftRequest(db.Model):
    """An owner's request to lift a FAKE sign, filed on the public board "STOP lift requests"
    no sooner than 7 days after the sign was hung (MOD-3)."""

    __tablename__ = "lift_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_id: Mapped[int] = mapped_column(db.ForeignKey("stop_signs.id"), index=True)
    author_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    board_post_id: Mapped[int | None] = mapped_column(db.ForeignKey("board_posts.id"))
    body: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decision: Mapped[str] = mapped_column(db.String(16), default="")

    sign = relationship(StopSign)
    author = relationship(User)


class Sanction(db.Model):
    """A sanction on a member from the MOD-8 ladder: the rule broken, the facts, a duration
    where it applies (``ends_at``), and a fine or limits where it is one. Appeals are possible
    for 15 days from ``created_at`` (MOD-9)."""

    __tablename__ = "sanctions"
    __table_args__ = (
        CheckConstraint(_in("kind", SANCTION_KINDS), name="kind"),
        CheckConstraint("fine_satang IS NULL OR fine_satang > 0", name="fine_positive"),
        Index("ix_sanctions_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(db.String(24))
    rule: Mapped[str] = mapped_column(db.String(16))
    facts: Mapped[str] = mapped_column(db.Text)
    starts_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    ends_at = mapped_column(UTCDateTime, nullable=True)
    fine_satang: Mapped[int | None] = mapped_column(BigInteger)
    limits: Mapped[str] = mapped_column(db.String(300), default="", server_default="")
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    lifted_at = mapped_column(UTCDateTime, nullable=True)
    lifted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    lift_reason: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    #: Imposed by a rule's count, not by a moderator's judgment (CMP-4): it ends when the
    #: count falls back under the threshold.
    automatic: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    user = relationship(User, foreign_keys=[user_id])
    created_by = relationship(User, foreign_keys=[created_by_id])


class Appeal(db.Model):
    """A member's appeal against a sanction (MOD-9), decided by another moderator."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    sanction_id: Mapped[int] = mapped_column(db.ForeignKey("sanctions.id"), index=True)
    appellant_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decision: Mapped[str] = mapped_column(db.String(16), default="")

    sanction = relationship(Sanction)
    appellant = relationship(User)


class AuditEntry(db.Model):
    """One moderator or admin action, with the values before and after (MOD-10). The
    application only ever inserts; the database refuses updates (and on PostgreSQL deletes)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at", "id"),
        Index("ix_audit_log_actor_at", "actor_id", "at"),
        Index("ix_audit_log_target", "target_type", "target_id", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(db.String(40))
    target_type: Mapped[str] = mapped_column(db.String(16))
    target_id: Mapped[int] = mapped_column()
    # JSON text of the changed fields, so any reader can see exactly what changed.
    before: Mapped[str] = mapped_column(db.Text, default="{}")
    after: Mapped[str] = mapped_column(db.Text, default="{}")
    note: Mapped[str] = mapped_column(db.Text, default="")
    ip: Mapped[str] = mapped_column(db.String(45), default="")

    actor = relationship(User)
