"""Fixes from a second review of the auction board: scheduled auctions on the board (AUC-1),
confirmed sale steps (AUC-7), the unsold notice's reason (AUC-7, AUC-8, AUC-3), hidden auctions
(CMP-3), moderators on a sale (AUC-11), bid times to the second (AUC-8) and paged lists."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import text as sa_text

from app.blueprints.auctions import bidding
from app.database import utcnow
from app.extensions import db
from app.models import Auction, Sale
from tests.conftest import post_form

BAHT = 100

pytestmark = pytest.mark.usefixtures("english")


def _grid_titles(html):
    """The card titles of the page, in order."""
    return re.findall(r'listing-card__title">([^<]*)<', html)


def test_auctions_starting_later_are_listed_on_the_board_auc_1(board, make_auction, client):
    """AUC-1: an auction may be scheduled to start later. The board listed open auctions
    only, so a scheduled one could be reached by direct link alone; it is now listed under
    "Starting soon" with its start in Bangkok time, found by the search and the category
    too, and the open auctions keep their ending-soonest order."""
    now = utcnow()
    later = make_auction(seller=board.seller, title="พระรอดลำพูน เปิดประมูลพรุ่งนี้",
                         starts_at=now + timedelta(hours=26), duration_days=3)
    soon_end = make_auction(seller=board.seller, title="เหรียญหลวงพ่อคูณ", duration_days=1)
    client.set_cookie("lang", "en")
    html = client.get("/auctions/").get_data(as_text=True)
    assert "Starting soon" in html
    open_part, upcoming_part = html.split("Starting soon", 1)
    assert _grid_titles(open_part)[:2] == [soon_end.title, board.auction.title]
    assert later.title in upcoming_part and later.title not in open_part
    assert f"/auctions/{later.id}" in upcoming_part
    from app.i18n import format_datetime
    assert f"starts <time datetime=\"{later.starts_at.isoformat()}\">" \
        f"{format_datetime(later.starts_at, 'en')}" in upcoming_part
    found = client.get("/auctions/?q=พระรอด", headers={"HX-Request": "true"})
    assert later.title in found.get_data(as_text=True)
    assert "<html" not in found.get_data(as_text=True)
    missed = client.get("/auctions/?q=เหรียญ").get_data(as_text=True)
    assert later.title not in missed


def test_a_hidden_scheduled_auction_is_not_listed_cmp_3(board, make_auction, client):
    later = make_auction(seller=board.seller, title="พระปิดตา ซ่อนไว้",
                         starts_at=utcnow() + timedelta(hours=2))
    later.hidden_at = utcnow()
    db.session.commit()
    assert later.title not in client.get("/auctions/").get_data(as_text=True)





def _step(sale_id):
    return db.session.get(Sale, sale_id, populate_existing=True).step


def test_a_sale_step_is_confirmed_before_it_is_taken_auc_7(sale):
    """AUC-7: "I have paid", "I have shipped it" and "I have received it" took effect on one
    tap and cannot be undone (the other party is told at once). The button now asks first:
    without JavaScript a confirmation page, under htmx the browser's confirm."""
    url = f"/auctions/sales/{sale.sale.id}"
    page = sale.alice_client.get(url).get_data(as_text=True)
    assert 'hx-confirm="Tell the seller that you have paid?' in page
    assert """hx-vals='{"confirmed": "yes"}'""" in page
    answer = post_form(sale.alice_client, f"{url}/next", {"step": "awaiting_payment"},
                       form_url=url)
    assert answer.status_code == 200
    confirm = answer.get_data(as_text=True)
    assert "Tell the seller that you have paid?" in confirm
    assert 'name="confirmed" value="yes"' in confirm
    assert _step(sale.sale.id) == "awaiting_payment"  # nothing happened yet
    assert post_form(sale.alice_client, f"{url}/next", {"confirmed": "yes",
                     "step": "awaiting_payment"}, form_url=url).status_code == 302
    assert _step(sale.sale.id) == "paid"


def test_a_stale_confirmation_takes_no_later_step_auc_7(sale):
    """A confirmation posted twice, or from a page left open, does not take the buyer's next
    step (receipt) once the seller has shipped."""
    url = f"/auctions/sales/{sale.sale.id}"
    paid = {"confirmed": "yes", "step": "awaiting_payment"}
    post_form(sale.alice_client, f"{url}/next", paid, form_url=url)
    post_form(sale.seller_client, f"{url}/next", {"confirmed": "yes", "step": "paid"},
              form_url=url)
    assert _step(sale.sale.id) == "shipped"
    post_form(sale.alice_client, f"{url}/next", paid, form_url=url)
    assert _step(sale.sale.id) == "shipped"


def test_a_step_confirmed_twice_at_once_is_taken_and_told_once_auc_7(sale):
    """Found in review (AUC-7): on PostgreSQL two confirmations arriving together (a double
    tap on the confirmation page) both read the sale unlocked, both took the step and the
    seller was told twice. The sale is read again locked; the second finds it moved on."""
    import threading

    from sqlalchemy import text

    from app.blueprints.auctions import sales
    from app.blueprints.auctions.errors import AuctionError
    from app.database import begin_immediate
    from app.models import Notification

    sale_row = db.session.get(Sale, sale.sale.id)
    with db.engine.connect() as other:  # the first confirmation, not committed yet
        other.execute(text("UPDATE sales SET step = 'paid' WHERE id = :id"),
                      {"id": sale_row.id})
        timer = threading.Timer(0.5, other.commit)
        timer.start()
        try:
            with pytest.raises(AuctionError, match="moved on"):
                begin_immediate(db.session)  # as a POST request starts (SQLite: waits)
                sales.advance(sale_row, sale.alice, now=utcnow(), step="awaiting_payment")
        finally:
            timer.join()
            db.session.rollback()
    assert _step(sale.sale.id) == "paid"
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == sale.seller.id, Notification.kind == "sale_paid")) is None


def test_the_starting_soon_list_reads_only_auctions_still_to_end_auc_1(board, make_auction):
    """Found in review: the board's "starting soon" list read every auction ever held (no
    index serves the start alone), on every first page of the board and every search
    keystroke. It reads through the end's index, among auctions still to end."""
    from app.blueprints.auctions import queries

    later = make_auction(seller=board.seller, title="เหรียญ รุ่นเริ่มพรุ่งนี้")
    later.starts_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert [a.id for a in queries.upcoming(utcnow())] == [later.id]
    if db.engine.dialect.name == "sqlite":
        statement = select(Auction.id).where(*queries.starting_later(utcnow()))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in db.session.execute(
            sa_text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "SCAN auctions" not in plan and "ix_auctions_ends_at" in plan, plan


def test_a_step_without_csrf_is_refused(sale):
    url = f"/auctions/sales/{sale.sale.id}"
    assert sale.alice_client.post(f"{url}/next", data={"confirmed": "yes"}).status_code == 400
    assert _step(sale.sale.id) == "awaiting_payment"



def _unsold_mail(seller, title):
    from app.models import EmailMessage

    mail = [one for one in db.session.scalars(select(EmailMessage).where(
        EmailMessage.to_address == seller.email, EmailMessage.kind == "notice_unsold"))
        if title in one.subject]
    assert len(mail) == 1
    return mail[0].body_text


def _settle(app, auction):
    from app.jobs import JOBS

    JOBS["settle-auctions"](app, db.session.get(Auction, auction.id).ends_at
                            + timedelta(seconds=1))


@pytest.mark.parametrize("case, words", [
    ("no_bids", "there were no bids."),
    ("reserve", "the reserve price was not met."),
    ("seller", "you ended it early, before the reserve was met."),
    ("halted", "the moderators hung a STOP sign on it"),
])
def test_the_unsold_mail_says_why_the_auction_did_not_sell_auc_7(app, board, make_auction,
                                                                  case, words):
    """AUC-7, AUC-8, AUC-3: the seller's e-mail said "there were no bids, or the reserve was
    not met" also when the seller had ended the auction early or a STOP sign had halted it;
    it now gives the real reason."""
    board.seller.locale = "en"
    auction = make_auction(seller=board.seller, reserve_satang=1_000 * BAHT,
                           title="พระผงสุพรรณ ไม่ได้ขาย")
    if case != "no_bids":
        bidding.place_bid(auction.id, board.alice, 500 * BAHT, proxy=False, now=utcnow())
    if case == "halted":
        auction.stop_sign = "under_review"
    db.session.commit()
    if case == "seller":
        assert post_form(board.seller_client, f"/auctions/{auction.id}/end",
                         {"confirmed": "yes"}, form_url=f"/auctions/{auction.id}"
                         ).status_code == 302
    else:
        _settle(app, auction)
    body = _unsold_mail(board.seller, auction.title)
    assert words in body
    assert "no bids, or the reserve" not in body



def test_ending_a_hidden_auction_is_not_found_for_others_cmp_3_auc_8(board):
    """CMP-3: a hidden auction does not exist for anyone but its seller and moderators. Its
    page answered 404, but the confirmed "end now" post answered 403, telling a member that
    the auction exists."""
    auction = board.auction
    auction.hidden_at = utcnow()
    db.session.commit()
    token_page = "/auctions/"
    for confirmed in ("", "yes"):
        response = post_form(board.alice_client, f"/auctions/{auction.id}/end",
                             {"confirmed": confirmed}, form_url=token_page)
        assert response.status_code == 404
    assert db.session.get(Auction, auction.id, populate_existing=True).ended_early is None
    # The seller still may (the reserve is not met).
    assert post_form(board.seller_client, f"/auctions/{auction.id}/end", {"confirmed": "yes"},
                     form_url=f"/auctions/{auction.id}").status_code == 302



def test_a_moderator_posting_on_a_sale_is_told_why_not_auc_11(sale, moderator, client_for):
    """AUC-11: moderators read a sale (a dispute) but only its parties write and rate. A
    moderator's post of a message or a rating answered 422 with no error on the page; the
    page now says why, and nothing is recorded."""
    from app.models import Feedback, SaleMessage

    mod = client_for(moderator)
    url = f"/auctions/sales/{sale.sale.id}"
    answer = post_form(mod, f"{url}/messages", {"body": "ขอดูหลักฐาน"}, form_url=url)
    assert answer.status_code == 422
    assert "Only the buyer and the seller can write here." in answer.get_data(as_text=True)
    answer = post_form(mod, f"{url}/messages", {"body": "x"}, form_url=url,
                       headers={"HX-Request": "true"})
    assert answer.status_code == 422
    assert "Only the buyer and the seller can write here." in answer.get_data(as_text=True)
    answer = post_form(mod, f"{url}/feedback", {"rating": "negative", "comment": "?"},
                       form_url=url)
    assert answer.status_code == 422
    assert "Only the buyer and the seller rate a sale." in answer.get_data(as_text=True)
    answer = post_form(mod, f"{url}/feedback", {}, form_url=url)  # an empty form, too
    assert "Only the buyer and the seller rate a sale." in answer.get_data(as_text=True)
    assert db.session.scalars(select(SaleMessage)).all() == []
    assert db.session.scalars(select(Feedback)).all() == []



def test_bid_history_shows_times_to_the_second_in_bangkok_time_auc_8(board):
    """AUC-8: late bids come seconds apart (and each moves the end); the history showed them
    to the minute, so two bids in the same minute could not be told apart."""
    from app.i18n import format_datetime

    at = (utcnow() + timedelta(minutes=2)).replace(microsecond=0)
    first = at.replace(second=7)
    second = at.replace(second=41)
    bidding.place_bid(board.auction.id, board.alice, 200 * BAHT, proxy=False, now=first)
    db.session.commit()
    bidding.place_bid(board.auction.id, board.bob, 300 * BAHT, proxy=False, now=second)
    db.session.commit()
    html = board.alice_client.get(f"/auctions/{board.auction.id}").get_data(as_text=True)
    history = html.split("Bid history", 1)[1]
    for moment in (first, second):
        shown = format_datetime(moment, "en", seconds=True)
        assert shown.endswith(f":{moment.second:02d}")
        assert f">{shown}</time>" in history


def test_the_watchlist_and_the_sales_on_my_bids_are_paged_auc_10(app, board, make_auction,
                                                                  monkeypatch):
    """AUC-10: "My bids" listed every watched auction and every sale of the member at once,
    with no limit (a busy collector's page grew with their whole history). Each list now
    shows a page, with its own next and previous links."""
    from app.blueprints.auctions import queries
    from app.blueprints.auctions.watching import toggle_watch
    from app.jobs import JOBS

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    now = utcnow()
    watched = [make_auction(seller=board.seller, title=f"เหรียญรุ่น {n}", duration_days=n)
               for n in (1, 2, 3)]
    for auction in watched:
        toggle_watch(board.alice, auction, now)
    won = [make_auction(seller=board.seller, title=f"ตะกรุด {n}") for n in range(3)]
    db.session.commit()
    for auction in won:
        bidding.place_bid(auction.id, board.alice, 200 * BAHT, proxy=False, now=utcnow())
        db.session.commit()
    JOBS["settle-auctions"](app, now + timedelta(days=7, minutes=1))
    assert len(db.session.scalars(select(Sale)).all()) == 3
    first = board.alice_client.get("/auctions/mine").get_data(as_text=True)
    watching = first.split('id="watching"', 1)[1].split('id="sales"', 1)[0]
    assert _grid_titles(watching) == ["เหรียญรุ่น 1", "เหรียญรุ่น 2"]
    assert "watched_page=2#watching" in watching
    sales = first.split('id="sales"', 1)[1]
    assert sales.count("/auctions/sales/") == 2 and "sales_page=2#sales" in sales
    second = board.alice_client.get("/auctions/mine?watched_page=2&sales_page=2"
                                    ).get_data(as_text=True)
    watching = second.split('id="watching"', 1)[1].split('id="sales"', 1)[0]
    assert _grid_titles(watching) == ["เหรียญรุ่น 3"]
    assert "watched_page=1" in watching and "watched_page=3" not in watching
    assert second.split('id="sales"', 1)[1].count("/auctions/sales/") == 1


def test_the_watchlist_shows_running_auctions_before_ended_ones_auc_10(board, make_auction):
    """Paged, the watchlist's first page went to the auctions that ended longest ago (it was
    sorted by end alone): running auctions now come first, ending soonest, then ended ones,
    latest first."""
    from app.blueprints.auctions import queries
    from app.blueprints.auctions.watching import toggle_watch

    long_ago = make_auction(seller=board.seller, title="จบนานแล้ว", duration_days=1,
                            now=utcnow() - timedelta(days=9))
    lately = make_auction(seller=board.seller, title="เพิ่งจบ", duration_days=1,
                          now=utcnow() - timedelta(days=2))
    running = make_auction(seller=board.seller, title="ยังเปิดอยู่", duration_days=3)
    for auction in (long_ago, lately, running, board.auction):
        toggle_watch(board.alice, auction, utcnow())
    db.session.commit()
    shown = queries.watched(board.alice.id, utcnow())
    assert [a.id for a in shown] == [running.id, board.auction.id, lately.id, long_ago.id]
