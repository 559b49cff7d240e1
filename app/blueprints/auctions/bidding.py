"""Placing bids and buying now: one transaction that locks the auction row (AUC-6).

PostgreSQL: ``SELECT ... FOR UPDATE`` on the auction; SQLite: the request's transaction is
``BEGIN IMMEDIATE`` (one writer at a time). Either way every bid sees the state the previous
one left, so none is lost or counted twice, and the clock check happens under the lock, so no
bid is taken after the end (AUC-7).
"""
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, literal_column, select, update
from sqlalchemy.exc import IntegrityError

from app.blueprints.auctions import engine, shill
from app.blueprints.auctions.errors import BidNotAccepted
from app.blueprints.auctions.state import bidding_state, phase, store_state
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.i18n import format_baht
from app.live import publish_after_commit
from app.models import Auction, Bid, Notification
from app.notifications import notify_id

EXTENSION_WINDOW = timedelta(minutes=5)
RESERVE_WINDOW = timedelta(hours=1)

PHASE_REFUSALS = {
    "scheduled": _l("This auction has not started yet."),
    "ended": _l("This auction has ended; no more bids are taken."),
    "halted": _l("This auction carries a STOP sign: no bids or purchases until it is lifted."),
}


def lock_auction(auction_id):
    """The auction, re-read and locked for the rest of the transaction (None if absent)."""
    begin_immediate(db.session)
    return db.session.get(Auction, auction_id, with_for_update=True, populate_existing=True)


class LockedAuction:
    """An auction row as a bid locked it: its columns (but the description) as plain
    attributes, read and changed without the ORM (loading the row as an entity, tracking
    its changes and flushing them cost a bid more than the statements themselves).
    :func:`_write_back` stores what a bid changed in one UPDATE."""

    __slots__ = tuple(column.key for column in Auction.__table__.c if column.key != "description")

    def __init__(self, row):
        for name in self.__slots__:
            setattr(self, name, row[name])

    def __repr__(self):
        return f"<LockedAuction {self.id}>"


@dataclass(frozen=True)
class Locked:
    """An auction locked for a bid from ``ip`` and ``device``, with the bidder's shill
    signals (AUC-12) for them read in the same statement."""

    auction: LockedAuction
    signals: shill.Signals
    ip: str
    device: str


def lock_for_bid(auction_id, bidder_id, *, ip="", device="", now=None, mend_history=False):
    """:func:`lock_auction` for a bid by ``bidder_id`` from ``ip`` and ``device``: one
    statement locks the row and reads the :class:`Locked` facts (None if absent). The
    auction comes back as a :class:`LockedAuction`, not an entity.

    Only facts that may be read as of the statement's start belong here: on PostgreSQL a
    statement that waited for the lock returns the row's latest version, but its subqueries
    still see the database as it was when the statement began (the history's length, for
    one, is the row's own ``history_lines``, not a count of the history; see
    :class:`HistoryBehind` for lines written without it). ``mend_history``: bring that count
    up to the history's last line first, read under the lock (after :class:`HistoryBehind`)."""
    begin_immediate(db.session)
    db.session.flush()  # what this transaction changed through the ORM, the lock reads too
    now = utcnow() if now is None else now
    row = _connection().execute(_statements()["lock"], dict(
        auction_id=auction_id, bidder_id=bidder_id, ip=ip, device=device, now=now)).first()
    if row is None:
        return None
    auction = LockedAuction(row._mapping)
    if mend_history:
        # A statement of its own, after the lock: it sees every line committed before it,
        # and no other writer of the history can add one while the lock is held.
        last = _connection().execute(_statements()["last_line"],
                                     dict(auction_id=auction_id)).scalar()
        auction.history_lines = max(auction.history_lines, last or 0)
    return Locked(auction, shill.signals_from(row), ip, device)


def auction_for_bidder(auction_id, bidder_id):
    """The auction and whether ``bidder_id`` is staff of its seller's shop, in one statement
    (the confirmation step), or None."""
    return db.session.execute(_statements()["read"], dict(
        auction_id=auction_id, bidder_id=bidder_id)).first()


def _connection():
    """The session's connection, for the bid path's table statements (no ORM on the way)."""
    return db.session.connection()


@cache
def _statements():
    """The statements of a bid, built once per process (every value is a bound parameter):
    building them cost a bid about as much as running them."""
    auctions, bids = Auction.__table__, Bid.__table__
    auction = Auction.id == bindparam("auction_id")
    return {
        "lock": select(*(auctions.c[name] for name in LockedAuction.__slots__),
                       *shill.signal_columns())
        .where(auctions.c.id == bindparam("auction_id")).with_for_update(of=auctions),
        "read": select(Auction, shill.staff_column()).where(auction),
        # (walking the index backwards: max()'s plan, prepared while the history was small,
        # read every line of the auction)
        "last_line": select(bids.c.sequence).where(bids.c.auction_id == bindparam("auction_id"))
        .order_by(bids.c.sequence.desc()).limit(1),
        "insert_bids": insert(bids).returning(bids.c.id, sort_by_parameter_order=True),
        # (bound names other than the column names, which UPDATE keeps for itself)
        "write_back": update(auctions).where(auctions.c.id == bindparam("auction_id"))
        .values({name: bindparam(f"new_{name}", type_=auctions.c[name].type)
                 for name in WRITTEN_BACK}),
    }


#: What placing a bid changes on the auction row.
WRITTEN_BACK = ("current_price_satang", "bid_count", "leader_id", "leader_max_satang",
                "reserve_met_at", "ends_at", "version", "history_lines")


def _write_back(auction):
    """Store the bid's changes to the locked row; an entity of it that this session holds is
    expired so that it reads them (what locking with populate_existing did before)."""
    _connection().execute(_statements()["write_back"], dict(
        auction_id=auction.id, **{f"new_{name}": getattr(auction, name)
                                  for name in WRITTEN_BACK}))
    _expire_held(auction)


def _expire_held(auction):
    """An entity of the auction this session holds is expired, so that it reads what the
    bid wrote (what locking with populate_existing did before)."""
    session = db.session()
    session.info["talat_wrote"] = True
    held = session.identity_map.get(session.identity_key(Auction, auction.id))
    if held is not None:
        session.expire(held)


def refusal_message(error):
    """The member-facing sentence for an engine refusal."""
    amount = format_baht(error.amount) if error.amount is not None else ""
    return {
        "too_low": _l("Your bid must be at least %(amount)s.", amount=amount),
        "too_high": _l("Bids above %(amount)s are not taken.", amount=amount),
        "already_leading": _l("You are already the highest bidder. To bid more, raise your "
                              "maximum instead."),
        "max_not_higher": _l("Your new maximum must be higher than your current maximum of "
                             "%(amount)s.", amount=amount),
        "no_buy_now": _l("Buy-now is no longer available on this auction."),
    }[error.code]


def bidder_refusal(auction, user, now, *, staff=None):
    """Why ``user`` may not bid on ``auction`` now (a :class:`BidNotAccepted`), or None.
    ``staff``: whether the user works for the seller, when the caller has read it."""
    from app.blueprints.accounts.services import is_adult
    from app.blueprints.moderation.enforcement import suspension_refusal

    suspended = suspension_refusal(user, now)  # ACC-5
    if suspended is not None:
        return suspended
    if auction.content_rating == "adult" and not is_adult(user, now):  # ACC-3, RANK-1
        return BidNotAccepted(_l("Members under 18 cannot bid on auctions for adults (18+)."))
    if auction.hidden_at is not None:  # CMP-3
        return BidNotAccepted(_l("Publication of this auction is suspended after a complaint; "
                                 "no bids are taken."))
    current = "ended" if auction.settled_at is not None else phase(auction, now)
    if current != "open":
        return BidNotAccepted(PHASE_REFUSALS[current])
    if user.id == auction.seller_id:
        return BidNotAccepted(_l("You cannot bid on your own auction."))
    if staff is None:
        staff = shill.works_for_seller(user.id, auction.seller_id)
    if staff:
        return BidNotAccepted(_l("Staff of the seller's shop cannot bid on the seller's "
                                 "auctions."))
    return None


@dataclass(frozen=True)
class Recorded:
    """One line of bid history as written (the row's values and its id)."""

    id: int
    bidder_id: int
    amount_satang: int
    max_satang: int | None
    kind: str
    ip: str
    device: str


def _record(auction, outcome, *, now, ip, device):
    """Add the outcome's history lines after the last one (the locked row counts them), in
    one statement without the ORM's unit of work (the lines are never changed once written);
    returns them as :class:`Recorded`."""
    return _insert_lines(auction, _lines(auction, outcome, now=now, ip=ip, device=device))


def _insert_lines(auction, values):
    try:
        ids = _connection().execute(_statements()["insert_bids"], values).scalars().all()
    except IntegrityError as error:
        _raise_history_behind(auction, error)
        raise
    return _recorded(auction, ids, values)


def _lines(auction, outcome, *, now, ip, device):
    """The outcome's history lines as the rows to insert, numbered after the last one."""
    sequence = auction.history_lines
    values = []
    for line in outcome.lines:
        sequence += 1
        values.append(dict(auction_id=auction.id, sequence=sequence, bidder_id=line.bidder,
                           amount_satang=line.amount, max_satang=line.max_amount,
                           kind=line.kind, created_at=now,
                           ip=ip if line.kind != "auto" else "",
                           device=device if line.kind != "auto" else ""))
    return values


def _raise_history_behind(auction, error):
    if _numbering_clash(error):
        raise HistoryBehind(auction.id) from error


def _recorded(auction, ids, values):
    """The lines written (``ids`` in the order of ``values``), counted on the auction."""
    if values:
        auction.history_lines = values[-1]["sequence"]
    db.session.info["talat_wrote"] = True
    return [Recorded(id=row_id, bidder_id=v["bidder_id"], amount_satang=v["amount_satang"],
                     max_satang=v["max_satang"], kind=v["kind"], ip=v["ip"],
                     device=v["device"]) for row_id, v in zip(ids, values, strict=True)]


#: The columns of a history line, in the order of :func:`_lines`' rows.
LINE_COLUMNS = ("auction_id", "sequence", "bidder_id", "amount_satang", "max_satang", "kind",
                "created_at", "ip", "device")


def _write(auction, outcome, outbid, *, now, ip, device):
    """Write what the bid changed: its history lines, the auction row and, when ``outbid``
    (a member who lost the lead), that member's unread outbid notice on the auction brought
    up to date. Returns ``(rows, refreshed)``: the :class:`Recorded` lines, and whether an
    unread notice was refreshed (None when the caller is to do it: :func:`_announce`).

    On PostgreSQL the three writes are one statement (data-modifying CTEs): the row stays
    locked until the commit, and every round trip while it is locked is a wait for the
    database and then for the interpreter's lock before the next, which other bids on the
    auction queue behind. On SQLite they are separate statements in the same process."""
    connection = _connection()
    values = _lines(auction, outcome, now=now, ip=ip, device=device)
    if connection.dialect.name != "postgresql" or not values:
        rows = _insert_lines(auction, values)
        _write_back(auction)
        return rows, None
    params = {f"new_{name}": getattr(auction, name) for name in WRITTEN_BACK}
    params["new_history_lines"] = values[-1]["sequence"]
    params["locked_auction"] = auction.id
    for n, line in enumerate(values):
        params.update({f"line{n}_{column}": line[column] for column in LINE_COLUMNS})
    if outbid is not None:
        params.update(member=outbid, outbid_auction=auction.id,
                      price=auction.current_price_satang, at=now)
    try:
        written = connection.exec_driver_sql(
            _combined_sql(connection.dialect, len(values), outbid is not None), params).all()
    except IntegrityError as error:
        _raise_history_behind(auction, error)
        raise
    ids = {row.sequence: row.id for row in written}
    rows = _recorded(auction, [ids[line["sequence"]] for line in values], values)
    _expire_held(auction)
    return rows, (written[0].refreshed > 0) if outbid is not None else None


@cache
def _combined_sql(dialect, lines, refresh):
    """:func:`_combined` compiled for ``dialect`` once per process: SQLAlchemy does not cache
    the compilation of a statement with data-modifying CTEs, and compiling it cost a bid more
    than the round trips it saves."""
    return str(_combined(lines, refresh).compile(dialect=dialect))


def _combined(lines, refresh):
    """:func:`_write`'s statement for PostgreSQL, for ``lines`` history lines, refreshing an
    outbid notice or not. (Bound names other than the columns' names, which an UPDATE takes
    for values to set, and other than the names SQLAlchemy gives literals.)"""
    auctions, bids, notices = Auction.__table__, Bid.__table__, Notification.__table__
    new_lines = insert(bids).values([
        {column: bindparam(f"line{n}_{column}", type_=bids.c[column].type)
         for column in LINE_COLUMNS} for n in range(lines)]) \
        .returning(bids.c.id, bids.c.sequence).cte("new_lines")
    moved = update(auctions).where(auctions.c.id == bindparam("locked_auction")).values(
        {name: bindparam(f"new_{name}", type_=auctions.c[name].type)
         for name in WRITTEN_BACK}).returning(auctions.c.id).cte("moved")
    statement = select(new_lines.c.id, new_lines.c.sequence)
    if refresh:
        refreshed = update(notices).where(
            notices.c.user_id == bindparam("member"),
            notices.c.auction_id == bindparam("outbid_auction"),
            notices.c.kind == literal_column("'outbid'"),
            notices.c.read_at.is_(None)).values(
            amount_satang=bindparam("price", type_=notices.c.amount_satang.type),
            created_at=bindparam("at", type_=notices.c.created_at.type)) \
            .returning(notices.c.id).cte("refreshed")
        count = select(func.count()).select_from(refreshed).scalar_subquery()
        statement = statement.add_columns(count.label("refreshed")).add_cte(refreshed)
    return statement.add_cte(moved)


class HistoryBehind(Exception):
    """The auction's count of history lines is behind its history: lines were written by code
    that did not keep the count (a worker of the release before it, still running during a
    deploy). The transaction is spoilt: roll back and try again with ``mend_history``."""


def _numbering_clash(error):
    """Whether ``error`` is a second history line with the same number on an auction."""
    text = str(error.orig)
    return "uq_bids_auction_sequence" in text or "bids.auction_id, bids.sequence" in text


def _apply_clock_rules(auction, old_price, now):
    """Reserve first met with over an hour left: end in an hour. A bid that raises the price
    in the last five minutes: end five minutes after it (AUC-8). True when this bid first met
    the reserve."""
    met = (auction.reserve_satang is not None and auction.reserve_met_at is None
           and auction.current_price_satang >= auction.reserve_satang)
    if met:
        auction.reserve_met_at = now
        if auction.ends_at - now > RESERVE_WINDOW:
            auction.ends_at = now + RESERVE_WINDOW
    if auction.current_price_satang > old_price and auction.ends_at - now < EXTENSION_WINDOW:
        auction.ends_at = now + EXTENSION_WINDOW
    return met


def _tell_outbid(user_id, auction, now):
    """Tell a member they lost the lead (AUC-10): one notice and one e-mail per auction until
    they have read it, so a bidding war does not flood their inbox; the unread notice shows
    the latest price."""
    refreshed = db.session.execute(_refresh_outbid(), dict(
        member=user_id, auction=auction.id, price=auction.current_price_satang, at=now))
    if refreshed.rowcount:
        return
    notify_id(user_id, "outbid", auction=auction, amount=auction.current_price_satang, now=now)


@cache
def _refresh_outbid():
    """The member's unread outbid notice on the auction, brought up to date (a table
    statement: no notice object is loaded or kept in step)."""
    notices = Notification.__table__
    # (bound names other than the table's column names, which UPDATE keeps for itself)
    return (update(notices).where(
        notices.c.user_id == bindparam("member"), notices.c.auction_id == bindparam("auction"),
        notices.c.kind == "outbid", notices.c.read_at.is_(None))
        .values(amount_satang=bindparam("price", type_=notices.c.amount_satang.type),
                created_at=bindparam("at", type_=notices.c.created_at.type)))


def _outbid(outcome, bidder_id):
    """The member this bid took the lead from, if any."""
    previous = outcome.previous_leader
    if outcome.leader_changed and previous is not None and previous != bidder_id:
        return previous
    return None


def _announce(auction, outcome, bidder_id, now, refreshed=None):
    """Tell the member who lost the lead (``refreshed``: whether their unread notice was
    already brought up to date, None when not tried) and every open page of the auction."""
    outbid = _outbid(outcome, bidder_id)
    if outbid is not None and refreshed is None:
        _tell_outbid(outbid, auction, now)
    elif outbid is not None and not refreshed:
        notify_id(outbid, "outbid", auction=auction, amount=auction.current_price_satang,
                  now=now)
    _publish(auction)


def _publish(auction):
    """Every open page of the auction hears of its new state once the bid commits (AUC-2)."""
    publish_after_commit(f"auction:{auction.id}", {
        "version": auction.version, "leader": auction.leader_id, "ends_at":
        auction.ends_at.isoformat()})


def place_bid(auction_id, bidder, amount, *, proxy, now=None, ip="", device="",
              mend_history=False):
    """Bid ``amount`` satang on the auction (a hidden maximum when ``proxy``).

    Without ``now`` the clock is read once the row is locked: a bid that waited for the lock
    while the end passed is refused, and bid times follow the order of the history (AUC-7).
    Returns ``(auction, rows)``, the auction as the :class:`LockedAuction` the bid left;
    raises :class:`BidNotAccepted` with the reason, having changed nothing."""
    locked = lock_for_bid(auction_id, bidder.id, ip=ip, device=device, now=now,
                          mend_history=mend_history)
    if locked is None:
        raise BidNotAccepted(_l("This auction does not exist."))
    return locked.auction, place_locked_bid(locked, bidder, amount, proxy=proxy, now=now)


def place_locked_bid(locked, bidder, amount, *, proxy, now=None):
    """:func:`place_bid` on what :func:`lock_for_bid` locked in this transaction for this
    bidder (from the IP address and device it was locked for); returns the history lines
    added."""
    auction, ip, device = locked.auction, locked.ip, locked.device
    now = utcnow() if now is None else now
    refusal = bidder_refusal(auction, bidder, now, staff=locked.signals.staff)
    if refusal is not None:
        raise refusal
    try:
        outcome = engine.place(bidding_state(auction), bidder.id, amount, proxy=proxy)
    except engine.BidRefused as error:
        raise BidNotAccepted(refusal_message(error), field="amount") from None
    old_price, old_end = auction.current_price_satang, auction.ends_at
    store_state(auction, outcome.state)
    reserve_met = _apply_clock_rules(auction, old_price, now)
    # A leader quietly raising a hidden maximum changes nothing anyone else can see: no new
    # version and no live event, so watchers cannot tell that it happened (AUC-9).
    visible = any(line.kind != "raise" for line in outcome.lines) or auction.ends_at != old_end
    if visible:
        auction.version += 1
    outbid = _outbid(outcome, bidder.id) if visible else None
    rows, refreshed = _write(auction, outcome, outbid, now=now, ip=ip, device=device)
    own = [row for row in rows if row.bidder_id == bidder.id and row.kind != "auto"]
    if own:
        shill.flag_if_seller_like(auction, own[0], now, locked.signals)
    if visible:
        _announce(auction, outcome, bidder.id, now, refreshed=refreshed)
    if reserve_met:
        # The seller learns that it will sell, and that the end has come forward (AUC-8).
        notify_id(auction.seller_id, "reserve_met", auction=auction,
                  amount=auction.current_price_satang, now=now)
    return rows


def buy_now(auction_id, buyer, *, now=None, ip="", device="", mend_history=False):
    """Buy at the buy-now price: the auction ends at once and the sale starts (AUC-8).
    Without ``now`` the clock is read once the row is locked, as for a bid."""
    from app.blueprints.auctions.lifecycle import settle

    locked = lock_for_bid(auction_id, buyer.id, ip=ip, device=device, now=now,
                          mend_history=mend_history)
    now = utcnow() if now is None else now
    if locked is None:
        raise BidNotAccepted(_l("This auction does not exist."))
    ip, device = locked.ip, locked.device
    # A purchase is rare and settles the sale through the ORM: the entity of the row this
    # transaction has locked (numbering its history from the count the lock read, mended).
    auction = db.session.get(Auction, auction_id, populate_existing=True)
    auction.history_lines = locked.auction.history_lines
    refusal = bidder_refusal(auction, buyer, now, staff=locked.signals.staff)
    if refusal is not None:
        raise refusal
    try:
        outcome = engine.buy_now(bidding_state(auction), buyer.id)
    except engine.BidRefused as error:
        raise BidNotAccepted(refusal_message(error)) from None
    store_state(auction, outcome.state)
    auction.ends_at = now
    auction.ended_early = "buy_now"
    auction.version += 1
    rows = _record(auction, outcome, now=now, ip=ip, device=device)
    shill.flag_if_seller_like(auction, rows[0], now, locked.signals)
    # Not _announce: the leader this displaced is not told "outbid, bid again" about an
    # auction that has ended; settle tells every other bidder another member won (AUC-10).
    _publish(auction)
    settle(auction, now)
    return auction
