"""The bidding rules as pure functions: the increment table, proxy bidding, the reserve and
buy-now (AUC-6, AUC-8, AUC-9). No database, no clock: services feed in the auction's state
and store what comes out, so the rules can be checked against a reference model.

Proxy bidding follows the large auction sites: every bidder has a maximum (a direct bid is a
maximum equal to the bid). The system bids for the leader one increment at a time, so after a
challenge the price is one increment above the loser's maximum, capped at the winner's
maximum. Equal maxima go to the one placed first. A direct bid that takes the lead sets the
price to exactly that bid. When the leader's maximum reaches the hidden reserve, the price
rises to the reserve.
"""
from dataclasses import dataclass, replace

BAHT = 100

# (from price in satang, increment in satang): modelled on the large auction sites' tables,
# in baht steps a Thai collector would recognise.
INCREMENTS = (
    (0, 5 * BAHT),
    (100 * BAHT, 10 * BAHT),
    (500 * BAHT, 25 * BAHT),
    (1_000 * BAHT, 50 * BAHT),
    (5_000 * BAHT, 100 * BAHT),
    (25_000 * BAHT, 500 * BAHT),
    (100_000 * BAHT, 1_000 * BAHT),
    (250_000 * BAHT, 2_500 * BAHT),
    (500_000 * BAHT, 5_000 * BAHT),
)
# No bid above this (100 million baht) is taken: it is a typo, not a bid.
MAX_BID_SATANG = 100_000_000 * BAHT


class BidRefused(Exception):
    """A bid the rules do not allow; ``code`` says which rule, ``amount`` the figure to show."""

    def __init__(self, code, amount=None):
        super().__init__(code)
        self.code = code
        self.amount = amount


@dataclass(frozen=True)
class State:
    """The bidding state of one auction."""

    starting_price: int
    seller_increment: int
    price: int
    bid_count: int = 0
    leader: int | None = None
    leader_max: int | None = None
    reserve: int | None = None
    buy_now: int | None = None


@dataclass(frozen=True)
class Line:
    """One line of bid history to record: who, at what amount, and how."""

    bidder: int
    amount: int
    kind: str  # "bid", "auto", "raise" or "buy_now"
    max_amount: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The state after a bid and the history lines it adds."""

    state: State
    lines: tuple
    leader_changed: bool
    previous_leader: int | None


def table_increment(price):
    """The increment the table gives at ``price``."""
    step = INCREMENTS[0][1]
    for start, increment in INCREMENTS:
        if price >= start:
            step = increment
    return step


def increment(price, seller_increment):
    """The increment at ``price``: the table's, or the seller's minimum if larger (AUC-9)."""
    return max(table_increment(price), seller_increment)


def minimum_bid(state):
    """The least a new bidder may bid: the starting price, or the price plus one increment."""
    if state.bid_count == 0:
        return state.starting_price
    return state.price + increment(state.price, state.seller_increment)


def reserve_met(state):
    """Whether the price has reached the reserve (an auction without one: once bid on)."""
    if state.reserve is None:
        return state.bid_count > 0
    return state.price >= state.reserve


def buy_now_available(state):
    """Buy-now disappears once a bid meets the reserve, or at the first bid without one
    (AUC-8)."""
    return state.buy_now is not None and not reserve_met(state)


def _with_reserve(price, leader_max, reserve):
    if reserve is not None and leader_max >= reserve and price < reserve:
        return reserve
    return price


def place(state, bidder, amount, *, proxy):
    """Apply ``bidder``'s bid of ``amount`` (a maximum when ``proxy``) to ``state``.

    Raises :class:`BidRefused` when the bid is not allowed; otherwise returns the
    :class:`Outcome`. The caller has already checked who may bid and that the auction is open.
    """
    if amount > MAX_BID_SATANG:
        raise BidRefused("too_high", MAX_BID_SATANG)
    if bidder == state.leader:
        return _raise_maximum(state, bidder, amount, proxy=proxy)
    least = minimum_bid(state)
    if amount < least:
        raise BidRefused("too_low", least)
    count = state.bid_count
    if state.leader is None:
        price = state.starting_price if proxy else amount
        price = _with_reserve(price, amount, state.reserve)
        new = replace(state, price=price, bid_count=count + 1, leader=bidder, leader_max=amount)
        return Outcome(new, (Line(bidder, price, "bid", amount),), True, None)

    leader, leader_max = state.leader, state.leader_max
    if amount > leader_max:
        # The challenger takes the lead; the old leader's proxy had bid up to its maximum.
        price = amount if not proxy else min(amount, leader_max + increment(
            leader_max, state.seller_increment))
        price = _with_reserve(price, amount, state.reserve)
        lines = []
        if leader_max > state.price:
            lines.append(Line(leader, leader_max, "auto"))
        lines.append(Line(bidder, price, "bid", amount))
        new = replace(state, price=price, bid_count=count + len(lines), leader=bidder,
                      leader_max=amount)
        return Outcome(new, tuple(lines), True, leader)

    # The leader's maximum holds (ties go to the earlier maximum): their proxy answers.
    price = min(leader_max, amount + increment(amount, state.seller_increment))
    price = _with_reserve(price, leader_max, state.reserve)
    lines = (Line(bidder, amount, "bid", amount), Line(leader, price, "auto"))
    new = replace(state, price=price, bid_count=count + 2)
    return Outcome(new, lines, False, leader)


def _raise_maximum(state, bidder, amount, *, proxy):
    """The leader raises their hidden maximum; the price moves only to meet the reserve."""
    if not proxy:
        raise BidRefused("already_leading")
    if amount <= state.leader_max:
        raise BidRefused("max_not_higher", state.leader_max)
    price = _with_reserve(state.price, amount, state.reserve)
    lines = [Line(bidder, state.price, "raise", amount)]
    count = state.bid_count
    if price > state.price:
        lines.append(Line(bidder, price, "auto"))
        count += 1
    new = replace(state, price=price, bid_count=count, leader_max=amount)
    return Outcome(new, tuple(lines), False, bidder)


def buy_now(state, buyer):
    """Buy at the buy-now price: the buyer leads at that price and the auction ends (AUC-8)."""
    if not buy_now_available(state):
        raise BidRefused("no_buy_now")
    price = state.buy_now
    new = replace(state, price=price, bid_count=state.bid_count + 1, leader=buyer,
                  leader_max=price)
    return Outcome(new, (Line(buyer, price, "buy_now", price),), buyer != state.leader,
                   state.leader)
