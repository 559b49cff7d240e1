"""Fixes from an attacker's review of the auction board: STOP signs at settlement (AUC-3),
"another bidder won it" only when someone won (AUC-7, AUC-10), hostile auction forms
(AUC-1, AUC-8), one rating per party even under a double submit (AUC-11), history lines
numbered after lines other code wrote (AUC-6)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from app.blueprints.auctions import bidding, sales
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import Auction, Bid, Feedback, Notification, Sale
from tests.conftest import post_form
from tests.test_auctions import auction_form, bid, fresh

BAHT = 100


pytestmark = pytest.mark.usefixtures("english")


def _halted_with_winning_bid(board, sign):
    bidding.place_bid(board.auction.id, board.alice, 300 * BAHT, proxy=True)
    db.session.commit()
    auction = fresh(board.auction)
    auction.stop_sign = sign
    db.session.commit()
    return auction


def test_an_auction_under_a_stop_sign_ends_without_a_sale_auc_3(app, board):
    """AUC-3: a STOP sign (other than AUTHENTIC) halts every transaction, so the clock running
    out does not turn the leader into a buyer."""
    auction = _halted_with_winning_bid(board, "fake")
    later = auction.ends_at + timedelta(seconds=1)
    assert JOBS["settle-auctions"](app, later) == 1
    assert db.session.scalar(select(func.count(Sale.id))) == 0
    assert fresh(auction).winner_id is None
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (board.alice.id, "won") not in kinds
    assert (board.seller.id, "unsold") in kinds


def test_an_ended_halted_auction_names_no_winner_before_settlement_auc_3(board):
    """AUC-3: past its end but not yet settled, a halted auction does not say "Sold"."""
    auction = _halted_with_winning_bid(board, "under_review")
    auction.starts_at = utcnow() - timedelta(days=2)
    auction.ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = board.alice_client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert "Sold for" not in page and "You won this auction" not in page
    assert "Ended without a sale" in page


def test_nobody_is_told_to_bid_again_on_a_halted_auction_auc_3(board):
    """AUC-3 (found in review): a bidder outbid before a STOP sign went up read "You have been
    outbid. Bid again to take the lead." under the sign that stops every bid; the leader is
    told they still lead."""
    bidding.place_bid(board.auction.id, board.bob, 200 * BAHT, proxy=False)
    db.session.commit()
    auction = _halted_with_winning_bid(board, "under_review")
    bob = board.bob_client.get(f"/auctions/{auction.id}").get_data(as_text=True)
    assert "A STOP sign halts this auction" in bob
    assert "Bid again" not in bob and 'data-bid-status="outbid"' not in bob
    alice = board.alice_client.get(f"/auctions/{auction.id}/panel",
                                   headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "You were the highest bidder when bidding stopped" in alice
    auction.stop_sign = None  # the sign comes down: the standing returns
    db.session.commit()
    assert 'data-bid-status="outbid"' in board.bob_client.get(
        f"/auctions/{auction.id}").get_data(as_text=True)


def test_an_authentic_sign_still_settles_into_a_sale_auc_3(app, board):
    auction = _halted_with_winning_bid(board, "authentic")
    JOBS["settle-auctions"](app, auction.ends_at + timedelta(seconds=1))
    assert db.session.scalar(select(Sale.buyer_id)) == board.alice.id


def test_bidders_are_not_told_another_won_an_unsold_auction_auc_7_auc_10(app, board,
                                                                          make_auction):
    """AUC-7/AUC-10: below the reserve nobody won; "another bidder won it" would be false."""
    below = make_auction(seller=board.seller, reserve_satang=5_000 * BAHT)
    bid(board.alice_client, below, 300)
    JOBS["settle-auctions"](app, fresh(below).ends_at + timedelta(seconds=1))
    lost = db.session.scalars(select(Notification).where(
        Notification.kind == "lost", Notification.auction_id == below.id)).all()
    assert lost == []


def test_bidders_learn_that_an_auction_ended_without_a_sale_auc_10(app, board, make_auction):
    """AUC-10 (found in review): when an auction ended with no sale (reserve not met, ended
    early, halted) its bidders heard nothing; each now learns it ended and nobody pays."""
    below = make_auction(seller=board.seller, reserve_satang=5_000 * BAHT)
    bid(board.alice_client, below, 300)
    bid(board.bob_client, below, 400)
    JOBS["settle-auctions"](app, fresh(below).ends_at + timedelta(seconds=1))
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "ended_unsold", Notification.auction_id == below.id)).all()
    assert sorted(told) == sorted([board.alice.id, board.bob.id])
    page = board.bob_client.get("/notifications").get_data(as_text=True)
    assert "ended without a sale: nobody won it and nobody pays" in page


def test_the_auction_page_does_not_say_another_won_an_unsold_auction_auc_7_auc_10(
        app, board, make_auction):
    """AUC-7/AUC-10, found on a phone: an auction that ended below its reserve told the bidder
    who led it, on its page, "This auction ended; another bidder won it", while their notice
    said nobody won. Each bidder's panel says it ended without a sale, before the settling
    job has run (the clock ends it) and after, and when the seller ended it early."""
    from app.blueprints.auctions import lifecycle
    from app.blueprints.auctions.panel import clear_cache

    below = make_auction(seller=board.seller, reserve_satang=5_000 * BAHT)
    bid(board.alice_client, below, 300)
    bid(board.bob_client, below, 400)
    auction = fresh(below)
    auction.starts_at, auction.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(
        seconds=1)
    db.session.commit()

    def pages():
        clear_cache()
        return [client.get(f"/auctions/{below.id}").get_data(as_text=True)
                for client in (board.alice_client, board.bob_client)]

    for page in pages():
        assert "ended without a sale: nobody won it, and you owe nothing" in page
        assert "another bidder won it" not in page
    JOBS["settle-auctions"](app, utcnow())
    for page in pages():
        assert 'data-bid-status="unsold"' in page and "another bidder won it" not in page

    early = make_auction(seller=board.seller, reserve_satang=5_000 * BAHT)
    bid(board.alice_client, early, 300)
    lifecycle.end_early(fresh(early), now=utcnow())
    db.session.commit()
    page = board.alice_client.get(f"/auctions/{early.id}").get_data(as_text=True)
    assert 'data-bid-status="unsold"' in page and "another bidder won it" not in page
    # Where someone did win, the others are still told so.
    bid(board.alice_client, board.auction, 200)
    bid(board.bob_client, board.auction, 500)
    auction = fresh(board.auction)
    auction.starts_at, auction.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(
        seconds=1)
    db.session.commit()
    JOBS["settle-auctions"](app, utcnow())
    clear_cache()
    page = board.alice_client.get(f"/auctions/{board.auction.id}").get_data(as_text=True)
    assert "another bidder won it" in page


def test_my_lost_auctions_say_which_ended_without_a_sale_auc_7_auc_10(app, board,
                                                                      make_auction):
    """AUC-7/AUC-10, found on a phone: "My bids" lists under "Lost" both auctions another
    member won and auctions nobody won (below the reserve), alike: the latter's last price
    read as someone's purchase. Those nobody won say "Ended without a sale"."""
    below = make_auction(seller=board.seller, title="พระรอด ไม่ถึงราคาขั้นต่ำ",
                         reserve_satang=5_000 * BAHT)
    bid(board.alice_client, below, 300)
    bid(board.alice_client, board.auction, 200)
    bid(board.bob_client, board.auction, 500)
    for auction in (fresh(below), fresh(board.auction)):
        auction.starts_at, auction.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(
            seconds=1)
    db.session.commit()
    page = board.alice_client.get("/auctions/mine").get_data(as_text=True)
    lost = page.split('id="lost"', 1)[1].split("<h2", 1)[0]
    cards = lost.split('<article class="listing-card auction-card">')[1:]
    assert len(cards) == 2
    by_title = {("พระรอด ไม่ถึงราคาขั้นต่ำ" in card): card for card in cards}
    assert 'data-outcome="unsold"' in by_title[True] and "Ended without a sale." in by_title[True]
    assert "data-outcome" not in by_title[False]
    JOBS["settle-auctions"](app, utcnow())  # the same once settled
    page = board.alice_client.get("/auctions/mine").get_data(as_text=True)
    assert page.split('id="lost"', 1)[1].split("<h2", 1)[0].count('data-outcome="unsold"') == 1


@pytest.mark.parametrize("fields", [
    {"category_id": "99999999999999999999"},
    {"category_id": "2147483648"},
    {"ends_at": "0001-01-01T00:00"},
    {"starts_at": "0001-01-01 03:00"},
])
def test_hostile_auction_forms_are_refused_not_500_auc_1_auc_8(make_member, client_for,
                                                               fields):
    """AUC-1/AUC-8: a forged huge category id or a date in year 1 is a form error."""
    client = client_for(make_member())
    response = post_form(client, "/auctions/new", auction_form(**fields))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Auction.id))) == 0


def _sale(app, board):
    bid(board.alice_client, board.auction, 300)
    JOBS["settle-auctions"](app, fresh(board.auction).ends_at + timedelta(seconds=1))
    return db.session.scalar(select(Sale))


def test_a_rating_sent_twice_at_once_is_refused_not_500_auc_11(app, board, monkeypatch):
    """AUC-11: each party rates once. Two submits racing past the "already rated" check (as
    a double click does) end with one rating and a clean refusal, not a server error."""
    sale = _sale(app, board)
    url = f"/auctions/sales/{sale.id}"
    assert post_form(board.alice_client, f"{url}/feedback", {"rating": "positive"},
                     form_url=url).status_code == 302
    monkeypatch.setattr(sales, "feedback_given", lambda sale, user_id: None)
    response = post_form(board.alice_client, f"{url}/feedback", {"rating": "neutral"},
                         form_url=url)
    assert response.status_code == 422
    assert "already rated" in response.get_data(as_text=True)
    ratings = db.session.scalars(select(Feedback.rating).where(
        Feedback.from_user_id == board.alice.id)).all()
    assert ratings == ["positive"]


@pytest.mark.parametrize("buy_now", [None, 900 * BAHT])
def test_no_buy_now_confirmation_when_buy_now_is_gone_auc_8(board, make_auction, buy_now):
    """AUC-8: buy-now disappears at the first bid without a reserve; the confirmation step
    must not offer it (nor offer it on an auction that never had one)."""
    auction = make_auction(seller=board.seller, buy_now_satang=buy_now)
    if buy_now:
        bid(board.alice_client, auction, 200)
    url = f"/auctions/{auction.id}"
    response = post_form(board.bob_client, f"{url}/buy-now", {}, form_url=url)
    assert response.status_code == 302
    page = board.bob_client.get(url).get_data(as_text=True)
    assert "Buy-now is no longer available" in page
    assert db.session.scalar(select(func.count(Sale.id))) == 0


def test_raising_a_hidden_maximum_sends_watchers_nothing_auc_9(board):
    """AUC-9: the maximum is never revealed — not even the fact that the leader raised it:
    no new version, so no live update reaches other pages."""
    from app.blueprints.auctions import bidding as bidding_service
    from app.database import utcnow as clock
    from app.extensions import db as database
    from app.models import Auction as AuctionModel

    bidding_service.place_bid(board.auction.id, board.alice, 20_000, proxy=True, now=clock())
    database.session.commit()
    before = database.session.get(AuctionModel, board.auction.id, populate_existing=True)
    version = before.version
    bidding_service.place_bid(board.auction.id, board.alice, 90_000, proxy=True, now=clock())
    database.session.commit()
    after = database.session.get(AuctionModel, board.auction.id, populate_existing=True)
    assert after.version == version and after.leader_max_satang == 90_000


def test_watchers_of_a_halted_auction_get_no_ending_reminder_auc_3_auc_10(app, board):
    """A STOP-signed auction takes no bids (AUC-3), so "ends within the hour" would mislead."""
    from app.blueprints.auctions.watching import toggle_watch

    toggle_watch(board.alice, board.auction, utcnow())
    auction = db.session.get(Auction, board.auction.id)
    auction.stop_sign = "under_review"
    db.session.commit()
    soon = auction.ends_at - timedelta(minutes=30)
    assert JOBS["remind-auction-watchers"](app, soon) == 0
    assert db.session.scalar(select(Notification.id).where(
        Notification.kind == "ending_soon")) is None


def test_a_refused_bid_shows_the_maximum_a_post_committed_while_it_waited_auc_9(app, board):
    """AUC-9: Alice's second post (another tab) waits for the auction while her first, a
    raise to ฿500, holds it; once that commits, the second is refused (not above ฿500) and
    its bid box must show ฿500 as her maximum, not the ฿300 of before it waited (on
    PostgreSQL a statement that waited for a lock sees its subqueries as of its start)."""
    import threading
    import time

    from tests.conftest import csrf_from

    bidding.place_bid(board.auction.id, board.alice, 300 * BAHT, proxy=True)
    db.session.commit()
    auction_id, alice_id = board.auction.id, board.alice.id
    token = csrf_from(board.alice_client.get(f"/auctions/{auction_id}")
                      .get_data(as_text=True))
    version = str(fresh(board.auction).version)
    db.session.remove()
    raised = threading.Event()

    def raise_to_500():
        from app.models import User

        with app.app_context():
            bidding.place_bid(auction_id, db.session.get(User, alice_id), 500 * BAHT,
                              proxy=True)
            raised.set()
            time.sleep(0.5)  # the other post waits for the auction meanwhile
            db.session.commit()
            db.session.remove()

    first = threading.Thread(target=raise_to_500)
    first.start()
    assert raised.wait(5)
    response = board.alice_client.post(
        f"/auctions/{auction_id}/bid", headers={"HX-Request": "true"},
        data=dict(csrf_token=token, amount="400", mode="proxy", confirmed="yes",
                  version=version, leading="1"))
    first.join(5)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "higher than your current maximum of ฿500" in page
    assert 'data-my-max-satang="50000"' in page
    assert "฿300" not in page


def _stray_line(auction_id, bidder_id, elsewhere=False):
    """A history line written the way the release before ``history_lines`` wrote one (a
    worker still running it during a deploy): after the last line, the count left behind.
    ``elsewhere``: on a connection of its own (another process), while a request runs. (Ids,
    not the test's entities: reading an expired one there would start the test's session
    in the request, a second writer on SQLite waiting for the first.)"""
    if elsewhere:
        with db.engine.begin() as connection:
            last = connection.execute(select(Bid.sequence).where(Bid.auction_id == auction_id)
                                      .order_by(Bid.sequence.desc()).limit(1)).scalar()
            connection.execute(insert(Bid.__table__).values(_line(auction_id, bidder_id,
                                                                  last + 1)))
        return last + 1
    last = _history_numbers(auction_id)[-1]
    db.session.execute(insert(Bid), _line(auction_id, bidder_id, last + 1))
    db.session.commit()
    assert db.session.get(Auction, auction_id).history_lines == last
    return last + 1


def _line(auction_id, bidder_id, sequence):
    return dict(auction_id=auction_id, sequence=sequence, bidder_id=bidder_id,
                amount_satang=210 * BAHT, max_satang=210 * BAHT, kind="bid",
                created_at=utcnow(), ip="", device="")


def _behind_auction(board, make_auction):
    auction = make_auction(seller=board.seller, reserve_satang=900 * BAHT,
                           buy_now_satang=1_000 * BAHT)
    bidding.place_bid(auction.id, board.alice, 200 * BAHT, proxy=False)
    db.session.commit()
    return auction, _stray_line(auction.id, board.bob.id)


def test_a_count_of_history_lines_left_behind_is_mended_auc_6(board, make_auction):
    """AUC-6: a bid on an auction whose count of history lines fell behind is refused as a
    whole (nothing half-written), the count is mended, and the bid then goes in after the
    last line."""
    auction, stray = _behind_auction(board, make_auction)
    with pytest.raises(bidding.HistoryBehind):
        bidding.place_bid(auction.id, board.bob, 500 * BAHT, proxy=False)
    db.session.rollback()
    assert _history_numbers(auction.id)[-1] == stray  # nothing of the refused bid written
    bidding.place_bid(auction.id, board.bob, 500 * BAHT, proxy=False, mend_history=True)
    db.session.commit()
    numbers = _history_numbers(auction.id)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > stray
    assert fresh(auction).history_lines == len(numbers)


@pytest.mark.parametrize("buy", [False, True])
def test_members_bid_and_buy_on_an_auction_whose_count_fell_behind_auc_6(board, make_auction,
                                                                         buy):
    """AUC-6, AUC-8: the member's bid (or purchase) goes through at the first try during a
    deploy's changeover: the site mends the count and places it."""
    auction, stray = _behind_auction(board, make_auction)
    if buy:
        url = f"/auctions/{auction.id}"
        response = post_form(board.bob_client, f"{url}/buy-now", {"confirmed": "yes"},
                             form_url=url)
        assert response.status_code == 302
        assert db.session.scalar(select(func.count(Sale.id)).where(
            Sale.auction_id == auction.id)) == 1
    else:
        response = bid(board.bob_client, auction, 500, mode="direct",
                       headers={"HX-Request": "true"})
        assert response.status_code == 200, response.get_data(as_text=True)
    numbers = _history_numbers(auction.id)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > stray
    assert fresh(auction).history_lines == len(numbers)


@pytest.mark.parametrize("buy", [False, True])
def test_a_line_written_again_before_the_second_try_is_counted_too_auc_6(
        board, make_auction, monkeypatch, buy):
    """AUC-6: the second try mends the count under the auction's lock, so a line that the
    previous release writes between the two tries is numbered after as well (no second
    clash, no error page)."""
    auction, stray = _behind_auction(board, make_auction)
    bob_id = board.bob.id
    tries, real_lock = [], bidding.lock_for_bid

    def lock_for_bid(auction_id, *args, **kwargs):
        tries.append(kwargs.get("mend_history"))
        if len(tries) == 2:  # between the tries, another line without the count
            # On SQLite the request has read its member again since the rollback, written
            # nothing, and holds the write lock: that reading transaction ends here, as the
            # lock's begin_immediate ends it, so the other writer comes in at that point.
            # (PostgreSQL's reading transaction blocks no writer and stays open, as it does.)
            request_session = db.session()
            if db.engine.dialect.name == "sqlite":
                assert not (request_session.new or request_session.dirty
                            or request_session.info.get("talat_wrote"))
                request_session.commit()
            _stray_line(auction_id, bob_id, elsewhere=True)
        return real_lock(auction_id, *args, **kwargs)

    monkeypatch.setattr(bidding, "lock_for_bid", lock_for_bid)
    if buy:
        url = f"/auctions/{auction.id}"
        response = post_form(board.bob_client, f"{url}/buy-now", {"confirmed": "yes"},
                             form_url=url)
        assert response.status_code == 302
    else:
        response = bid(board.bob_client, auction, 500, mode="direct",
                       headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert tries[-2:] == [False, True]
    numbers = _history_numbers(auction.id)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > stray + 1
    assert fresh(auction).history_lines == len(numbers)


def _history_numbers(auction_id):
    return db.session.scalars(select(Bid.sequence).where(Bid.auction_id == auction_id)
                              .order_by(Bid.sequence)).all()


def test_a_tampered_choice_is_refused_in_thai_with_the_form_kept_auc_1(board):
    """AUC-1 (and every form with a numbered choice): a choice that is not a number, sent by
    a tampered page, gets a message in the member's language, not an error page (the
    category: the service's "choose a category", as for none chosen; the duration: WTForms'
    own, translated)."""
    board.alice_client.set_cookie("lang", "th")
    response = post_form(board.alice_client, "/auctions/new",
                         auction_form(category_id="not-a-number", title="พระกริ่ง ทดสอบ"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "โปรดเลือกหมวดหมู่" in page and "พระกริ่ง ทดสอบ" in page
    response = post_form(board.alice_client, "/auctions/new",
                         auction_form(duration_days="seven", title="พระกริ่ง ทดสอบ"))
    assert response.status_code == 422
    assert "ตัวเลือกไม่ถูกต้อง" in response.get_data(as_text=True)
