"""Fixes from a review of the auction board's user flows: the sale's steps reach the other
party (AUC-7), the 30-day default rating job (AUC-11), amounts too large for an auction
(AUC-1)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import Auction, EmailMessage, Notification, Sale
from app.notifications import notice_link, notice_text
from tests.conftest import post_form
from tests.test_auctions import auction_form, bid

BAHT = 100

pytestmark = pytest.mark.usefixtures("english")




def _notices(user, kind):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def test_each_step_of_a_sale_is_told_to_the_party_whose_turn_it_is_auc_7(sale):
    """AUC-7: the buyer's "I have paid" reaches the seller (who is to ship), the seller's "I
    have shipped it" the buyer (who is to confirm receipt), and the receipt the seller: in the
    site and by e-mail, each leading to the sale page. Before, nobody was told, and a seller
    had to keep opening the sale page to learn that the buyer had paid."""
    url = f"/auctions/sales/{sale.sale.id}"
    steps = ((sale.alice_client, sale.seller, "sale_paid", "says they have paid for"),
             (sale.seller_client, sale.alice, "sale_shipped", "has sent"),
             (sale.alice_client, sale.seller, "sale_completed", "the sale is complete"))
    for client, other, kind, words in steps:
        assert post_form(client, f"{url}/next", {"confirmed": "yes"},
                         form_url=url).status_code == 302
        notices = _notices(other, kind)
        assert len(notices) == 1
        assert words in notice_text(notices[0])
        assert "พระสมเด็จวัดระฆัง" in notice_text(notices[0])
        with sale.alice_client.application.test_request_context():
            assert notice_link(notices[0]) == url
        mail = db.session.scalars(select(EmailMessage).where(
            EmailMessage.to_address == other.email,
            EmailMessage.kind == f"notice_{kind}")).all()
        assert len(mail) == 1 and url in mail[0].body_text
    assert db.session.get(Sale, sale.sale.id, populate_existing=True).step == "completed"


def test_a_refused_step_tells_nobody_auc_7(sale):
    url = f"/auctions/sales/{sale.sale.id}"
    post_form(sale.seller_client, f"{url}/next", {}, form_url=url)  # not the seller's turn
    assert db.session.scalars(select(Notification).where(
        Notification.kind.like("sale_%"))).all() == []


def test_the_default_rating_job_leaves_rated_sales_alone_auc_11(app, sale, monkeypatch):
    """AUC-11: the 30-day job records a positive rating where one is missing. It locked and
    committed every sale older than 30 days on every run (once a minute), rated or not, so
    its write transactions grew with the site's history; a sale both parties have rated is
    now not touched again."""
    from app.blueprints.auctions import sales

    later = sale.sale.created_at + timedelta(days=31)
    locks = []
    real = sales.begin_immediate
    monkeypatch.setattr(sales, "begin_immediate", lambda session: (locks.append(1),
                                                                   real(session)))
    assert JOBS["default-feedback"](app, later) == 2
    assert len(locks) == 1
    assert JOBS["default-feedback"](app, later) == 0
    assert len(locks) == 1  # the second run found nothing to do


@pytest.mark.parametrize("fields, message", [
    ({"starting_price": "1,000,000,000"}, "Please enter at most ฿100,000,000."),
    ({"reserve": "250000000"}, "Please enter at most ฿100,000,000."),
    ({"buy_now": "99999999999"}, "Please enter at most ฿100,000,000."),
    ({"min_increment": "5,000,000"}, "A minimum increment is at most ฿1,000,000."),
])
def test_an_amount_too_large_for_an_auction_says_so_auc_1(make_member, client_for, fields,
                                                         message):
    """AUC-1: a price typed with too many digits was answered "Please enter an amount in baht,
    for example 1500", and an increment over ฿1,000,000 "Please enter a minimum increment
    above zero": the seller could not tell what was wrong. Each now names the limit, with
    what was typed kept."""
    response = post_form(client_for(make_member()), "/auctions/new", auction_form(**fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "for example 1500" not in page and "above zero" not in page
    assert f'value="{next(iter(fields.values()))}"' in page
    assert db.session.scalar(select(Auction.id)) is None


def test_a_bid_too_large_says_so_auc_6(board):
    """AUC-6: a bid with too many digits (a finger slipping on the 0) was answered "Please
    enter an amount in baht, for example 1500"; it now says which bids are not taken."""
    for headers in ({}, {"HX-Request": "true"}):
        response = bid(board.alice_client, board.auction, "10,000,000,000", confirm=False,
                       headers=headers)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "Bids above ฿100,000,000 are not taken." in page
        assert "for example 1500" not in page


def test_a_search_finds_open_auctions_among_many_ended_ones(make_auction, make_member,
                                                            client_for, monkeypatch):
    """The board's search took the best matches of every auction ever (at most 1,000) and
    only then kept the open ones: on a board with years of ended auctions of a common word
    (สมเด็จ), the open ones fell outside the cut and the search said no open auction
    matches. The open-now conditions now go into the search itself."""
    from app.search import auctions as auction_search

    monkeypatch.setattr(auction_search, "MATCH_LIMIT", 2)
    seller = make_member()
    for _ in range(3):  # better matches (the word in the title), all ended
        make_auction(seller=seller, title="พระสมเด็จวัดระฆัง", now=utcnow() - timedelta(days=9),
                     duration_days=1)
    open_now = make_auction(seller=seller, title="หลวงพ่อเงิน เหรียญรุ่นแรก",
                            description="มาพร้อมพระสมเด็จวัดระฆังอีกองค์")
    page = client_for(None).get("/auctions/?q=สมเด็จ").get_data(as_text=True)
    assert f'href="/auctions/{open_now.id}"' in page
    assert "No open auction matches" not in page


def test_a_new_auction_sent_back_with_a_photo_reads_in_thai(app, client, make_member, login):
    """AUC-1 on a Thai page: the summary of a form's problems ("Please correct 1 thing
    below:") and the request to choose the photos again were in English, their macros
    (templates/_macros) never having been extracted for translation."""
    from tests.conftest import csrf_from
    from tests.images import jpeg, upload

    member = make_member()
    login(member.email)
    token = csrf_from(client.get("/auctions/new").get_data(as_text=True))
    data = {**auction_form(starting_price="1000", reserve="900"), "csrf_token": token,
            "photos": [upload(jpeg(), "a.jpg")]}
    response = client.post("/auctions/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # (the photo is kept for the next try: test_held_photos)
    assert "โปรดแก้ไข 1 รายการด้านล่าง" in page and "ไม่ต้องเลือกใหม่" in page
    assert "Please correct" not in page and "need not choose them again" not in page


def test_the_winners_live_panel_leads_to_the_sale_auc_7(app, board):
    """AUC-7: the winner watching the end on their phone saw "You won this auction" in the
    live panel, but the way to the sale (payment, delivery) showed only after a reload. The
    panel the page polls (and the stream sends) now carries it, once; the other bidders' and
    visitors' panels do not."""
    from tests.test_auctions import end_now

    bid(board.bob_client, board.auction, 200)
    bid(board.alice_client, board.auction, 500)
    end_now(board.auction)
    JOBS["settle-auctions"](app, utcnow())
    board.sale = db.session.scalar(select(Sale))
    sale = board
    url = f"/auctions/{sale.auction.id}"
    link = f'href="/auctions/sales/{sale.sale.id}"'
    panel = sale.alice_client.get(f"{url}/panel", headers={"HX-Request": "true"})
    assert "You won this auction" in panel.get_data(as_text=True)
    assert link in panel.get_data(as_text=True)
    assert sale.alice_client.get(url).get_data(as_text=True).count(link) == 1
    assert sale.seller_client.get(url).get_data(as_text=True).count(link) == 1
    for client in (sale.bob_client,):
        assert link not in client.get(f"{url}/panel",
                                      headers={"HX-Request": "true"}).get_data(as_text=True)


def test_sale_notices_are_mailed_under_a_subject_naming_the_step_and_the_item_auc_7(sale):
    """AUC-7, found in review: the e-mails for the sale's steps (paid, sent, received) and for
    a message about the sale all went out as "News about your account on Talat" (Thai:
    ข่าวสารเกี่ยวกับบัญชีตลาดของคุณ), so a seller told to ship could not tell it from the
    inbox. Each subject now says what happened, to which item, in the reader's language."""
    url = f"/auctions/sales/{sale.sale.id}"
    title = sale.auction.title
    assert post_form(sale.alice_client, f"{url}/messages", {"body": "โอนแล้วนะครับ"},
                     form_url=url).status_code == 302
    for client in (sale.alice_client, sale.seller_client, sale.alice_client):
        assert post_form(client, f"{url}/next", {"confirmed": "yes"},
                         form_url=url).status_code == 302
    subjects = {m.kind: m.subject for m in db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind.in_(["notice_sale_message", "notice_sale_paid",
                               "notice_sale_shipped", "notice_sale_completed"])))}
    assert subjects == {
        "notice_sale_message": f"ข้อความใหม่เรื่องการซื้อขาย “{title}”",
        "notice_sale_paid": f"ผู้ซื้อแจ้งว่าชำระเงินค่า “{title}” แล้ว",
        "notice_sale_shipped": f"ส่งของแล้ว: “{title}”",
        "notice_sale_completed": f"การซื้อขายเสร็จสมบูรณ์: “{title}”"}
