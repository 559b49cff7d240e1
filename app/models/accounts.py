"""Members, their log-in sessions, failed log-ins and address blocks, password-reset tokens."""
from flask_babel import gettext
from sqlalchemy import CheckConstraint, Index
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db

ROLES = ("member", "moderator", "admin")
#: The display name a deleted account keeps (ACC-9). No member can choose it (names have no
#: spaces or "#"), so it is recognised and shown in the reader's language.
TOMBSTONE_NAME = "deleted member #{id}"


def shown_name(user_id, stored):
    """The name to show for a member whose stored display name is ``stored``: their own, or
    for a deleted account the tombstone name translated."""
    if stored == TOMBSTONE_NAME.format(id=user_id):
        return gettext("deleted member #%(id)d", id=user_id)
    return stored


class User(db.Model):
    """A member account. E-mail is stored lower-cased so it is unique whatever the letter case."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'moderator', 'admin')", name="role"),
        CheckConstraint("auction_rights IN ('active', 'suspended', 'revoked')",
                        name="auction_rights"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    _display_name: Mapped[str] = mapped_column("display_name", db.String(40))
    display_name_key: Mapped[str] = mapped_column(db.String(40), unique=True)
    birth_date = mapped_column(db.Date, nullable=False)
    guardian_name: Mapped[str | None] = mapped_column(db.String(100))
    guardian_email: Mapped[str | None] = mapped_column(db.String(254))
    guardian_consent_at = mapped_column(UTCDateTime, nullable=True)
    role: Mapped[str] = mapped_column(db.String(16), default="member")
    locale: Mapped[str] = mapped_column(db.String(5), default="th")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    last_login_at = mapped_column(UTCDateTime, nullable=True)
    # When the member last changed the password on the profile page: the change form sent
    # twice (a double tap) is recognised by it (accounts.services.change_password).
    password_changed_at = mapped_column(UTCDateTime, nullable=True)
    # Starting auctions (AUC-1, AUC-4): moderation suspends or revokes it.
    auction_rights: Mapped[str] = mapped_column(db.String(16), default="active",
                                                server_default="active")
    # ACC-5: a suspension (until this time) or a permanent closure bars bidding, selling and
    # posting; browsing stays possible. Kept on the member so every action checks it cheaply.
    suspended_until = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)

    # Set per request by the session loader; Flask-Login stores it as the user's id.
    _session_token = None

    @hybrid_property
    def display_name(self):
        """The member's name as shown (a deleted account's in the reader's language); in a
        query, the stored name."""
        return shown_name(self.id, self._display_name)

    @display_name.inplace.setter
    def _display_name_setter(self, value):
        self._display_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return cls._display_name

    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return True

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        """The log-in session token, so one session can be ended without ending the others."""
        return self._session_token

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


class LoginSession(db.Model):
    """One logged-in browser. Logging out deletes it, which really ends that session."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    ip: Mapped[str] = mapped_column(db.String(45))
    user_agent: Mapped[str] = mapped_column(db.String(255), default="")
    # The browser's device cookie, for shill signals (AUC-12).
    device: Mapped[str] = mapped_column(db.String(64), default="", server_default="")

    user = relationship(User, lazy="joined")


class LoginFailure(db.Model):
    """A failed log-in, counted per address for the lockout (ACC-4)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(db.String(45))
    email_tried: Mapped[str] = mapped_column(db.String(254))
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    cleared: Mapped[bool] = mapped_column(default=False)


class LoginBlock(db.Model):
    """An address barred from logging in until ``blocked_until`` unless an admin lifts it."""

    __tablename__ = "login_blocks"
    __table_args__ = (Index("ix_login_blocks_ip_until", "ip", "blocked_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(db.String(45))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    blocked_until = mapped_column(UTCDateTime, nullable=False)
    failures: Mapped[int] = mapped_column(default=0)
    lifted_at = mapped_column(UTCDateTime, nullable=True)
    lifted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id", ondelete="SET NULL"))

    lifted_by = relationship(User)


class PasswordResetToken(db.Model):
    """A single-use, expiring token e-mailed to reset a password; only its hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)

    user = relationship(User)


class PendingSignUp(db.Model):
    """A sign-up waiting for its e-mail address to be confirmed (ACC-1). No account exists
    until the link mailed to the address is opened, so the sign-up form answers alike
    whether or not the address already has an account, and nobody can hold an account in
    another person's address. Only the link's hash is stored; rows are removed once expired
    (``purge-sessions``)."""

    __tablename__ = "pending_sign_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    email: Mapped[str] = mapped_column(db.String(254), index=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    display_name: Mapped[str] = mapped_column(db.String(40))
    birth_date = mapped_column(db.Date, nullable=False)
    guardian_name: Mapped[str | None] = mapped_column(db.String(100))
    guardian_email: Mapped[str | None] = mapped_column(db.String(254))
    locale: Mapped[str] = mapped_column(db.String(5), default="th")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)
    used_at = mapped_column(UTCDateTime, nullable=True)
