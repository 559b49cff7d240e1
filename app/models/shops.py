"""Shops, their plans and their staff (SHOP-1, SHOP-2)."""
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User


@dataclass(frozen=True)
class Plan:
    """What a shop on a plan may do (SHOP-2)."""

    key: str
    max_listings: int
    max_staff: int
    buy_button: bool
    reviews: bool
    coupons: bool = False
    points: bool = False
    order_webhooks: bool = False


PLANS = {
    "starter": Plan("starter", 5, 0, buy_button=False, reviews=False),
    "standard": Plan("standard", 500, 4, buy_button=True, reviews=True),
    "professional": Plan("professional", 2000, 8, buy_button=True, reviews=True, coupons=True),
    "premium": Plan("premium", 5000, 15, buy_button=True, reviews=True, coupons=True,
                    points=True, order_webhooks=True),
    "premium_plus": Plan("premium_plus", 15000, 15, buy_button=True, reviews=True, coupons=True,
                         points=True, order_webhooks=True),
}
PLAN_ORDER = list(PLANS)


class Shop(db.Model):
    """A member's shop. The owner manages plan-independent details and staff."""

    __tablename__ = "shops"
    __table_args__ = (
        CheckConstraint("plan IN ('starter', 'standard', 'professional', 'premium', "
                        "'premium_plus')", name="plan"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(80))
    slug: Mapped[str] = mapped_column(db.String(60), unique=True)
    description: Mapped[str] = mapped_column(db.Text, default="")
    logo_key: Mapped[str | None] = mapped_column(db.String(64))
    plan: Mapped[str] = mapped_column(db.String(16), default="starter")
    status: Mapped[str] = mapped_column(db.String(16), default="open")
    # Publication suspended by an upheld complaint (CMP-3): the shop page and its listings are
    # hidden from everyone but its owner, staff and moderators until a moderator restores it.
    hidden_at = mapped_column(UTCDateTime, nullable=True)
    # Where buyers send the money (SHOP-10); shown on an order awaiting payment.
    bank_name: Mapped[str] = mapped_column(db.String(60), default="", server_default="")
    bank_account_name: Mapped[str] = mapped_column(db.String(100), default="", server_default="")
    bank_account_number: Mapped[str] = mapped_column(db.String(20), default="", server_default="")
    promptpay_id: Mapped[str] = mapped_column(db.String(20), default="", server_default="")
    rating_count: Mapped[int] = mapped_column(default=0)
    rating_total: Mapped[int] = mapped_column(default=0)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    owner = relationship(User)

    @property
    def plan_limits(self):
        return PLANS[self.plan]

    @property
    def rating_average(self):
        """Average review score, or None before the first review (SHOP-6)."""
        return self.rating_total / self.rating_count if self.rating_count else None


class ShopStaff(db.Model):
    """A member who may manage a shop's listings (SHOP-1)."""

    __tablename__ = "shop_staff"
    __table_args__ = (UniqueConstraint("shop_id", "user_id", name="uq_shop_staff_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    added_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship(User)
    shop = relationship(Shop)


class Follow(db.Model):
    """A member following a shop."""

    __tablename__ = "shop_follows"
    __table_args__ = (UniqueConstraint("user_id", "shop_id", name="uq_shop_follows_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id", ondelete="CASCADE"),
                                         index=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class FrozenSection(db.Model):
    """A section of the site where new posts are refused while old ones stay visible (SHOP-9)."""

    __tablename__ = "frozen_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    section: Mapped[str] = mapped_column(db.String(60), unique=True)
    notice_th: Mapped[str] = mapped_column(db.String(300), default="")
    notice_en: Mapped[str] = mapped_column(db.String(300), default="")
    frozen_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    frozen_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id",
                                                                   ondelete="SET NULL"))


class ShopCircle(db.Model):
    """The chosen group a shop shows its "restricted" listings to (RANK-1)."""

    __tablename__ = "shop_circle"
    __table_args__ = (UniqueConstraint("shop_id", "user_id", name="uq_shop_circle_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    added_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship(User)
