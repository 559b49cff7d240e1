"""Orders and reviews (SHOP-10, SHOP-6)."""
from sqlalchemy import BigInteger, CheckConstraint, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User
from app.models.listings import Listing
from app.models.shops import Shop

ORDER_STATUSES = ("awaiting_payment", "payment_submitted", "paid", "shipped", "completed",
                  "cancelled", "expired")
#: Who may have cancelled an order: its buyer, the shop's people, or a moderators' sanction.
CANCELLED_BY = ("buyer", "shop", "moderation")


class Order(db.Model):
    """A buyer's order of one listing; its quantity is reserved while the order is open."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("status IN ('awaiting_payment', 'payment_submitted', 'paid', 'shipped', "
                        "'completed', 'cancelled', 'expired')", name="status"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        Index("ix_orders_buyer", "buyer_id", "created_at"),
        Index("ix_orders_shop", "shop_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(db.ForeignKey("listings.id"))
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id"))
    buyer_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    quantity: Mapped[int] = mapped_column()
    unit_price_satang: Mapped[int] = mapped_column(BigInteger)
    total_satang: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(db.String(20), default="awaiting_payment")
    payment_method: Mapped[str] = mapped_column(db.String(20), default="")
    slip_key: Mapped[str | None] = mapped_column(db.String(64))
    carrier: Mapped[str] = mapped_column(db.String(60), default="")
    tracking_number: Mapped[str] = mapped_column(db.String(60), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    #: When the buyer last sent a slip, and when the seller last said its money had not
    #: arrived (cleared by the next slip): the order's timeline shows both.
    slip_sent_at = mapped_column(UTCDateTime, nullable=True)
    slip_refused_at = mapped_column(UTCDateTime, nullable=True)
    paid_at = mapped_column(UTCDateTime, nullable=True)
    shipped_at = mapped_column(UTCDateTime, nullable=True)
    completed_at = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)
    #: Where the buyer wants the parcel (SHOP-10): personal data, shown only to the buyer and
    #: the shop's people, and cleared when the buyer deletes the account (ACC-9).
    ship_name: Mapped[str] = mapped_column(db.String(100), default="", server_default="")
    ship_phone: Mapped[str] = mapped_column(db.String(10), default="", server_default="")
    ship_address: Mapped[str] = mapped_column(db.String(300), default="", server_default="")
    ship_postcode: Mapped[str] = mapped_column(db.String(5), default="", server_default="")
    #: When the buyer last corrected the address (they may until the order ships): the
    #: order page tells the shop's people, who may have read the first one already.
    ship_address_changed_at = mapped_column(UTCDateTime, nullable=True)
    #: The listing's title when it was ordered: what the buyer bought stays named as it was,
    #: whatever the seller renames the listing to later (SHOP-10).
    item_title: Mapped[str] = mapped_column(db.String(120), default="", server_default="")
    #: Who cancelled the order (:data:`CANCELLED_BY`; "" while it is not cancelled) and, when
    #: the shop did, why: the buyer reads it on the order and in the e-mail (SHOP-10).
    cancelled_by: Mapped[str] = mapped_column(db.String(12), default="", server_default="")
    cancel_reason: Mapped[str] = mapped_column(db.String(500), default="", server_default="")

    listing = relationship(Listing)
    shop = relationship(Shop)
    buyer = relationship(User)

    @property
    def title(self):
        """What was ordered, as the listing was titled at the time."""
        return self.item_title or self.listing.title


class Review(db.Model):
    """A buyer's rating of a shop after a completed order, once per order (SHOP-6)."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), unique=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    rating: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(db.String(1000), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    buyer = relationship(User)
