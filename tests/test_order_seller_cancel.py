"""SHOP-10: the shop cancels an order that is not yet paid, saying why (the amulet was sold
elsewhere, it broke). The stock goes back as when the buyer cancels, the buyer is told in
their language that nothing is owed, and the order's timeline says who cancelled. Not once a
slip is sent (money may have moved), not by anyone but the shop's people, not by a suspended
member (ACC-5); a slip and a cancellation sent together never both win."""
import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app.blueprints.shops import order_services
from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, Listing, Notification, Order
from tests.conftest import csrf_from
from tests.images import jpeg, upload
from tests.test_orders import HTMX, SCRIPT, act, latest_order, order_at, pay, place
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)

REASON = "The amulet was sold at the shop this morning, sorry."
REASON_TH = "พระองค์นี้ขายหน้าร้านไปแล้วเมื่อเช้า ขออภัยด้วยครับ"


def shop_cancel(client, order_id, reason=REASON, **kwargs):
    """The shop's "Cancel the order" form, sent with its reason."""
    return act(client, order_id, "shop-cancel", {"reason": reason}, **kwargs)


def thai(client):
    """``client`` reading the pages in Thai."""
    client.set_cookie("lang", "th")
    return client


def mails(kind):
    """The messages of ``kind``, by recipient address."""
    return {m.to_address: m for m in db.session.scalars(
        select(EmailMessage).where(EmailMessage.kind == kind))}


def stock(m):
    listing = db.session.get(Listing, m.listing.id, populate_existing=True)
    return listing.quantity, listing.status


def test_shop_10_owner_cancels_an_unpaid_order_with_a_reason_in_english(market):
    """SHOP-10: stock back on sale, status, who and why recorded; the buyer's timeline says
    "Cancelled by the shop" with the Bangkok time and the reason; a notice and an English
    e-mail tell the buyer the reason and that nothing is owed; the lists say "Cancelled"."""
    m = market
    m.buyer.locale = "en"
    db.session.commit()
    assert place(m.buyer_client, m.listing, "3").status_code == 302
    order = latest_order()
    assert stock(m) == (0, "sold_out")
    page = m.seller_client.get(f"/orders/{order.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/shop-cancel"[^>]*>', page).group(0)
    assert "hx-confirm=" in form and 'method="post"' in form  # asks before it goes
    assert 'name="reason"' in page and "maxlength" not in re.search(
        r"<textarea[^>]*>", page).group(0)

    response = shop_cancel(m.seller_client, order.id)
    assert response.status_code == 302
    db.session.refresh(order)
    assert (order.status, order.cancelled_by, order.cancel_reason) == ("cancelled", "shop",
                                                                       REASON)
    assert order.closed_at is not None and stock(m) == (3, "active")
    page = unescape(m.buyer_client.get(f"/orders/{order.id}").get_data(as_text=True))
    assert "Cancelled by the shop" in page and REASON in page
    assert f'datetime="{order.closed_at.isoformat()}"' in page
    assert "you owe nothing" in page and "Send the slip" not in page
    seller_page = unescape(m.seller_client.get(f"/orders/{order.id}").get_data(as_text=True))
    assert "Cancelled by the shop" in seller_page and "/shop-cancel" not in seller_page
    assert shop_cancel(m.seller_client, order.id).status_code == 422  # once
    assert stock(m) == (3, "active")

    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == m.buyer.id, Notification.kind == "order_cancelled_shop"))
    assert notice is not None and notice.target_id == order.id
    assert db.session.scalar(select(Notification).where(  # the owner did it: no notice to self
        Notification.user_id == m.owner.id, Notification.kind == "order_cancelled_staff")) is None
    notices = unescape(m.buyer_client.get("/notifications").get_data(as_text=True))
    assert REASON in notices and "owe nothing" in notices and f"/orders/{order.id}" in notices
    sent = mails("order_cancelled_by_shop")
    buyer_mail, owner_mail = sent[m.buyer.email], sent[m.owner.email]
    assert buyer_mail.subject == f"Order #{order.id} was cancelled by the shop"
    assert REASON in buyer_mail.body_text and "you owe nothing" in buyer_mail.body_text
    assert f"/orders/{order.id}" in buyer_mail.body_text
    assert REASON in owner_mail.body_text
    for url in ("/orders", f"/shops/{m.shop.slug}/orders"):
        client = m.buyer_client if url == "/orders" else m.seller_client
        assert "Cancelled" in client.get(url).get_data(as_text=True)


def test_shop_10_staff_cancel_in_thai_tells_the_buyer_in_thai(market, client_for):
    """SHOP-10: a staff member cancels from the Thai page; the buyer (Thai) reads the Thai
    timeline, notice and e-mail with the reason; the owner's e-mail names who cancelled."""
    m = market
    order = order_at(m, "awaiting_payment")
    staff = thai(client_for(m.staff))
    page = staff.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "ยกเลิกคำสั่งซื้อ" in page and "/shop-cancel" in page
    response = shop_cancel(staff, order.id, REASON_TH, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="order-panel"' in html
    db.session.refresh(order)
    assert (order.status, order.cancelled_by, order.cancel_reason) == ("cancelled", "shop",
                                                                       REASON_TH)
    assert stock(m) == (3, "active")
    buyer_page = thai(m.buyer_client).get(f"/orders/{order.id}").get_data(as_text=True)
    assert "ยกเลิกโดยร้านค้า" in buyer_page and REASON_TH in buyer_page
    assert "ไม่ต้องชำระเงิน" in buyer_page
    notices = thai(m.buyer_client).get("/notifications").get_data(as_text=True)
    assert REASON_TH in notices and "ไม่ต้องชำระเงิน" in notices
    sent = mails("order_cancelled_by_shop")
    buyer_mail = sent[m.buyer.email]
    assert buyer_mail.subject == f"คำสั่งซื้อ #{order.id} ถูกร้านค้ายกเลิก"
    assert REASON_TH in buyer_mail.body_text and "ไม่ต้องชำระเงิน" in buyer_mail.body_text
    assert m.staff.display_name in sent[m.owner.email].body_text
    # The owner sees it in the site as well, in their language, with who did it and why.
    notices = thai(client_for(m.owner)).get("/notifications").get_data(as_text=True)
    assert m.staff.display_name in notices and REASON_TH in notices
    assert f"/orders/{order.id}" in notices


def test_shop_10_reason_is_required_and_a_text_outside_the_limits_comes_back_whole(market):
    """SHOP-10: no reason, blanks or under 10 characters are refused; 501 characters come
    back whole with the limit and the length; nothing changes meanwhile."""
    m = market
    order = order_at(m, "awaiting_payment")
    for reason, message in (("", "Please say why you cancel the order"),
                            ("   \r\n  ", "Please say why you cancel the order"),
                            ("Sold out", "Write 10 to 500 characters: this text has 8."),
                            ("   Sold out   ", "Write 10 to 500 characters: this text has 8.")):
        response = shop_cancel(m.seller_client, order.id, reason)
        html = unescape(response.get_data(as_text=True))
        assert response.status_code == 422 and message in html, reason
        assert '<details class="order-cancel" open>' in html
    long_reason = "ขออภัย " + "ก" * 484 + " ครับ ท้าย"  # 501 characters
    assert len(long_reason) == 501
    response = shop_cancel(m.seller_client, order.id, long_reason, headers=HTMX)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "<html" not in html
    assert "Write 10 to 500 characters: this text has 501." in html
    assert f"{long_reason}</textarea>" in html
    db.session.refresh(order)
    assert (order.status, order.cancelled_by, order.cancel_reason) == ("awaiting_payment", "",
                                                                       "")
    assert stock(m) == (2, "active")
    # A line break the browser sends as CR LF counts as one character: 500 exactly is taken.
    exact = "a" * 250 + "\r\n" + "b" * 249
    assert shop_cancel(m.seller_client, order.id, exact).status_code == 302
    db.session.refresh(order)
    assert order.cancel_reason == "a" * 250 + "\n" + "b" * 249


@pytest.mark.parametrize("stage, sentence", [
    ("payment_submitted", "If you cannot send this item, message the buyer: the shop's owner "
                          "refuses the payment if the money has not arrived"),
    ("paid", "If you cannot send this item, message the buyer and settle a refund with them")])
def test_shop_10_no_shop_cancel_once_a_slip_is_sent(market, stage, sentence):
    """SHOP-10: after the slip money may have moved: no cancel form, the panel says to
    message the buyer (and refuse the payment or settle it), and the route refuses."""
    m = market
    order = order_at(m, stage)
    page = unescape(m.seller_client.get(f"/orders/{order.id}").get_data(as_text=True))
    assert "/shop-cancel" not in page and sentence in page and "Message the buyer" in page
    response = shop_cancel(m.seller_client, order.id)
    assert response.status_code == 422
    assert "The buyer has sent a payment slip for this order, so it can no longer be " \
           "cancelled" in unescape(response.get_data(as_text=True))
    db.session.refresh(order)
    assert order.status == stage and order.cancelled_by == "" and stock(m) == (2, "active")
    assert sentence not in unescape(m.buyer_client.get(f"/orders/{order.id}").get_data(
        as_text=True))


def test_shop_10_a_refused_slip_opens_the_cancel_again(market):
    """SHOP-10: the owner refuses a payment that never arrived; the order waits for payment
    again and the shop may then cancel it."""
    m = market
    order = order_at(m, "payment_submitted")
    assert act(m.seller_client, order.id, "reject-payment").status_code == 302
    assert shop_cancel(m.seller_client, order.id).status_code == 302
    db.session.refresh(order)
    assert order.status == "cancelled" and stock(m) == (3, "active")
    page = m.buyer_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Slip refused" in page and "Cancelled by the shop" in page


def test_shop_10_a_slip_sent_after_the_shop_cancelled_is_refused(market):
    m = market
    order = order_at(m, "awaiting_payment")
    assert shop_cancel(m.seller_client, order.id).status_code == 302
    response = pay(m.buyer_client, order.id)
    assert response.status_code == 422
    db.session.refresh(order)
    assert (order.status, order.slip_key, order.slip_sent_at) == ("cancelled", None, None)
    assert stock(m) == (3, "active")


def race_slip_and_cancel(m, order_id):
    """The buyer's slip and the shop's cancel of ``order_id`` sent at the same moment (two
    threads released together); their status codes by action."""
    url = f"/orders/{order_id}"
    buyer_token = csrf_from(m.buyer_client.get(url).get_data(as_text=True))
    seller_token = csrf_from(m.seller_client.get(url).get_data(as_text=True))
    posts = {"pay": (m.buyer_client, {"csrf_token": buyer_token, "method": "promptpay",
                                      "slip": upload(jpeg())}),
             "shop-cancel": (m.seller_client, {"csrf_token": seller_token, "reason": REASON})}
    barrier, codes = threading.Barrier(len(posts)), {}

    def send(action):
        client, data = posts[action]
        barrier.wait()
        codes[action] = client.post(f"{url}/{action}", data=data,
                                    content_type="multipart/form-data").status_code

    threads = [threading.Thread(target=send, args=(action,)) for action in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_shop_10_a_slip_and_a_cancel_sent_together_never_both_win(app, market):
    """SHOP-10: the buyer's slip and the shop's cancellation race (real threads, SQLite and
    PostgreSQL): the order row's lock lets exactly one through; the other is refused, and
    the stock is released only for the orders that were cancelled."""
    m = market
    outcomes = []
    for _ in range(3):
        order = order_at(m, "awaiting_payment")
        codes = race_slip_and_cancel(m, order.id)
        order = db.session.get(Order, order.id, populate_existing=True)
        db.session.commit()
        if order.status == "cancelled":
            assert codes == {"shop-cancel": 302, "pay": 422}
            assert (order.cancelled_by, order.slip_key, order.slip_sent_at) == ("shop", None,
                                                                                None)
        else:
            assert codes == {"shop-cancel": 422, "pay": 302}
            assert (order.status, order.cancelled_by) == ("payment_submitted", "")
        outcomes.append(order.status)
    assert stock(m)[0] == 3 - outcomes.count("payment_submitted")


@pytest.mark.parametrize("who, code", [("buyer", 422), ("stranger", 403), ("moderator", 422),
                                       ("paused staff", 403)])
def test_shop_10_only_the_shops_people_cancel_for_the_shop(market, make_member, client_for,
                                                           who, code):
    """SHOP-10, SHOP-2: the buyer (who has a cancel of their own), a stranger, a moderator
    looking at the order and staff paused by a smaller plan are refused; no form is shown."""
    m = market
    order = order_at(m, "awaiting_payment")
    if who == "paused staff":
        m.shop.plan = "starter"  # no staff on the Starter plan: the helper is paused
        db.session.commit()
    user = {"buyer": m.buyer, "stranger": make_member(), "moderator": make_member(
        role="moderator"), "paused staff": m.staff}[who]
    client = client_for(user)
    page = client.get(f"/orders/{order.id}")
    assert "/shop-cancel" not in page.get_data(as_text=True)
    assert shop_cancel(client, order.id).status_code == code
    db.session.refresh(order)
    assert (order.status, order.cancelled_by) == ("awaiting_payment", "")
    assert stock(m) == (2, "active")
    assert shop_cancel(m.seller_client, order.id).status_code == 302  # the owner still may


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_shop_10_acc_5_a_suspended_member_cannot_cancel_for_the_shop(market, client_for, who):
    """ACC-5: a suspended owner or helper is told why and the order stays as it was."""
    m = market
    order = order_at(m, "awaiting_payment")
    user = m.owner if who == "owner" else m.staff
    user.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    response = shop_cancel(client_for(user), order.id)
    assert response.status_code == 422
    assert "Your account is suspended until" in unescape(response.get_data(as_text=True))
    db.session.refresh(order)
    assert (order.status, order.cancelled_by) == ("awaiting_payment", "")
    assert stock(m) == (2, "active")


def test_shop_10_a_hostile_reason_is_shown_as_text(market, make_member, client_for):
    """SHOP-10: a reason with markup is escaped on the order page and in the notices, and
    kept as plain text in the (text/plain) e-mail, escaped where the admin reads it."""
    m = market
    order = order_at(m, "awaiting_payment")
    assert shop_cancel(m.seller_client, order.id, SCRIPT).status_code == 302
    db.session.refresh(order)
    assert order.cancel_reason == SCRIPT
    for client, url in ((m.buyer_client, f"/orders/{order.id}"),
                        (m.seller_client, f"/orders/{order.id}"),
                        (m.buyer_client, "/notifications")):
        html = client.get(url).get_data(as_text=True)
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    message = mails("order_cancelled_by_shop")[m.buyer.email]
    assert SCRIPT in message.body_text  # plain text: nothing there runs markup
    admin = client_for(make_member(role="admin"))
    html = admin.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_shop_10_timeline_says_who_cancelled(market, client_for, make_member):
    """SHOP-10: "Cancelled by you" to the buyer and "Cancelled by the buyer" to the shop for
    the buyer's own cancel; a moderators' sanction (MOD-8) is "Cancelled by the moderators"."""
    m = market
    order = order_at(m, "awaiting_payment")
    assert act(m.buyer_client, order.id, "cancel").status_code == 302
    db.session.refresh(order)
    assert order.cancelled_by == "buyer"
    assert "Cancelled by you" in m.buyer_client.get(f"/orders/{order.id}").get_data(
        as_text=True)
    assert "Cancelled by the buyer" in m.seller_client.get(f"/orders/{order.id}").get_data(
        as_text=True)
    other = make_member()
    second = order_at(SimpleMarket(m, client_for(other)), "awaiting_payment")
    order_services.cancel_orders_of(other, now=utcnow())
    db.session.commit()
    db.session.refresh(second)
    assert second.cancelled_by == "moderation"
    assert "Cancelled by the moderators" in m.seller_client.get(
        f"/orders/{second.id}").get_data(as_text=True)


def SimpleMarket(m, buyer_client):  # noqa: N802 (stands in for the fixture's namespace)
    """The market with another buyer."""
    from types import SimpleNamespace

    return SimpleNamespace(**{**vars(m), "buyer_client": buyer_client})


def test_shop_10_orders_cancelled_before_the_upgrade_say_who_cancelled(app, market,
                                                                       make_member,
                                                                       client_for):
    """SHOP-10: the migration that records who cancelled names the earlier cancellations:
    a sanction's left a notice about the order (moderation), the rest were the buyer's."""
    m = market
    mine = order_at(m, "awaiting_payment")
    act(m.buyer_client, mine.id, "cancel")
    other = make_member()
    sanctioned = order_at(SimpleMarket(m, client_for(other)), "awaiting_payment")
    order_services.cancel_orders_of(other, now=utcnow())
    open_one = order_at(m, "awaiting_payment")
    wanted = {mine.id: "buyer", sanctioned.id: "moderation", open_one.id: ""}
    db.session.commit()
    db.session.remove()
    downgrade(revision="3f8b2d6a1c94")
    db.session.remove()
    upgrade()
    db.session.remove()
    by = dict(db.session.execute(select(Order.id, Order.cancelled_by)).all())
    db.session.commit()
    assert by == wanted
