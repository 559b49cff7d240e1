"""Listings, their photos and categories, the prohibited list, watching and activity counts
(SHOP-3, SHOP-4, RANK-1, RANK-2)."""
from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User
from app.models.shops import Shop

CONDITIONS = ("new", "like_new", "good", "fair", "for_parts")
CONTENT_RATINGS = ("general", "adult", "restricted")
LISTING_STATUSES = ("active", "sold_out", "held", "hidden", "fake", "deleted")
#: The statuses a seller's pause takes effect in (and may be set in): on sale or sold out.
PAUSABLE_STATUSES = ("active", "sold_out")


class Category(db.Model):
    """A node of the category tree (amulets by temple, by master, by type; sneakers; ...)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(db.ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(db.String(80), unique=True)
    name_th: Mapped[str] = mapped_column(db.String(100))
    name_en: Mapped[str] = mapped_column(db.String(100))
    position: Mapped[int] = mapped_column(default=0)

    parent = relationship("Category", remote_side=[id], backref="children")

    def name(self, lang):
        return self.name_th if lang == "th" else self.name_en


class Listing(db.Model):
    """Something a shop sells. Price is an integer number of satang."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("price_satang >= 0", name="price_not_negative"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("condition IN ('new', 'like_new', 'good', 'fair', 'for_parts')",
                        name="condition"),
        CheckConstraint("content_rating IN ('general', 'adult', 'restricted')",
                        name="content_rating"),
        CheckConstraint("status IN ('active', 'sold_out', 'held', 'hidden', 'fake', 'deleted')",
                        name="status"),
        Index("ix_listings_shop_status", "shop_id", "status"),
        Index("ix_listings_status_created", "status", "created_at"),
        Index("ix_listings_category_status", "category_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shops.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id",
                                                                    ondelete="SET NULL"))
    category_id: Mapped[int] = mapped_column(db.ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(db.String(120))
    description: Mapped[str] = mapped_column(db.Text, default="")
    price_satang: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(default=1)
    condition: Mapped[str] = mapped_column(db.String(16), default="good")
    content_rating: Mapped[str] = mapped_column(db.String(16), default="general")
    status: Mapped[str] = mapped_column(db.String(16), default="active")
    hold_reason: Mapped[str] = mapped_column(db.String(300), default="")
    # The current STOP sign's kind, if any (moderation sets it; SHOP-7), for lists and search.
    stop_sign: Mapped[str | None] = mapped_column(db.String(24))
    # A moderator set the content rating: the seller's edits no longer change it.
    rating_locked: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    certificate_issuer: Mapped[str] = mapped_column(db.String(120), default="")
    certificate_number: Mapped[str] = mapped_column(db.String(60), default="")
    certificate_photo_key: Mapped[str | None] = mapped_column(db.String(64))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sold_out_at = mapped_column(UTCDateTime, nullable=True)
    # Set while the listing is beyond its shop's plan limit (after a move to a smaller plan):
    # hidden from buyers, still seen by the shop's people, until the plan has room (SHOP-2).
    over_plan_since = mapped_column(UTCDateTime, nullable=True)
    # Set while the shop has paused the listing (a holiday, a week out of stock): off every
    # list and not for sale, its page still open. A column beside the status, not a status:
    # a hold, a complaint's hiding or a FAKE sign change the status and give it back, and the
    # seller's pause outlives them (app/blueprints/shops/pausing.py).
    paused_at = mapped_column(UTCDateTime, nullable=True)

    shop = relationship(Shop)
    category = relationship(Category)
    created_by = relationship(User)
    photos = relationship("ListingPhoto", order_by="ListingPhoto.position",
                          cascade="all, delete-orphan", back_populates="listing")

    @property
    def is_paused(self):
        """True while the shop's pause is in force: set, on a listing on sale or sold out (a
        FAKE-signed one stays shown as evidence; a held or hidden one is off show anyway)."""
        return self.paused_at is not None and self.status in PAUSABLE_STATUSES


class ListingPhoto(db.Model):
    """One re-encoded photo of a listing, in a thumbnail and a large size."""

    __tablename__ = "listing_photos"
    __table_args__ = (Index("ix_listing_photos_listing_position", "listing_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(db.ForeignKey("listings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    listing = relationship(Listing, back_populates="photos")


class ProhibitedTerm(db.Model):
    """An entry of the prohibited-goods list (SHOP-4), editable by admins in Thai and English.

    ``action`` is ``refuse`` (the listing is refused) or ``hold`` (held for a moderator).
    """

    __tablename__ = "prohibited_terms"
    __table_args__ = (CheckConstraint("action IN ('refuse', 'hold')", name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(db.String(80))
    action: Mapped[str] = mapped_column(db.String(8), default="refuse")
    group_th: Mapped[str] = mapped_column(db.String(100))
    group_en: Mapped[str] = mapped_column(db.String(100))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Watch(db.Model):
    """A member watching a listing."""

    __tablename__ = "listing_watches"
    __table_args__ = (UniqueConstraint("user_id", "listing_id", name="uq_listing_watches_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    listing_id: Mapped[int] = mapped_column(db.ForeignKey("listings.id", ondelete="CASCADE"),
                                            index=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class WatchCounted(db.Model):
    """A member's first watch of a listing, which counted as a watch-add for the rankings
    (RANK-2): watching again after letting go counts no more (one member cannot push a listing
    up by toggling)."""

    __tablename__ = "listing_watches_counted"
    __table_args__ = (UniqueConstraint("user_id", "listing_id",
                                       name="uq_listing_watches_counted_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"))
    listing_id: Mapped[int] = mapped_column(db.ForeignKey("listings.id", ondelete="CASCADE"),
                                            index=True)


class ViewSeen(db.Model):
    """Who has viewed a listing on a Bangkok day, so that a view counts for the rankings once a
    viewer a day (RANK-2: reloading a page does not push it up). ``viewer`` is a keyed hash
    (a member's id, or a visitor's address and browser), never the address itself; rows are
    deleted once their day is over (the ``purge-views-seen`` job)."""

    __tablename__ = "listing_views_seen"
    __table_args__ = (Index("ix_listing_views_seen_day", "day"),)

    listing_id: Mapped[int] = mapped_column(
        db.ForeignKey("listings.id", ondelete="CASCADE"), primary_key=True)
    day = mapped_column(db.Date, primary_key=True)
    viewer: Mapped[str] = mapped_column(db.String(32), primary_key=True)


class ListingActivity(db.Model):
    """Views, watch-adds and sales of a listing per Bangkok day, for the rankings (RANK-2)."""

    __tablename__ = "listing_activity"
    __table_args__ = (UniqueConstraint("listing_id", "day", name="uq_listing_activity_day"),
                      Index("ix_listing_activity_day", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(db.ForeignKey("listings.id", ondelete="CASCADE"))
    day = mapped_column(db.Date, nullable=False)
    views: Mapped[int] = mapped_column(default=0)
    watch_adds: Mapped[int] = mapped_column(default=0)
    sales: Mapped[int] = mapped_column(default=0)
