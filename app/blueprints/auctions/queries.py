"""Read side of the auction board: the board lists, an auction's history, my bids."""
from dataclasses import dataclass
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, func, not_, or_, select, true
from sqlalchemy.orm import selectinload

from app.blueprints.auctions.state import AUTHENTIC
from app.blueprints.auctions.visibility import visible_auctions, visible_ratings
from app.extensions import db
from app.models import Auction, AuctionPhoto, AuctionWatch, Bid, Sale, User

HISTORY_LINES = 15
PAGE_SIZE = 24
UPCOMING_SIZE = 12


def history(auction_id, limit=HISTORY_LINES):
    """The newest visible lines of the bid history with bidders' names (hidden maximum
    raises are left out)."""
    return db.session.execute(
        select(Bid.sequence, Bid.amount_satang, Bid.kind, Bid.created_at, Bid.bidder_id,
               User.display_name)
        .join(User, User.id == Bid.bidder_id)
        .where(Bid.auction_id == auction_id, Bid.kind != "raise")
        .order_by(Bid.sequence.desc()).limit(limit)).all()


def bidder_count(auction_id):
    """How many members have bid."""
    return db.session.scalar(select(func.count(func.distinct(Bid.bidder_id)))
                             .where(Bid.auction_id == auction_id)) or 0


def has_bid(user_id, auction_id):
    """Whether the member has bid on the auction."""
    return db.session.scalar(_viewer_statements()["has_bid"],
                             dict(member=user_id, auction=auction_id)) is True


def my_maximum(user_id, auction_id):
    """The member's own highest maximum on the auction (shown to them only)."""
    return db.session.scalar(_viewer_statements()["my_max"],
                             dict(member=user_id, auction=auction_id))


def is_watching(user_id, auction_id):
    """Whether the member watches the auction."""
    return db.session.scalar(_viewer_statements()["watching"],
                             dict(member=user_id, auction=auction_id)) is True


@dataclass(frozen=True)
class ViewerFacts:
    """What the auction page shows one member of their own part in it."""

    has_bid: bool
    my_max: int | None  # None without a bid
    watching: bool


NO_VIEWER = ViewerFacts(has_bid=False, my_max=None, watching=False)


def viewer_facts(user_id, auction_id):
    """:func:`has_bid`, :func:`my_maximum` and :func:`is_watching` in one statement
    (:data:`NO_VIEWER` for a visitor, ``user_id`` None)."""
    if user_id is None:
        return NO_VIEWER
    row = db.session.execute(_viewer_statements()["facts"],
                             dict(member=user_id, auction=auction_id)).one()
    return ViewerFacts(has_bid=row.has_bid is True, my_max=row.my_max,
                       watching=row.watching is True)


@cache
def _viewer_statements():
    """A member's facts about one auction, built once per process (every request of a member
    on an auction page asks them; building them cost about as much as running them)."""
    member, auction = bindparam("member"), bindparam("auction")
    theirs = and_(Bid.auction_id == auction, Bid.bidder_id == member)
    has_bid = exists().where(theirs)
    my_max = select(func.max(Bid.max_satang)).where(theirs).scalar_subquery()
    watching = exists().where(AuctionWatch.user_id == member, AuctionWatch.auction_id == auction)
    return {
        "has_bid": select(has_bid), "my_max": select(my_max), "watching": select(watching),
        "facts": select(has_bid.label("has_bid"), my_max.label("my_max"),
                        watching.label("watching")),
    }


def _cards(query):
    return db.session.scalars(query.options(
        selectinload(Auction.photos.and_(AuctionPhoto.position == 0)),
        selectinload(Auction.seller))).all()


def on_the_board(now, viewer=None):
    """The conditions of an auction the board lists at ``now`` to ``viewer`` (None: a
    visitor): open, not hidden (CMP-3), and one they may see (RANK-1, ACC-3: an 18+ auction
    only for adult members, :func:`~app.blueprints.auctions.visibility.visible_auctions`)."""
    return (Auction.starts_at <= now, Auction.ends_at > now, Auction.hidden_at.is_(None),
            visible_auctions(viewer, now))


def board(now, *, viewer=None, sort="ending", category_ids=None, ids=None, offset=0,
          limit=PAGE_SIZE):
    """Open auctions ``viewer`` may see (None: a visitor): ending soonest first, or newest
    first; by category; among ``ids`` (a search's matches) when given. Auctions with a STOP
    sign stay listed, marked."""
    query = select(Auction).where(*on_the_board(now, viewer))
    if category_ids:
        query = query.where(Auction.category_id.in_(category_ids))
    if ids is not None:
        query = query.where(Auction.id.in_(ids))
    order = (Auction.ends_at, Auction.id) if sort == "ending" else \
        (Auction.starts_at.desc(), Auction.id.desc())
    return _cards(query.order_by(*order).offset(offset).limit(limit + 1))


def starting_later(now, viewer=None):
    """The conditions of an auction scheduled to start after ``now``, not hidden (CMP-3),
    that ``viewer`` may see (RANK-1, ACC-3), as :func:`on_the_board`. (``ends_at > now``
    follows from the start, but lets the end's index find the few auctions still to end
    instead of reading every auction ever held.)"""
    return (Auction.ends_at > now, Auction.starts_at > now, Auction.hidden_at.is_(None),
            visible_auctions(viewer, now))


def upcoming(now, *, viewer=None, category_ids=None, ids=None, limit=UPCOMING_SIZE):
    """Auctions scheduled to start later that ``viewer`` may see, starting soonest first: the
    board lists them apart from the open ones, so collectors can find them before bidding
    opens."""
    query = select(Auction).where(*starting_later(now, viewer))
    if category_ids:
        query = query.where(Auction.category_id.in_(category_ids))
    if ids is not None:
        query = query.where(Auction.id.in_(ids))
    return _cards(query.order_by(Auction.starts_at, Auction.id).limit(limit))


def recently_ended(now, limit=12, viewer=None):
    """Ended auctions stay viewable: the latest to end that ``viewer`` may see."""
    return _cards(select(Auction).where(Auction.ends_at <= now, Auction.hidden_at.is_(None),
                                        visible_auctions(viewer, now))
                  .order_by(Auction.ends_at.desc(), Auction.id.desc()).limit(limit))


#: The parts of "My bids", each paged on its own (AUC-10).
MY_BIDS_PARTS = ("bidding", "won", "lost")


def my_bids(user_id, now, part, *, viewer=None, offset=0, limit=PAGE_SIZE):
    """One part of the member's bids (AUC-10), a page of ``limit`` (and one more, when there
    is a next page): "bidding" on auctions still running, ending soonest first; "won" or
    "lost" once ended, the latest to end first. Ties go by id, so pages neither repeat nor
    skip an auction. With ``viewer`` (the member), an auction a moderator has since rated
    18+ is left out for a member under 18 (RANK-1, ACC-3)."""
    bid_on = select(Bid.auction_id).where(Bid.bidder_id == user_id).distinct()
    query = select(Auction).where(Auction.id.in_(bid_on), Auction.hidden_at.is_(None))
    if viewer is not None:
        query = query.where(visible_auctions(viewer, now))
    if part == "bidding":
        query = query.where(Auction.ends_at > now).order_by(Auction.ends_at, Auction.id)
    else:
        won = _won_by(user_id) == (1 if part == "won" else 0)
        query = query.where(Auction.ends_at <= now, won).order_by(Auction.ends_at.desc(),
                                                                   Auction.id.desc())
    return _cards(query.offset(offset).limit(limit + 1))


def taken_down(user_id, *, viewer=None, now=None, offset=0, limit=PAGE_SIZE):
    """Auctions the member bid on whose publication is suspended after a complaint (CMP-3),
    the latest taken down first (ties by id): the other lists leave them out, since their
    pages are gone for everyone but the seller and moderators, and a bidder is owed a word
    on where their bid went. A page of ``limit`` (and one more, when there is a next
    page). With ``viewer`` (the member), not an 18+ one to a member under 18 (ACC-3)."""
    bid_on = select(Bid.auction_id).where(Bid.bidder_id == user_id).distinct()
    rated = visible_ratings(viewer, now) if viewer is not None else true()
    return db.session.scalars(
        select(Auction).where(Auction.id.in_(bid_on), Auction.hidden_at.is_not(None), rated)
        .order_by(Auction.hidden_at.desc(), Auction.id.desc())
        .offset(offset).limit(limit + 1)).all()


def bought(user_id, auction_ids):
    """``{auction id: sale id}`` of the auctions among ``auction_ids`` the member bought."""
    if not auction_ids:
        return {}
    return dict(db.session.execute(select(Sale.auction_id, Sale.id).where(
        Sale.buyer_id == user_id, Sale.auction_id.in_(auction_ids))).all())


def _won_by(user_id):
    """1 where :func:`~app.blueprints.auctions.state.effective_winner` of the auction is
    ``user_id``, else 0 (never NULL): the same rule in SQL, so an ended auction is paged as
    won or lost. Settled: its recorded winner; not yet: the leader, if the reserve is met
    (without one: once bid on) and no STOP sign other than AUTHENTIC halts it, nor hiding."""
    halted = or_(and_(Auction.stop_sign.is_not(None), Auction.stop_sign != AUTHENTIC),
                 Auction.hidden_at.is_not(None))
    reserve_met = or_(and_(Auction.reserve_satang.is_(None), Auction.bid_count > 0),
                      and_(Auction.reserve_satang.is_not(None),
                           Auction.current_price_satang >= Auction.reserve_satang))
    won = or_(and_(Auction.settled_at.is_not(None), Auction.winner_id == user_id),
              and_(Auction.settled_at.is_(None), Auction.leader_id == user_id, reserve_met,
                   not_(halted)))
    return case((won, 1), else_=0)


def my_auctions(user_id, *, offset=0, limit=PAGE_SIZE):
    """The auctions a member is selling, newest first (ties by id): a page of ``limit`` (and
    one more, when there is a next page)."""
    return _cards(select(Auction).where(Auction.seller_id == user_id)
                  .order_by(Auction.created_at.desc(), Auction.id.desc())
                  .offset(offset).limit(limit + 1))


def sale_id(auction_id):
    """The id of the auction's sale, if it has one."""
    return db.session.scalar(select(Sale.id).where(Sale.auction_id == auction_id))


def my_sales(user_id, *, offset=0, limit=PAGE_SIZE):
    """Sales where the member is buyer or seller, newest first: a page of ``limit`` (and one
    more, when there is a next page)."""
    return db.session.scalars(select(Sale).where(or_(
        Sale.buyer_id == user_id, Sale.seller_id == user_id))
        .options(selectinload(Sale.auction))
        .order_by(Sale.created_at.desc(), Sale.id.desc()).offset(offset).limit(limit + 1)).all()


def watched(user_id, now, *, viewer=None, offset=0, limit=PAGE_SIZE):
    """Auctions the member watches: running ones ending soonest first, then ended ones, the
    latest first (paged, the oldest ended ones would fill the first page); a page of
    ``limit`` (and one more, when there is a next page). With ``viewer`` (the member), not
    an auction a moderator has since rated 18+ to a member under 18 (RANK-1, ACC-3)."""
    running = Auction.ends_at > now
    visible = visible_auctions(viewer, now) if viewer is not None else true()
    return _cards(select(Auction).join(AuctionWatch, and_(
        AuctionWatch.auction_id == Auction.id, AuctionWatch.user_id == user_id))
        .where(Auction.hidden_at.is_(None), visible)
        .order_by(case((running, 0), else_=1), case((running, Auction.ends_at)),
                  Auction.ends_at.desc(), Auction.id)
        .offset(offset).limit(limit + 1))
