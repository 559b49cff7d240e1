"""What moderation does to auctions through their own rules (MOD-8): withdrawing a member's
bids, ending a closed member's auctions, changing an auction's content rating (RANK-1).
Each locks the auction first (AUC-6)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.blueprints.auctions import engine
from app.blueprints.auctions.bidding import lock_auction
from app.blueprints.auctions.state import phase
from app.blueprints.shops.forms import RATING_LABELS
from app.extensions import db
from app.live import publish_after_commit
from app.models import Auction, Bid, BidFlag
from app.models.auctions import AUCTION_RATINGS
from app.notifications import SUBJECTS, TEXTS, notify_about, register_labels


def _lock(auction_id):
    """:func:`bidding.lock_auction`, also inside a transaction that has already written (a
    sanction recorded first): on SQLite that transaction already holds the write lock."""
    if not (db.session.new or db.session.dirty or db.session.deleted
            or db.session.info.get("talat_wrote")):
        return lock_auction(auction_id)
    db.session.flush()
    return db.session.get(Auction, auction_id, with_for_update=True, populate_existing=True)


def _open_auction_ids(condition, now):
    return db.session.scalars(select(Auction.id).where(
        condition, Auction.settled_at.is_(None), Auction.ends_at > now)
        .order_by(Auction.id)).all()


def _replay(auction, rows):
    """Rebuild the state from the starting price by replaying ``rows`` (the members' own
    bids, in order) through the engine; returns the state and the history lines made."""
    state = engine.State(starting_price=auction.starting_price_satang,
                         seller_increment=auction.min_increment_satang,
                         price=auction.starting_price_satang, reserve=auction.reserve_satang,
                         buy_now=auction.buy_now_satang)
    made = []
    for row in rows:
        maximum = row.max_satang or row.amount_satang
        proxy = row.kind == "raise" or maximum != row.amount_satang
        try:
            outcome = engine.place(state, row.bidder_id, maximum, proxy=proxy)
        except engine.BidRefused as error:
            if error.code != "already_leading":
                continue  # a maximum already beaten by the bidder's own: nothing to replay
            outcome = engine.place(state, row.bidder_id, maximum, proxy=True)
        state = outcome.state
        made += [(line, row) for line in outcome.lines]
    return state, made


def withdraw_bids_on(auction, bidder_id, now):
    """Withdraw every bid of ``bidder_id`` on the locked, open ``auction``: the history is
    rebuilt from the other members' bids with the engine's replay, so price and leader are
    what they would have been without them. Returns True when something changed."""
    rows = db.session.scalars(select(Bid).where(Bid.auction_id == auction.id)
                              .order_by(Bid.sequence)).all()
    if not any(row.bidder_id == bidder_id for row in rows):
        return False
    kept = [row for row in rows if row.bidder_id != bidder_id and row.kind in ("bid", "raise")]
    state, made = _replay(auction, kept)
    copies = [dict(bidder_id=line.bidder, amount_satang=line.amount,
                   max_satang=line.max_amount, kind=line.kind, created_at=row.created_at,
                   ip=row.ip if line.kind != "auto" else "",
                   device=row.device if line.kind != "auto" else "") for line, row in made]
    ids = [row.id for row in rows]
    db.session.flush()
    db.session.execute(delete(BidFlag).where(BidFlag.bid_id.in_(ids)),
                       execution_options={"synchronize_session": False})
    db.session.execute(delete(Bid).where(Bid.auction_id == auction.id),
                       execution_options={"synchronize_session": False})
    for row in rows:
        db.session.expunge(row)
    db.session.add_all(Bid(auction_id=auction.id, sequence=n, **values)
                       for n, values in enumerate(copies, start=1))
    auction.current_price_satang, auction.bid_count = state.price, state.bid_count
    auction.history_lines = len(copies)
    auction.leader_id, auction.leader_max_satang = state.leader, state.leader_max
    if auction.reserve_satang is not None and state.price < auction.reserve_satang:
        auction.reserve_met_at = None
    auction.version += 1
    db.session.flush()
    publish_after_commit(f"auction:{auction.id}", {
        "version": auction.version, "leader": auction.leader_id,
        "ends_at": auction.ends_at.isoformat()})
    return True


def withdraw_bids_of(bidder_id, now):
    """Withdraw the member's bids on every open auction (MOD-8 "cancel all open bids").
    Returns how many auctions changed."""
    changed = 0
    for auction_id in _open_auction_ids(
            Auction.id.in_(select(Bid.auction_id).where(Bid.bidder_id == bidder_id)), now):
        auction = _lock(auction_id)
        if auction is not None and phase(auction, now) in ("open", "halted", "scheduled") \
                and auction.settled_at is None and withdraw_bids_on(auction, bidder_id, now):
            changed += 1
    return changed


def end_auctions_of(seller_id, now):
    """End the closed member's running auctions at once, without a sale (MOD-8 "permanent
    closure"). Returns how many."""
    ended = 0
    for auction_id in _open_auction_ids(Auction.seller_id == seller_id, now):
        auction = _lock(auction_id)
        if auction is None or auction.settled_at is not None or auction.ends_at <= now:
            continue
        if auction.starts_at > now:
            auction.starts_at = now
        auction.ends_at = now
        auction.ended_early = "moderation"
        auction.settled_at = now  # settled with no sale: the seller's account is closed
        auction.version += 1
        publish_after_commit(f"auction:{auction.id}", {"version": auction.version})
        ended += 1
    db.session.flush()
    return ended


#: The notice the seller gets when moderators change who may see their auction (RANK-1).
TEXTS["auction_rating_changed"] = _l(
    "Moderators changed who may see your auction “%(title)s”: %(content_rating)s.")
SUBJECTS["auction_rating_changed"] = _l("Who may see your auction “%(title)s” has changed")
register_labels("content_rating", RATING_LABELS)


def set_content_rating(auction_id, rating, *, now, moderator, ip=""):
    """``moderator`` changes who may see an auction (RANK-1: the seller sets it, moderators
    can change it), in the audit log (MOD-10), and the seller is told. Open pages of the
    auction redraw their live panel (its stream ends for a viewer who may no longer see it,
    ACC-3), and the pages kept for visitors are dropped. Returns the auction (None if gone)."""
    from app.blueprints.auctions.errors import AuctionError
    from app.blueprints.moderation import audit
    from app.pagecache_clearing import drop_visitor_pages

    if rating not in AUCTION_RATINGS:
        raise AuctionError(_l("Please choose who may see this auction."),
                           field="content_rating")
    auction = _lock(auction_id)
    if auction is None or auction.content_rating == rating:
        return auction
    before = auction.content_rating
    auction.content_rating = rating
    auction.version += 1
    audit.record(moderator, "auction.content_rating", "auction", auction.id,
                 before={"content_rating": before}, after={"content_rating": rating},
                 now=now, ip=ip)
    notify_about(auction.seller, "auction_rating_changed", target_type="auction",
                 target_id=auction.id, facts={"title": auction.title, "content_rating": rating},
                 now=now)
    if rating == "adult":
        _drop_minors(auction, now)
    db.session.flush()
    publish_after_commit(f"auction:{auction.id}", {"version": auction.version})
    drop_visitor_pages()  # in every worker (RANK-1, ACC-3)
    return auction


#: The notice of a member under 18 whose bids an 18+ rating withdrew: it names no auction,
#: since they may not see it (ACC-3).
TEXTS["bids_withdrawn_adult"] = _l(
    "Your bids on an auction were withdrawn: moderators rated it for adults (18+).")
SUBJECTS["bids_withdrawn_adult"] = _l("Your bids on an auction were withdrawn")


def _drop_minors(auction, now):
    """An auction just rated 18+ (RANK-1, ACC-3): members under 18 may not take part, so
    their bids on it are withdrawn while it is open (the price and leader replayed without
    them, :func:`withdraw_bids_on`) and their watches removed; they are told without its
    name. The seller and moderators keep theirs."""
    from app.blueprints.accounts.services import is_adult
    from app.models import AuctionWatch, User

    bidders = db.session.scalars(select(User).where(User.id.in_(
        select(Bid.bidder_id).where(Bid.auction_id == auction.id)))).all()
    watchers = db.session.scalars(select(User).join(
        AuctionWatch, AuctionWatch.user_id == User.id).where(
        AuctionWatch.auction_id == auction.id)).all()
    minors = {u.id: u for u in bidders + watchers if not is_adult(u, now)}
    if not minors:
        return
    db.session.execute(delete(AuctionWatch).where(
        AuctionWatch.auction_id == auction.id, AuctionWatch.user_id.in_(minors)),
        execution_options={"synchronize_session": False})
    if phase(auction, now) != "open":
        return
    for member in (u for u in bidders if u.id in minors):
        if withdraw_bids_on(auction, member.id, now):
            notify_about(member, "bids_withdrawn_adult", target_type="user",
                         target_id=member.id, facts={}, now=now)
