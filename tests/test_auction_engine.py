"""The bidding rules (AUC-6, AUC-8, AUC-9) checked against a simple reference model with
property-based tests, plus worked examples. Pure functions: no database."""
import pytest
from hypothesis import given, settings, strategies as st

from app.blueprints.auctions import engine
from app.blueprints.auctions.engine import BAHT, BidRefused, State


def fresh(start=100 * BAHT, step=1 * BAHT, reserve=None, buy_now=None):
    return State(starting_price=start, seller_increment=step, price=start, reserve=reserve,
                 buy_now=buy_now)


class Reference:
    """The rules written the slow, obvious way: remember every accepted bid, and work the
    leader and price out from scratch each time.

    Leader: the highest maximum, the earliest on a tie. Price: the starting price; at least
    one increment above the runner-up's maximum, never above the leader's; at least every
    exact (direct) bid taken; the reserve when the leader's maximum reaches it. The leader
    raising their own maximum moves the price only to the reserve: until the next challenger,
    the price is worked out with the maximum they had before raising (AUC-9: a raise is never
    revealed)."""

    def __init__(self, start, step, reserve):
        self.start, self.step, self.reserve = start, step, reserve
        self.maxima = {}  # bidder -> (maximum, order placed)
        self.direct = []
        self.placed = 0
        self.cap = None  # the leader's maximum before their own raises, until challenged

    def leader(self):
        if not self.maxima:
            return None
        return min(self.maxima, key=lambda b: (-self.maxima[b][0], self.maxima[b][1]))

    def price(self):
        if not self.maxima:
            return self.start
        leader = self.leader()
        top = self.maxima[leader][0]
        price = self.start
        others = [m for b, (m, _) in self.maxima.items() if b != leader]
        if others:
            second = max(others)
            capped = top if self.cap is None else min(top, self.cap)
            price = max(price, min(capped, second + engine.increment(second, self.step)))
        if self.direct:
            price = max(price, max(self.direct))
        if self.reserve is not None and top >= self.reserve:
            price = max(price, self.reserve)
        return price

    def minimum(self):
        if not self.maxima:
            return self.start
        price = self.price()
        return price + engine.increment(price, self.step)

    def bid(self, bidder, amount, proxy):
        """True if accepted."""
        if amount > engine.MAX_BID_SATANG:
            return False
        if bidder == self.leader():
            if not proxy or amount <= self.maxima[bidder][0]:
                return False
            # Any later challenger comes after the leader's first maximum anyway.
            if self.cap is None:
                self.cap = self.maxima[bidder][0]
            self.maxima[bidder] = (amount, self.maxima[bidder][1])
            return True
        if amount < self.minimum():
            return False
        self.placed += 1
        self.cap = None
        self.maxima[bidder] = (amount, self.placed)
        if not proxy:
            self.direct.append(amount)
        return True


amounts = st.integers(min_value=1, max_value=40_000).map(lambda baht: baht * BAHT)
bids = st.lists(st.tuples(st.integers(0, 4), amounts, st.booleans()), max_size=25)


@settings(max_examples=400, deadline=None)
@given(bids=bids, start=st.integers(1, 2_000).map(lambda b: b * BAHT),
       step=st.sampled_from([1 * BAHT, 5 * BAHT, 20 * BAHT, 500 * BAHT]),
       reserve=st.one_of(st.none(), st.integers(1, 30_000).map(lambda b: b * BAHT)))
def test_engine_agrees_with_the_reference_model_auc_9(bids, start, step, reserve):
    """AUC-9 / AUC-6: for any sequence of bids, the engine accepts exactly the bids the
    reference model accepts and ends with the same leader and price."""
    if reserve is not None and reserve <= start:
        reserve = None
    state = fresh(start, step, reserve)
    model = Reference(start, step, reserve)
    for bidder, amount, proxy in bids:
        expected = model.bid(bidder, amount, proxy)
        try:
            outcome = engine.place(state, bidder, amount, proxy=proxy)
        except BidRefused:
            assert not expected, (bidder, amount, proxy)
            continue
        assert expected, (bidder, amount, proxy)
        previous = state
        state = outcome.state
        assert state.leader == model.leader()
        assert state.price == model.price()
        # Invariants: the price never falls, never passes the leader's maximum.
        assert state.price >= previous.price
        assert state.price <= state.leader_max
        # The history lines add up: the last visible line is the leader at the price.
        visible = [line for line in outcome.lines if line.kind != "raise"]
        if visible and state.price > previous.price:
            assert (visible[-1].bidder, visible[-1].amount) == (state.leader, state.price)


def test_increment_table_and_seller_minimum_auc_9():
    """AUC-9: the increment follows the table by price, or the seller's minimum if larger."""
    assert engine.increment(50 * BAHT, 1) == 5 * BAHT
    assert engine.increment(100 * BAHT, 1) == 10 * BAHT
    assert engine.increment(1_200 * BAHT, 1) == 50 * BAHT
    assert engine.increment(30_000 * BAHT, 1) == 500 * BAHT
    assert engine.increment(600_000 * BAHT, 1) == 5_000 * BAHT
    assert engine.increment(1_200 * BAHT, 200 * BAHT) == 200 * BAHT


def test_proxy_bids_one_increment_above_the_challenger_auc_9():
    """AUC-9: the system bids for the proxy holder just enough, never revealing the maximum."""
    state = engine.place(fresh(), "a", 1_000 * BAHT, proxy=True).state
    assert (state.leader, state.price) == ("a", 100 * BAHT)
    outcome = engine.place(state, "b", 300 * BAHT, proxy=True)
    # b's 300 is answered by a's proxy at 300 + 10 (the table's step at 300).
    assert (outcome.state.leader, outcome.state.price) == ("a", 310 * BAHT)
    assert [(line.bidder, line.amount, line.kind) for line in outcome.lines] == [
        ("b", 300 * BAHT, "bid"), ("a", 310 * BAHT, "auto")]
    assert not outcome.leader_changed


def test_a_higher_maximum_takes_the_lead_at_one_increment_over_the_old_one_auc_9():
    state = engine.place(fresh(), "a", 500 * BAHT, proxy=True).state
    outcome = engine.place(state, "b", 2_000 * BAHT, proxy=True)
    assert (outcome.state.leader, outcome.state.price) == ("b", 525 * BAHT)
    assert outcome.leader_changed and outcome.previous_leader == "a"


def test_ties_go_to_the_earlier_maximum_auc_9():
    """AUC-9: equal maxima — the one placed first leads, at that amount."""
    state = engine.place(fresh(), "a", 800 * BAHT, proxy=True).state
    outcome = engine.place(state, "b", 800 * BAHT, proxy=True)
    assert (outcome.state.leader, outcome.state.price) == ("a", 800 * BAHT)


def test_an_exact_bid_that_leads_sets_the_price_to_itself_auc_6():
    state = engine.place(fresh(), "a", 300 * BAHT, proxy=True).state
    outcome = engine.place(state, "b", 1_000 * BAHT, proxy=False)
    assert (outcome.state.leader, outcome.state.price) == ("b", 1_000 * BAHT)


@pytest.mark.parametrize("amount", [99 * BAHT, 100 * BAHT - 1])
def test_a_first_bid_below_the_start_is_refused_auc_6(amount):
    with pytest.raises(BidRefused) as refused:
        engine.place(fresh(), "a", amount, proxy=True)
    assert (refused.value.code, refused.value.amount) == ("too_low", 100 * BAHT)


def test_a_bid_must_beat_the_price_by_the_increment_auc_6():
    """AUC-6: a bid must beat the current price by at least the increment."""
    state = engine.place(fresh(), "a", 100 * BAHT, proxy=False).state
    with pytest.raises(BidRefused) as refused:
        engine.place(state, "b", 105 * BAHT, proxy=False)
    assert refused.value.amount == 110 * BAHT
    assert engine.place(state, "b", 110 * BAHT, proxy=False).state.leader == "b"


def test_the_leader_only_raises_a_hidden_maximum_auc_9():
    state = engine.place(fresh(), "a", 200 * BAHT, proxy=True).state
    with pytest.raises(BidRefused) as refused:
        engine.place(state, "a", 500 * BAHT, proxy=False)
    assert refused.value.code == "already_leading"
    with pytest.raises(BidRefused):
        engine.place(state, "a", 150 * BAHT, proxy=True)
    raised = engine.place(state, "a", 900 * BAHT, proxy=True)
    assert (raised.state.price, raised.state.leader_max) == (100 * BAHT, 900 * BAHT)
    assert [line.kind for line in raised.lines] == ["raise"]


def test_the_price_rises_to_the_reserve_when_a_maximum_reaches_it_auc_9():
    """AUC-9: the reserve is hidden; once a maximum reaches it the price meets it."""
    state = fresh(reserve=1_000 * BAHT)
    state = engine.place(state, "a", 600 * BAHT, proxy=True).state
    assert state.price == 100 * BAHT and not engine.reserve_met(state)
    state = engine.place(state, "b", 5_000 * BAHT, proxy=True).state
    assert (state.leader, state.price) == ("b", 1_000 * BAHT)
    assert engine.reserve_met(state)


def test_buy_now_disappears_at_the_first_bid_without_a_reserve_auc_8():
    state = fresh(buy_now=5_000 * BAHT)
    assert engine.buy_now_available(state)
    state = engine.place(state, "a", 100 * BAHT, proxy=False).state
    assert not engine.buy_now_available(state)
    with pytest.raises(BidRefused):
        engine.buy_now(state, "b")


def test_buy_now_stays_until_a_bid_meets_the_reserve_auc_8():
    state = fresh(reserve=2_000 * BAHT, buy_now=5_000 * BAHT)
    state = engine.place(state, "a", 1_500 * BAHT, proxy=True).state
    assert engine.buy_now_available(state)
    bought = engine.buy_now(state, "b")
    assert (bought.state.leader, bought.state.price) == ("b", 5_000 * BAHT)
    state = engine.place(state, "c", 2_500 * BAHT, proxy=True).state
    assert not engine.buy_now_available(state)


def test_absurd_bids_are_refused_auc_6():
    with pytest.raises(BidRefused) as refused:
        engine.place(fresh(), "a", engine.MAX_BID_SATANG + 1, proxy=True)
    assert refused.value.code == "too_high"
