"""An auction's state as the clock and the rules have it, read off its row."""
import unicodedata

from app.blueprints.auctions import engine

AUTHENTIC = "authentic"


def bidding_state(auction):
    """The engine's view of ``auction``."""
    return engine.State(
        starting_price=auction.starting_price_satang,
        seller_increment=auction.min_increment_satang,
        price=auction.current_price_satang,
        bid_count=auction.bid_count,
        leader=auction.leader_id,
        leader_max=auction.leader_max_satang,
        reserve=auction.reserve_satang,
        buy_now=auction.buy_now_satang,
    )


def store_state(auction, state):
    """Write the engine's state back onto the row."""
    auction.current_price_satang = state.price
    auction.bid_count = state.bid_count
    auction.leader_id = state.leader
    auction.leader_max_satang = state.leader_max


def is_halted(auction):
    """A STOP sign other than AUTHENTIC halts every transaction (AUC-3), and so does a
    publication suspended after an upheld complaint (CMP-3): no bids, no purchase, no sale."""
    return (auction.stop_sign is not None and auction.stop_sign != AUTHENTIC) or \
        auction.hidden_at is not None


def phase(auction, now):
    """"scheduled", "open", "halted" or "ended": the clock decides, not a job (AUC-7)."""
    if now >= auction.ends_at:
        return "ended"
    if now < auction.starts_at:
        return "scheduled"
    if is_halted(auction):
        return "halted"
    return "open"


def taken_down_outcome(auction, user_id, now):
    """What became of a bidder's part in an auction whose publication is suspended (CMP-3):
    "waiting" (not ended: no bids while it is down, and bidding goes on if it is published
    again before its end), "won" (settled to this bidder before it was taken down), "lost"
    (another bidder won it) or "no_winner" (it ended while taken down, which halts it)."""
    if now < auction.ends_at:
        return "waiting"
    winner = effective_winner(auction)
    if winner is None:
        return "no_winner"
    return "won" if winner == user_id else "lost"


def reserve_met(auction):
    """Whether the hidden reserve is met (shown as yes/no, never as a figure; AUC-9)."""
    return engine.reserve_met(bidding_state(auction))


def buy_now_available(auction, now):
    """Buy-now is offered while the auction is open and no bid has met the reserve (AUC-8)."""
    return phase(auction, now) == "open" and engine.buy_now_available(bidding_state(auction))


def minimum_bid(auction):
    """The least the next bidder may bid."""
    return engine.minimum_bid(bidding_state(auction))


def suggested_bid(auction, member_id):
    """What the bid box offers ``member_id``: the least a new bidder may bid, or, to the
    leader, one increment above their hidden maximum (all a leader may do is raise it;
    AUC-9)."""
    if member_id is not None and member_id == auction.leader_id and auction.leader_max_satang:
        top = auction.leader_max_satang
        return top + engine.increment(top, auction.min_increment_satang)
    return minimum_bid(auction)


def seller_may_end(auction, now):
    """The seller may end early only while the reserve is not met (AUC-8)."""
    return phase(auction, now) in ("scheduled", "open", "halted") and not reserve_met(auction)


def _letters(name):
    """``name`` cut into what a reader sees as letters: a Thai vowel or tone mark stays with
    its consonant (ดี, not ด and ี; น้ำ), and a leading vowel (เ แ โ ใ ไ) with the consonant
    after it."""
    letters = []
    for char in name:
        if letters and (unicodedata.category(char).startswith("M") or char == SARA_AM
                        or letters[-1] in LEADING_VOWELS):
            letters[-1] += char
        else:
            letters.append(char)
    return letters


LEADING_VOWELS = frozenset("เแโใไ")
SARA_AM = "ำ"  # (a spacing vowel that still leans on its consonant)


def mask_name(name):
    """A bidder's display name as the public sees it: first and last letter (AUC-2)."""
    letters = _letters(name or "")
    if not letters:
        return "***"
    if len(letters) <= 2:
        # A short name would show whole (ไก่ is one letter): its first consonant alone.
        return next((c for c in letters[0] if c not in LEADING_VOWELS), letters[0][0]) + "***"
    return f"{letters[0]}***{letters[-1]}"


def effective_winner(auction):
    """Who wins (or won) once the clock ends the auction: the leader if the reserve is met
    and no STOP sign halts the auction (AUC-3). Repeated in SQL by ``queries._won_by`` (the
    won and lost lists of "My bids" are paged by it): change both; a test pins them together
    over every case (tests/test_auction_mine_paging.py)."""
    if auction.settled_at is not None:
        return auction.winner_id
    return auction.leader_id if reserve_met(auction) and not is_halted(auction) else None
