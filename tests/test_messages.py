"""Messages between buyers and shops about a listing (SHOP-5)."""
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from app.blueprints.shops import message_services
from app.extensions import db
from app.models import Conversation, EmailMessage, Message, ShopStaff
from tests.conftest import csrf_from, post_form

HTMX = {"HX-Request": "true"}


@pytest.fixture
def market(app, make_member, make_shop, make_listing, login):
    """A shop with an owner and a staff member, a listing, a buyer; each with a client."""
    owner, staff, buyer = make_member(), make_member(), make_member()
    shop = make_shop(owner=owner)
    db.session.add(ShopStaff(shop_id=shop.id, user_id=staff.id))
    db.session.commit()
    listing = make_listing(shop=shop)
    clients = {}
    for name, member in (("owner", owner), ("staff", staff), ("buyer", buyer)):
        client = app.test_client()
        login(member.email, target=client)
        client.set_cookie("lang", "en")
        clients[name] = client
    return dict(shop=shop, listing=listing, owner_user=owner, staff_user=staff,
                buyer_user=buyer, **clients)


def contact(client, listing, body, **kwargs):
    return post_form(client, f"/listings/{listing.id}/contact", {"body": body},
                     form_url=f"/listings/{listing.id}", **kwargs)


def reply(client, conversation_id, body, **kwargs):
    url = f"/messages/{conversation_id}"
    return post_form(client, url, {"body": body}, form_url=url, **kwargs)


def the_conversation():
    return db.session.scalar(select(Conversation))


def unread(member):
    return message_services.unread_total(member)


def test_member_messages_the_seller_about_a_listing_shop_5(market):
    """SHOP-5: the first message starts the conversation and e-mails the shop once."""
    buyer, listing = market["buyer"], market["listing"]
    page = buyer.get(f"/listings/{listing.id}/contact")
    assert page.status_code == 200 and 'name="body"' in page.get_data(as_text=True)
    response = contact(buyer, listing, "ยังมีของไหมครับ\nส่งต่างจังหวัดได้ไหม")
    conversation = the_conversation()
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/messages/{conversation.id}")
    assert (conversation.listing_id, conversation.shop_id, conversation.buyer_id) == (
        listing.id, market["shop"].id, market["buyer_user"].id)
    assert db.session.scalar(select(Message.body)) == "ยังมีของไหมครับ\nส่งต่างจังหวัดได้ไหม"
    # Contact again: the same conversation, and no second e-mail.
    assert buyer.get(f"/listings/{listing.id}/contact").headers["Location"].startswith(
        f"/messages/{conversation.id}")
    contact(buyer, listing, "ขอรูปเพิ่มได้ไหม")
    assert db.session.scalar(select(func.count(Conversation.id))) == 1
    assert db.session.scalar(select(func.count(Message.id))) == 2
    mails = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "new_conversation")).all()
    assert [m.to_address for m in mails] == [market["owner_user"].email]
    assert f"/messages/{conversation.id}" in mails[0].body_text
    assert "ยังมีของไหมครับ" in mails[0].body_text


def test_listing_page_offers_contact_to_members_not_to_the_shop_shop_5(market):
    url = f"/listings/{market['listing'].id}"
    assert "/contact" in market["buyer"].get(url).get_data(as_text=True)
    assert "/contact" not in market["owner"].get(url).get_data(as_text=True)


def test_staff_answer_for_the_shop_and_the_owner_sees_it_shop_5(market):
    """SHOP-5: the shop's side is its owner and staff; any of them answers."""
    contact(market["buyer"], market["listing"], "ราคาต่อรองได้ไหม")
    conversation = the_conversation()
    response = reply(market["staff"], conversation.id, "ลดได้นิดหน่อยครับ")
    assert response.status_code == 302
    messages = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [m.sender_id for m in messages] == [market["buyer_user"].id, market["staff_user"].id]
    for name in ("owner", "buyer"):
        assert "ลดได้นิดหน่อยครับ" in market[name].get(
            f"/messages/{conversation.id}").get_data(as_text=True)


def test_inbox_shows_unread_counts_for_each_side_shop_5(market, make_listing):
    """SHOP-5: both sides see the conversation in their inbox with its unread count."""
    buyer, owner, staff = market["buyer_user"], market["owner_user"], market["staff_user"]
    contact(market["buyer"], market["listing"], "ข้อความแรก")
    contact(market["buyer"], market["listing"], "ข้อความที่สอง")
    assert (unread(owner), unread(staff), unread(buyer)) == (2, 2, 0)
    inbox = market["owner"].get("/messages").get_data(as_text=True)
    assert market["listing"].title in inbox and buyer.display_name in inbox
    assert "ข้อความที่สอง" in inbox and 'class="badge badge--unread">2<' in inbox
    buyer_inbox = market["buyer"].get("/messages").get_data(as_text=True)
    assert market["shop"].name in buyer_inbox and "You:" in buyer_inbox
    assert "inbox__row--unread" not in buyer_inbox
    badge = market["staff"].get("/messages/unread", headers=HTMX)
    assert badge.status_code == 200 and "<html" not in badge.get_data(as_text=True)
    assert ">2<" in badge.get_data(as_text=True)
    # A newer conversation about another listing comes first.
    other = make_listing(shop=market["shop"], title="พระรอด กรุวัดมหาวัน")
    contact(market["buyer"], other, "องค์นี้ด้วยครับ")
    inbox = market["owner"].get("/messages").get_data(as_text=True)
    assert inbox.index("พระรอด") < inbox.index(market["listing"].title)


def test_opening_a_conversation_marks_it_read_for_that_side_only_shop_5(market):
    contact(market["buyer"], market["listing"], "สนใจครับ")
    conversation = the_conversation()
    assert market["staff"].get(f"/messages/{conversation.id}").status_code == 200
    assert (unread(market["owner_user"]), unread(market["staff_user"])) == (0, 0)
    reply(market["owner"], conversation.id, "ยินดีครับ")
    assert (unread(market["buyer_user"]), unread(market["owner_user"])) == (1, 0)
    header = market["buyer"].get("/messages").get_data(as_text=True)
    assert 'id="unread-badge"' in header
    market["buyer"].get(f"/messages/{conversation.id}")
    assert unread(market["buyer_user"]) == 0
    assert 'hidden>0<span class="visually-hidden">' in market["buyer"].get(
        "/messages").get_data(as_text=True)


def test_polling_returns_only_newer_messages_as_a_fragment_shop_5(market):
    """SHOP-5: new messages appear without reloading (htmx polls ?after=<id>)."""
    contact(market["buyer"], market["listing"], "ข้อความเก่า")
    conversation = the_conversation()
    first = db.session.scalar(select(Message.id))
    page = market["owner"].get(f"/messages/{conversation.id}").get_data(as_text=True)
    assert 'hx-trigger="every 4s"' in page and f'value="{first}"' in page
    reply(market["buyer"], conversation.id, "ข้อความใหม่")
    newest = db.session.scalar(select(func.max(Message.id)))
    url = f"/messages/{conversation.id}?after={first}"
    fragment = market["owner"].get(url, headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert "ข้อความใหม่" in html and "ข้อความเก่า" not in html
    assert f'id="message-after" name="after" value="{newest}" hx-swap-oob="true"' in html
    assert unread(market["owner_user"]) == 0
    nothing = market["owner"].get(f"/messages/{conversation.id}?after={newest}", headers=HTMX)
    assert nothing.status_code == 204 and nothing.get_data() == b""


def test_sending_with_htmx_returns_the_message_and_a_fresh_form_shop_5(market):
    contact(market["buyer"], market["listing"], "สวัสดีครับ")
    conversation = the_conversation()
    first = db.session.scalar(select(Message.id))
    url = f"/messages/{conversation.id}"
    page = market["owner"].get(url).get_data(as_text=True)
    response = market["owner"].post(url, headers=HTMX, data={
        "csrf_token": csrf_from(page), "body": "ยังอยู่ครับ", "after": str(first)})
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and "<html" not in html
    assert 'hx-swap-oob="beforeend:#message-list"' in html and "ยังอยู่ครับ" in html
    assert "สวัสดีครับ" not in html  # already on the page
    assert '<textarea' in html and "ยังอยู่ครับ</textarea>" not in html


@pytest.mark.parametrize("who, status", [("buyer", 200), ("owner", 200), ("staff", 200),
                                         ("stranger", 403), ("moderator", 200),
                                         ("visitor", 302)])
def test_who_may_read_a_conversation_shop_5(app, market, make_member, login, who, status):
    contact(market["buyer"], market["listing"], "ข้อความส่วนตัว")
    conversation = the_conversation()
    if who in market:
        client = market[who]
    else:
        client = app.test_client()
        if who != "visitor":
            login(make_member(role="moderator" if who == "moderator" else "member").email,
                  target=client)
    response = client.get(f"/messages/{conversation.id}")
    assert response.status_code == status
    if who == "visitor":
        assert "/login" in response.headers["Location"]
        assert client.get("/messages").status_code == 302
        assert "/login" in client.get(
            f"/listings/{market['listing'].id}/contact").headers["Location"]
        assert client.get(f"/messages/{conversation.id}?after=0",
                          headers=HTMX).status_code == 401
    if who == "stranger":
        assert client.get(f"/messages/{conversation.id}?after=0", headers=HTMX).status_code == 403
        assert "ข้อความส่วนตัว" not in client.get("/messages").get_data(as_text=True)
        assert post_form(client, f"/messages/{conversation.id}", {"body": "แทรก"},
                         form_url="/").status_code == 403
    if who == "moderator":  # read-only: no form, no answer, no read mark
        assert 'name="body"' not in response.get_data(as_text=True)
        assert post_form(client, f"/messages/{conversation.id}", {"body": "x"},
                         form_url="/").status_code == 403
        assert unread(market["owner_user"]) == 1
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_script_in_a_message_is_shown_escaped_with_line_breaks_kept_shop_5(market):
    contact(market["buyer"], market["listing"], "<script>alert(1)</script>\nบรรทัดสอง")
    conversation = the_conversation()
    for response in (market["owner"].get(f"/messages/{conversation.id}"),
                     market["owner"].get(f"/messages/{conversation.id}?after=0", headers=HTMX),
                     market["owner"].get("/messages")):
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;/script&gt;\nบรรทัดสอง</div>" in market["owner"].get(
        f"/messages/{conversation.id}").get_data(as_text=True)


@pytest.mark.parametrize("body", ["", "   \n  ", "ก" * 2001])
@pytest.mark.parametrize("htmx", [False, True])
def test_empty_or_overlong_messages_are_refused_and_kept_shop_5(market, body, htmx):
    contact(market["buyer"], market["listing"], "เริ่มต้น")
    conversation = the_conversation()
    response = reply(market["owner"], conversation.id, body, headers=HTMX if htmx else {})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in html) is not htmx
    assert "Please write your message." in html or "at most 2,000 characters" in html
    if body.strip():
        assert body in html
    first = contact(market["buyer"], market["listing"], body)
    assert first.status_code == 422
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_a_2000_character_message_with_windows_line_breaks_is_accepted_shop_5(market):
    """A line break counts as one character, as the browser's text box counts it."""
    body = "ก" * 999 + "\r\n" + "ก" * 1000
    assert contact(market["buyer"], market["listing"], body).status_code == 302
    assert db.session.scalar(select(Message.body)) == "ก" * 999 + "\n" + "ก" * 1000


def test_listings_the_sender_cannot_see_cannot_be_contacted_shop_5(
        app, market, make_member, make_listing, login):
    """SHOP-5 with RANK-1/ACC-3: hidden listings answer 404 as if absent."""
    adult = make_listing(shop=market["shop"], content_rating="adult")
    held = make_listing(shop=market["shop"], status="held")
    assert app.test_client().get(f"/listings/{adult.id}/contact").status_code == 404
    today = date.today()
    minor = make_member(birth_date=date(today.year - 15, 1, 1), guardian_name="Somsri Jaidee",
                        guardian_email="guardian@talat.example", guardian_consent=True)
    minor_client = app.test_client()
    login(minor.email, target=minor_client)
    assert minor_client.get(f"/listings/{adult.id}/contact").status_code == 404
    assert contact(market["buyer"], held, "ขอซื้อ").status_code == 404
    assert market["buyer"].get(f"/listings/{held.id}/contact").status_code == 404
    assert market["buyer"].get("/listings/999999/contact").status_code == 404
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_shop_people_cannot_contact_their_own_shop_shop_5(market, who):
    url = f"/listings/{market['listing'].id}/contact"
    assert market[who].get(url).status_code == 403
    assert post_form(market[who], url, {"body": "ทดสอบ"}, form_url="/").status_code == 403
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


def test_two_first_messages_at_once_make_one_conversation_shop_5(app, market, login,
                                                                 monkeypatch):
    """SHOP-5: racing first messages (two devices) share one conversation; none is lost."""
    listing = market["listing"]
    url = f"/listings/{listing.id}/contact"
    clients = []
    for _ in range(4):
        client = app.test_client()
        login(market["buyer_user"].email, target=client)
        clients.append((client, csrf_from(client.get(url).get_data(as_text=True))))
    db.session.commit()
    real_find = message_services.find_conversation

    def slow_find(*args):
        found = real_find(*args)
        if found is None:
            time.sleep(0.3)  # both requests see "no conversation yet" before either inserts
        return found

    monkeypatch.setattr(message_services, "find_conversation", slow_find)
    barrier, statuses = threading.Barrier(len(clients)), []

    def send(n, client, token):
        barrier.wait()
        response = client.post(url, data={"csrf_token": token, "body": f"ข้อความ {n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(n, client, token))
               for n, (client, token) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clients)
    assert db.session.scalar(select(func.count(Conversation.id))) == 1
    assert db.session.scalar(select(func.count(Message.id))) == len(clients)
    assert db.session.scalar(select(func.count(EmailMessage.id)).where(
        EmailMessage.kind == "new_conversation")) == 1


def test_page_numbers_and_cursors_past_any_id_are_harmless_shop_5(market):
    """Found in review: a page number or message cursor past 64 bits was a 500, and an
    answer posted with such a cursor was saved before the 500, so trying again sent it twice.
    Lists fall back to their first page; the answer is saved once and shown."""
    contact(market["buyer"], market["listing"], "สวัสดีครับ")
    conversation = the_conversation()
    huge = "99999999999999999999"
    for url in ("/messages", "/orders", f"/shops/{market['shop'].slug}/orders"):
        client = market["owner"]
        assert client.get(f"{url}?page={huge}").status_code == 200, url
    assert market["buyer"].get(f"/messages/{conversation.id}?after={huge}",
                               headers=HTMX).status_code == 204
    page = market["buyer"].get(f"/messages/{conversation.id}")
    token = csrf_from(page.get_data(as_text=True))
    response = market["buyer"].post(f"/messages/{conversation.id}", headers=HTMX, data={
        "csrf_token": token, "body": "ส่งครั้งเดียว", "after": "9223372036854775808"})
    assert response.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.body == "ส่งครั้งเดียว")) == 1
