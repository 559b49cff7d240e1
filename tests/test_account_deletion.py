"""ACC-9: a member asks to delete the account (password, CSRF). It waits while something is open
(orders, auctions, IP requests ...), and the job or the member completes it once everything has
settled; personal data is anonymised, the records the rules keep are kept, and the account can
no longer log in."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.accounts import deletion
from app.blueprints.accounts.errors import AccountError
from app.blueprints.auctions import bidding
from app.blueprints.ip_requests import filing
from app.blueprints.shops import message_services, order_services
from app.database import utcnow
from app.extensions import db
from app.jobs import run_jobs
from app.models import (AccountDeletion, AuditEntry, EmailMessage, Listing, LoginSession,
                        Message, Order, Sanction, Shop, TrafficLogEntry, User)
from tests.conftest import PASSWORD, post_form

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _ask(client, password=PASSWORD, confirm="y"):
    data = {"password": password}
    if confirm:
        data["confirm"] = confirm
    return post_form(client, "/account/delete", data)


def test_acc9_wrong_password_or_no_confirmation_refuses(app, make_member, client_for):
    member = make_member()
    client = client_for(member)
    response = _ask(client, password="not my password")
    assert response.status_code == 422
    assert "The password is not right." in response.get_data(as_text=True)
    assert _ask(client, confirm="").status_code == 422
    assert client.post("/account/delete", data={"password": PASSWORD,
                                                "confirm": "y"}).status_code == 400  # no CSRF
    assert db.session.scalar(select(func.count(AccountDeletion.id))) == 0
    assert client_for(None).get("/account/delete").status_code == 302  # visitors log in


def test_acc9_nothing_open_deletes_at_once(app, make_member, make_listing, make_shop,
                                          client_for, client):
    member = make_member(display_name="Leaving", email="leaving@talat.example",
                         birth_date=date(2010, 1, 1), guardian_name="Mum",
                         guardian_email="mum@talat.example", guardian_consent=True)
    shop = make_shop(owner=member)
    listing = make_listing(shop=shop)
    db.session.add(TrafficLogEntry(at=utcnow(), member_id=member.id, ip="203.0.113.7",
                                   method="POST", action="x", target="/x", status=200))
    db.session.commit()
    browser = client_for(member)
    response = _ask(browser)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.get(User, member.id)
    db.session.refresh(user)
    assert user.display_name == f"deleted member #{member.id}"
    assert user.email.endswith("@deleted.invalid") and "leaving" not in user.email
    assert user.guardian_name is None and user.guardian_email is None
    assert user.birth_date == deletion.TOMBSTONE_BIRTH_DATE and user.closed_at is not None
    assert db.session.scalar(select(func.count(LoginSession.id)).where(
        LoginSession.user_id == member.id)) == 0
    assert db.session.get(Shop, shop.id).status == "closed"
    assert db.session.get(Listing, listing.id).status == "deleted"
    # Told first, at the address it had.
    mails = db.session.scalars(select(EmailMessage).where(
        EmailMessage.to_address == "leaving@talat.example")).all()
    assert [mail.kind for mail in mails] == ["account_deleted"]  # the welcome mail is gone
    # Kept: the traffic log and the audit entry of the deletion.
    assert db.session.scalar(select(func.count(TrafficLogEntry.id)).where(
        TrafficLogEntry.member_id == member.id)) >= 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.delete",
                                                      AuditEntry.target_id == member.id))
    # The session in the browser is over, and the old credentials no longer log in.
    assert browser.get("/account").status_code == 302
    login = post_form(client, "/login", {"email": "leaving@talat.example",
                                         "password": PASSWORD})
    assert login.status_code == 422
    login = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert login.status_code == 422


def test_acc9_open_order_blocks_until_it_settles_then_the_job_completes(
        app, make_member, make_listing, client_for):
    buyer = make_member(display_name="Buyer")
    listing = make_listing()
    order = order_services.place_order(listing, buyer, 1, now=utcnow())
    _conversation, message, _new = message_services.contact_seller(
        listing, buyer, "Is it still available?", utcnow())
    db.session.commit()
    client = client_for(buyer)
    response = _ask(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account/delete"
    page = client.get("/account/delete").get_data(as_text=True)
    assert "Orders you placed that are not completed or cancelled" in page
    assert "Withdraw my request" in page
    assert db.session.get(User, buyer.id).display_name == "Buyer"
    request = db.session.scalar(select(AccountDeletion))
    assert request.blockers == "orders_buying" and request.completed_at is None
    lines = []
    run_jobs(app, ["complete-account-deletions"], echo=lines.append)
    assert lines == ["complete-account-deletions: 0"]
    order = db.session.get(Order, order.id)
    order_services.cancel_order(order, buyer, now=utcnow())
    db.session.commit()
    run_jobs(app, ["complete-account-deletions"], echo=lines.append)
    assert lines[1] == "complete-account-deletions: 1"
    gone = db.session.get(User, buyer.id)
    db.session.refresh(gone)
    assert gone.display_name == f"deleted member #{buyer.id}"
    # The order record and the message stay, signed by the tombstone.
    assert db.session.get(Order, order.id).buyer_id == buyer.id
    kept = db.session.get(Message, message.id)
    assert kept.sender_id == buyer.id and "still available" in kept.body
    run_jobs(app, ["complete-account-deletions"], echo=lines.append)
    assert lines[2] == "complete-account-deletions: 0"


def test_acc9_running_auction_and_pending_ip_request_block(app, make_member, make_auction):
    seller = make_member(display_name="Seller")
    victim = make_member(display_name="Victim")
    bidders = [make_member(display_name=name) for name in ("Early", "Later")]
    auction = make_auction(seller=seller)
    for bidder, amount in zip(bidders, (20_000, 30_000), strict=True):
        bidding.place_bid(auction.id, bidder, amount, proxy=True, now=utcnow())
        db.session.commit()
    # Outbid or leading, a bid on a running auction holds the deletion back.
    assert [deletion.blockers(b, utcnow()) for b in bidders] == [["auctions_bidding"]] * 2
    filing.file_request(victim, {
        "accused": "Seller", "case_number": "1/2569", "police_station": "Bang Rak",
        "incident_date": date.today(), "description": "Never sent the amulet I paid for."},
        ("r.pdf", PDF), now=utcnow())
    db.session.commit()
    assert deletion.blockers(seller, utcnow()) == ["auctions_selling", "ip_requests"]
    assert deletion.blockers(victim, utcnow()) == ["ip_requests"]


def test_acc9_running_sanction_blocks_and_a_withdrawn_request_is_not_retried(
        app, make_member, moderator):
    member = make_member()
    db.session.add(Sanction(user_id=member.id, kind="suspension", rule="MOD-8", facts="x",
                            starts_at=utcnow(), ends_at=utcnow() + timedelta(days=3),
                            created_by_id=moderator.id, created_at=utcnow()))
    db.session.commit()
    request = deletion.request_deletion(member, PASSWORD, now=utcnow())
    assert request.completed_at is None and request.blockers == "sanctions"
    deletion.cancel(member, now=utcnow())
    db.session.commit()
    assert deletion.run_waiting(utcnow() + timedelta(days=4)) == 0
    with pytest.raises(AccountError):
        deletion.request_deletion(member, "wrong", now=utcnow())


def test_acc9_hostile_input_is_not_echoed(app, make_member, client_for):
    client = client_for(make_member())
    response = _ask(client, password='<script>alert("x")</script>')
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<script>alert("x")' not in html


def test_acc9_a_deleted_members_name_shows_in_the_readers_language(app, board, client_for):
    """ACC-9: the tombstone name is stored once (in English) and shown in the reader's
    language wherever the member is named (here, the seller on an auction page)."""
    from flask_babel import force_locale

    from app.models.accounts import TOMBSTONE_NAME

    seller = db.session.get(User, board.seller.id)
    seller.display_name = TOMBSTONE_NAME.format(id=seller.id)
    db.session.commit()
    assert seller._display_name == f"deleted member #{seller.id}"
    with force_locale("th"):
        assert seller.display_name == f"สมาชิกที่ลบบัญชีแล้ว #{seller.id}"
    with force_locale("en"):
        assert seller.display_name == f"deleted member #{seller.id}"
    reader = client_for(board.bob)
    url = f"/auctions/{board.auction.id}"
    assert f"deleted member #{seller.id}" in reader.get(url).get_data(as_text=True)
    reader.set_cookie("lang", "th")
    thai = reader.get(url).get_data(as_text=True)
    assert f"สมาชิกที่ลบบัญชีแล้ว #{seller.id}" in thai and "deleted member" not in thai


def test_acc9_the_only_admin_cannot_leave_the_site_without_an_admin(app, make_member,
                                                                   client_for):
    """ACC-9: a deleted admin becomes a member, so the last admin's request waits (listed on
    the page) until another member is given the admin role; then it completes."""
    admin = make_member(role="admin")
    client = client_for(admin)
    assert _ask(client).status_code == 302
    assert db.session.get(User, admin.id).role == "admin"
    request = db.session.scalar(select(AccountDeletion).where(
        AccountDeletion.user_id == admin.id))
    assert request.completed_at is None and request.blockers == "last_admin"
    client.set_cookie("lang", "en")
    page = client.get("/account/delete").get_data(as_text=True)
    assert "give another member the admin role" in page.split('id="deletion-blockers"')[1]

    make_member(role="admin")
    assert deletion.run_waiting(utcnow()) == 1
    db.session.commit()
    assert db.session.get(User, admin.id).closed_at is not None


def test_acc9_the_page_names_each_open_order_and_auction_with_a_link(
        app, make_member, make_listing, make_auction, client_for):
    """ACC-9 (found in review): the deletion page listed only the kinds of things still open
    ("Orders you placed ..."), so a member with many deals could not tell which to settle. It
    now names each open order and auction, linked to its page."""
    buyer = make_member(display_name="Buyer")
    listing = make_listing(title="Phra Pidta open order")
    order = order_services.place_order(listing, buyer, 1, now=utcnow())
    auction = make_auction(seller=make_member(display_name="Seller"))
    bidding.place_bid(auction.id, buyer, 20_000, proxy=True, now=utcnow())
    db.session.commit()
    page = client_for(buyer).get("/account/delete").get_data(as_text=True)
    assert f'href="/orders/{order.id}"' in page and "Phra Pidta open order" in page
    assert f'href="/auctions/{auction.id}"' in page and auction.title in page
