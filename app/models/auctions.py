"""Auctions, their bids and photos, watchers, shill-signal flags, sales and feedback
(AUC-1 … AUC-12). Money is an integer number of satang; times are UTC."""
from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.accounts import User
from app.models.listings import Category

BID_KINDS = ("bid", "auto", "raise", "buy_now")
FEEDBACK_RATINGS = ("positive", "neutral", "negative")
#: Who may see an auction (RANK-1): everyone, or adult members only (ACC-3). A listing's
#: third rating, "restricted" (a chosen group), belongs to a shop's circle; an auction is a
#: member's own, with no circle to choose from, so it is not offered for auctions.
AUCTION_RATINGS = ("general", "adult")
SALE_STEPS = ("awaiting_payment", "paid", "shipped", "completed")


class Auction(db.Model):
    """One item on the auction board.

    The bidding state (price, leader, the leader's hidden maximum, bid count) lives on the row
    itself, so placing a bid locks and updates exactly this row. Whether an auction is open is
    decided by the clock (``starts_at`` ≤ now < ``ends_at``), never by a job.
    """

    __tablename__ = "auctions"
    __table_args__ = (
        CheckConstraint("starting_price_satang > 0", name="starting_price_positive"),
        CheckConstraint("min_increment_satang > 0", name="min_increment_positive"),
        CheckConstraint("current_price_satang >= starting_price_satang", name="price_from_start"),
        CheckConstraint("bid_count >= 0", name="bid_count_not_negative"),
        CheckConstraint("ends_at >= starts_at", name="ends_not_before_start"),
        CheckConstraint("content_rating IN ('general', 'adult')", name="content_rating"),
        Index("ix_auctions_ends_at", "ends_at"),
        Index("ix_auctions_seller", "seller_id", "created_at"),
        Index("ix_auctions_category_ends", "category_id", "ends_at"),
        Index("ix_auctions_settle", "settled_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    category_id: Mapped[int] = mapped_column(db.ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(db.String(120))
    description: Mapped[str] = mapped_column(db.Text, default="")
    starting_price_satang: Mapped[int] = mapped_column(BigInteger)
    min_increment_satang: Mapped[int] = mapped_column(BigInteger)
    reserve_satang: Mapped[int | None] = mapped_column(BigInteger)
    buy_now_satang: Mapped[int | None] = mapped_column(BigInteger)
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    planned_end_at = mapped_column(UTCDateTime, nullable=False)

    current_price_satang: Mapped[int] = mapped_column(BigInteger)
    bid_count: Mapped[int] = mapped_column(default=0)
    leader_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    leader_max_satang: Mapped[int | None] = mapped_column(BigInteger)
    reserve_met_at = mapped_column(UTCDateTime, nullable=True)
    # Bumped by every change a watcher should see; live fragments are cached by it.
    version: Mapped[int] = mapped_column(default=0)
    # Lines in the bid history (the last one's ``sequence``): a bid numbers its lines from
    # the row it locked instead of reading the history's end.
    history_lines: Mapped[int] = mapped_column(default=0, server_default="0")

    # "buy_now" or "seller" when the auction ended before its time; None when it ran out.
    ended_early: Mapped[str | None] = mapped_column(db.String(16))
    # Who may see it (RANK-1, ACC-3): "general" or "adult" (:data:`AUCTION_RATINGS`). The seller
    # sets it; moderators can change it.
    content_rating: Mapped[str] = mapped_column(db.String(16), default="general",
                                                server_default="general")
    # The STOP sign hung on the auction, if any (moderation sets it; AUC-3).
    stop_sign: Mapped[str | None] = mapped_column(db.String(24))
    # Publication suspended by an upheld complaint (CMP-3): hidden from everyone but its
    # seller and moderators, kept, and shown again if a moderator restores it.
    hidden_at = mapped_column(UTCDateTime, nullable=True)
    settled_at = mapped_column(UTCDateTime, nullable=True)
    winner_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))

    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_ip: Mapped[str] = mapped_column(db.String(45), default="")
    created_device: Mapped[str] = mapped_column(db.String(64), default="")

    seller = relationship(User, foreign_keys=[seller_id])
    leader = relationship(User, foreign_keys=[leader_id])
    winner = relationship(User, foreign_keys=[winner_id])
    category = relationship(Category)
    photos = relationship("AuctionPhoto", order_by="AuctionPhoto.position",
                          cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Auction {self.id}>"


class AuctionPhoto(db.Model):
    """A photo of an auctioned item, stored as re-encoded sizes (see app/uploads.py)."""

    __tablename__ = "auction_photos"
    __table_args__ = (Index("ix_auction_photos_auction", "auction_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(db.ForeignKey("auctions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Bid(db.Model):
    """One line of an auction's bid history, in the order it happened (``sequence``).

    ``kind``: "bid" is a member's own bid, "auto" the system bidding for a proxy holder,
    "raise" a leader raising their hidden maximum (not shown in the public history),
    "buy_now" a buy-now purchase. ``max_satang`` is the bidder's maximum and is never shown
    to anyone but the bidder.
    """

    __tablename__ = "bids"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("kind IN ('bid', 'auto', 'raise', 'buy_now')", name="kind"),
        UniqueConstraint("auction_id", "sequence", name="uq_bids_auction_sequence"),
        Index("ix_bids_bidder", "bidder_id", "auction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(db.ForeignKey("auctions.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column()
    bidder_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    amount_satang: Mapped[int] = mapped_column(BigInteger)
    max_satang: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(db.String(8), default="bid")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    ip: Mapped[str] = mapped_column(db.String(45), default="")
    device: Mapped[str] = mapped_column(db.String(64), default="")

    bidder = relationship(User)


class BidFlag(db.Model):
    """A shill signal on a bid, for moderators (AUC-12): the bid came from the seller's IP
    address or device. The moderation queue reads open flags (``resolved_at`` is None)."""

    __tablename__ = "bid_flags"
    __table_args__ = (
        CheckConstraint("reason IN ('same_ip', 'same_device')", name="reason"),
        UniqueConstraint("bid_id", "reason", name="uq_bid_flags_bid_reason"),
        Index("ix_bid_flags_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(db.ForeignKey("bids.id", ondelete="CASCADE"))
    auction_id: Mapped[int] = mapped_column(db.ForeignKey("auctions.id", ondelete="CASCADE"),
                                            index=True)
    reason: Mapped[str] = mapped_column(db.String(16))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    resolved_at = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))

    bid = relationship(Bid)


class AuctionWatch(db.Model):
    """A member watching an auction (AUC-10)."""

    __tablename__ = "auction_watches"
    __table_args__ = (UniqueConstraint("user_id", "auction_id", name="uq_auction_watch"),
                      Index("ix_auction_watches_auction", "auction_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id", ondelete="CASCADE"))
    auction_id: Mapped[int] = mapped_column(db.ForeignKey("auctions.id", ondelete="CASCADE"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    ending_notified_at = mapped_column(UTCDateTime, nullable=True)


class Sale(db.Model):
    """The record a won auction starts (AUC-7); buyer and seller then move the deal along and
    rate each other (AUC-11)."""

    __tablename__ = "sales"
    __table_args__ = (
        CheckConstraint("step IN ('awaiting_payment', 'paid', 'shipped', 'completed')",
                        name="step"),
        Index("ix_sales_buyer", "buyer_id", "created_at"),
        Index("ix_sales_seller", "seller_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(db.ForeignKey("auctions.id"), unique=True)
    buyer_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    seller_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    price_satang: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(db.String(20), default="awaiting_payment")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_progress_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    auction = relationship(Auction)
    buyer = relationship(User, foreign_keys=[buyer_id])
    seller = relationship(User, foreign_keys=[seller_id])


class SaleMessage(db.Model):
    """A message between the buyer and the seller of a sale (payment, address, shipping)."""

    __tablename__ = "sale_messages"
    __table_args__ = (Index("ix_sale_messages_sale", "sale_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(db.ForeignKey("sales.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    sender = relationship(User)


class Feedback(db.Model):
    """One party's rating of the other after a sale, once each (AUC-11). ``automatic`` marks
    the positive rating recorded when none was given within the window."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("rating IN ('positive', 'neutral', 'negative')", name="rating"),
        UniqueConstraint("sale_id", "from_user_id", name="uq_feedback_sale_from"),
        Index("ix_feedback_to_user", "to_user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(db.ForeignKey("sales.id"))
    from_user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(db.ForeignKey("users.id"))
    rating: Mapped[str] = mapped_column(db.String(8))
    comment: Mapped[str] = mapped_column(db.String(500), default="")
    automatic: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    from_user = relationship(User, foreign_keys=[from_user_id])
    sale = relationship(Sale)
