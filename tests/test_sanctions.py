"""MOD-8: the sanction ladder with real effects (warning, cancelled transactions, withdrawn
bids, held payouts, suspension, closure, limits, fines), each audited (MOD-10) with a notice
stating the rule, the facts, the duration and until when to appeal (MOD-9); lifting undoes a
suspension; ACC-2: moderators rename an inappropriate display name. Members get 403 on every
moderator route."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.blueprints.auctions import bidding
from app.blueprints.moderation import appeal_windows, sanctions
from app.blueprints.moderation.errors import ModerationError
from app.blueprints.shops import order_services
from app.blueprints.shops.errors import ShopError
from app.database import utcnow
from app.extensions import db
from app.models import (Auction, AuditEntry, Bid, Listing, Notification, Order, Sanction, Shop,
                        User)
from app.notifications import notice_text
from tests.conftest import SHIP_TO, post_form

SCRIPT = "<script>alert(1)</script>"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def cast(make_member, client_for):
    member = make_member(display_name="Suspect")
    mod = make_member(display_name="Mod One", role="moderator")
    return SimpleNamespace(member=member, mod=mod, client=client_for(member),
                           mod_client=client_for(mod))


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def impose(cast, kind, **kwargs):
    kwargs.setdefault("rule", "MKT-6")
    kwargs.setdefault("facts", "Bid on own auction from a second account")
    sanction = sanctions.impose(cast.member, kind, cast.mod, now=utcnow(), **kwargs)
    db.session.commit()
    return sanction


def test_a_warning_is_audited_and_tells_rule_facts_and_appeal_date_mod_8_mod_9(cast):
    """MOD-8: a warning records the sanction, one audit entry and a notice naming the rule,
    the facts, the duration and the last day to appeal (15 days on)."""
    sanction = impose(cast, "warning")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sanction.add"))
    assert (entry.actor_id, entry.target_id) == (cast.mod.id, cast.member.id)
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == cast.member.id, Notification.kind == "sanction"))
    text = notice_text(notice)
    assert "Warning" in text and "MKT-6" in text and "second account" in text
    assert "takes effect once" in text and "appeal until" in text
    assert "(-)" not in text and "()" not in text  # found in review: "Warning (-)"
    assert appeal_windows.appeal_deadline(sanction) == sanction.created_at + timedelta(days=15)
    page = cast.client.get("/notifications").get_data(as_text=True)
    assert f"/moderation/me/sanctions#sanction-{sanction.id}" in page


def test_cancel_transactions_cancels_open_orders_both_ways_mod_8(cast, make_shop, make_listing,
                                                                  make_member, client_for):
    """MOD-8: the member's open orders as buyer and as seller are cancelled; stock returns."""
    other = make_listing(quantity=2)
    own_shop = make_shop(owner=cast.member)
    own = make_listing(shop=own_shop, quantity=1)
    buyer = make_member()
    now = utcnow()
    bought = order_services.place_order(other, cast.member, 1, now=now)
    sold = order_services.place_order(own, buyer, 1, now=now)
    db.session.commit()
    impose(cast, "cancel_transactions")
    assert fresh(bought).status == "cancelled" and fresh(sold).status == "cancelled"
    assert fresh(other).quantity == 2
    listing = fresh(own)
    assert (listing.quantity, listing.status) == (1, "active")
    # The people on the other side are told why, with a link to the order.
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "order_cancelled_mod")).all()
    assert sorted(n.user_id for n in told) == sorted([other.shop.owner_id, buyer.id])
    assert cast.member.id not in {n.user_id for n in told}
    page = client_for(buyer).get("/notifications").get_data(as_text=True)
    assert f"/orders/{sold.id}" in page and "cancelled by the moderators" in page


def test_cancel_bids_withdraws_them_and_replays_the_rest_mod_8(cast, board):
    """MOD-8: the member's bids are withdrawn; price and leader are the engine's replay of the
    remaining bids; the auction's version moves so pages refresh."""
    auction = board.auction
    bidding.place_bid(auction.id, board.alice, 15_000, proxy=True)
    db.session.commit()
    bidding.place_bid(auction.id, cast.member, 30_000, proxy=True)
    db.session.commit()
    before = fresh(auction)
    assert before.leader_id == cast.member.id
    version = before.version
    impose(cast, "cancel_bids")
    after = fresh(auction)
    assert after.leader_id == board.alice.id
    assert after.current_price_satang == 10_000 and after.leader_max_satang == 15_000
    assert after.version > version
    rows = db.session.scalars(select(Bid).where(Bid.auction_id == auction.id)
                              .order_by(Bid.sequence)).all()
    assert [r.bidder_id for r in rows] == [board.alice.id]
    assert after.bid_count == 1 and after.history_lines == 1
    # Bidding goes on from the rebuilt state, numbering its lines after the rebuilt history.
    bidding.place_bid(auction.id, board.bob, 12_000, proxy=False)
    db.session.commit()
    assert fresh(auction).leader_id == board.alice.id
    assert db.session.scalars(select(Bid.sequence).where(Bid.auction_id == auction.id)
                              .order_by(Bid.sequence)).all() == [1, 2, 3]
    assert fresh(auction).history_lines == 3


def test_held_payouts_stop_orders_and_the_shop_says_why_mod_8(cast, make_shop, make_listing,
                                                              make_member, client_for):
    """MOD-8: while payouts are held no one can order from the member's shops; the shop
    page says why; lifting the hold reopens ordering."""
    shop = make_shop(owner=cast.member, slug="held-shop")
    listing = make_listing(shop=shop, quantity=3)
    sanction = impose(cast, "hold_payouts", ends_at=utcnow() + timedelta(days=30))
    buyer = make_member()
    with pytest.raises(ShopError):
        order_services.place_order(listing, buyer, 1, now=utcnow())
    db.session.rollback()
    client = client_for(buyer)
    page = client.get("/shops/held-shop").get_data(as_text=True)
    assert "holding its payouts" in page
    response = post_form(client, f"/listings/{listing.id}/order", {"quantity": "1", **SHIP_TO})
    assert db.session.scalar(select(Order)) is None, response.status_code
    sanctions.lift(fresh(sanction), cast.mod, "Paperwork arrived", now=utcnow())
    db.session.commit()
    assert order_services.place_order(fresh(listing), buyer, 1, now=utcnow()) is not None


def test_suspension_needs_an_end_and_lifting_undoes_it_mod_8(cast):
    """MOD-8: a temporary suspension must end; lifting it ends it at once and is audited."""
    with pytest.raises(ModerationError):
        sanctions.impose(cast.member, "suspension", cast.mod, rule="MKT-6", facts="x",
                         now=utcnow())
    end = utcnow() + timedelta(days=3)
    sanction = impose(cast, "suspension", ends_at=end)
    assert fresh(cast.member).suspended_until is not None
    sanctions.lift(fresh(sanction), cast.mod, "Appeal accepted", now=utcnow())
    db.session.commit()
    assert fresh(cast.member).suspended_until is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sanction.lift"))


def test_closure_closes_shops_and_ends_auctions_mod_8(cast, make_shop, make_auction):
    """MOD-8: permanent closure closes the account, its shops and its running auctions."""
    shop = make_shop(owner=cast.member)
    auction = make_auction(seller=cast.member)
    impose(cast, "closure")
    assert fresh(cast.member).closed_at is not None
    assert fresh(shop).status == "closed"
    ended = fresh(auction)
    assert ended.ended_early == "moderation" and ended.settled_at is not None
    assert ended.winner_id is None


def test_limits_and_fines_are_recorded_and_shown_mod_8(cast):
    """MOD-8: limits are text shown to the member and moderators; a fine needs an amount."""
    with pytest.raises(ModerationError):
        sanctions.impose(cast.member, "fine", cast.mod, rule="MKT-4", facts="late",
                         now=utcnow())
    impose(cast, "fine", fine_satang=50_000)
    impose(cast, "limits", limits="At most 3 auctions at a time")
    mine = cast.client.get("/moderation/me/sanctions").get_data(as_text=True)
    assert "At most 3 auctions at a time" in mine and "฿500" in mine
    theirs = cast.mod_client.get(f"/moderation/members/{cast.member.id}").get_data(as_text=True)
    assert "At most 3 auctions at a time" in theirs
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == cast.member.id, Notification.kind == "sanction")
        .order_by(Notification.id)).all()
    assert [notice_text(n).split(". ")[0].split(": ", 1)[1] for n in notices] == [
        "Fine (฿500)", "Limits on the account (At most 3 auctions at a time)"]


def test_a_notice_stored_with_no_detail_as_a_dash_reads_without_brackets_mod_8(cast):
    """MOD-8: notices stored before the sentence without a detail existed kept "-" for it."""
    impose(cast, "warning")
    notice = db.session.scalar(select(Notification).where(Notification.kind == "sanction"))
    notice.data = notice.data.replace('"detail": ""', '"detail": "-"')
    db.session.commit()
    assert '"detail": "-"' in notice.data
    text = notice_text(notice)
    assert text.startswith("A moderator imposed a sanction on your account: Warning. Rule")


def test_moderators_impose_from_the_member_page_mod_8(cast):
    """MOD-8: the member page form imposes a suspension; a form without facts keeps what was
    typed and says what is missing; hostile facts are escaped."""
    url = f"/moderation/members/{cast.member.id}"
    refused = post_form(cast.mod_client, f"{url}/sanctions",
                        {"kind": "suspension", "rule": "MKT-6", "facts": "", "days": "7"},
                        form_url=url)
    assert refused.status_code == 422 and 'value="MKT-6"' in refused.get_data(as_text=True)
    done = post_form(cast.mod_client, f"{url}/sanctions",
                     {"kind": "suspension", "rule": "MKT-6", "facts": SCRIPT, "days": "7"},
                     form_url=url)
    assert done.status_code == 302
    assert fresh(cast.member).suspended_until > utcnow() + timedelta(days=6)
    page = cast.mod_client.get(url).get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_members_get_403_on_moderator_routes_mod_8_acc_2(cast, make_member):
    """MOD-8 / ACC-2: members cannot see the moderator member page nor post its forms."""
    sanction = impose(cast, "warning")
    other = make_member()
    assert cast.client.get(f"/moderation/members/{other.id}").status_code == 403
    token_page = cast.client.get("/moderation/me/sanctions").get_data(as_text=True)
    from tests.conftest import csrf_from

    token = csrf_from(token_page)
    for url in (f"/moderation/members/{other.id}/sanctions",
                f"/moderation/members/{other.id}/rename",
                f"/moderation/sanctions/{sanction.id}/lift"):
        assert cast.client.post(url, data={"csrf_token": token, "kind": "warning",
                                           "rule": "X", "facts": "y", "reason": "z",
                                           "display_name": "Hacker"}).status_code == 403, url
    assert fresh(sanction).lifted_at is None


def test_moderators_rename_an_inappropriate_display_name_acc_2(cast, make_member):
    """ACC-2: a moderator renames a display name with a reason; names stay unique regardless of
    letter case; an audit entry and a notice are written."""
    make_member(display_name="Taken Name")
    url = f"/moderation/members/{cast.member.id}"
    taken = post_form(cast.mod_client, f"{url}/rename",
                      {"display_name": "taken name", "reason": "Offensive"}, form_url=url)
    assert taken.status_code == 422 and "taken" in taken.get_data(as_text=True)
    hostile = post_form(cast.mod_client, f"{url}/rename",
                        {"display_name": SCRIPT, "reason": "Offensive"}, form_url=url)
    assert hostile.status_code == 422 and SCRIPT not in hostile.get_data(as_text=True)
    done = post_form(cast.mod_client, f"{url}/rename",
                     {"display_name": "Member 4711", "reason": "Offensive name"}, form_url=url)
    assert done.status_code == 302
    member = fresh(cast.member)
    assert (member.display_name, member.display_name_key) == ("Member 4711", "member 4711")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.rename"))
    assert "Suspect" in entry.before and "Member 4711" in entry.after
    notice = db.session.scalar(select(Notification).where(
        Notification.kind == "display_name_renamed"))
    assert "Offensive name" in notice_text(notice)
    assert db.session.scalar(select(User.id).where(User.display_name == "Suspect")) is None
    assert db.session.scalar(select(Shop.id)) is None and Listing and Auction and Sanction


def test_staff_are_sanctioned_only_from_above_mod_8(cast, make_member):
    """MOD-8: a moderator cannot sanction another moderator or an admin; an admin can
    sanction a moderator."""
    from app.blueprints.moderation.errors import ModerationError

    other_mod = make_member(display_name="Mod Other", role="moderator")
    admin = make_member(display_name="Chief", role="admin")
    for target in (other_mod, admin):
        with pytest.raises(ModerationError, match="Only an admin"):
            sanctions.impose(target, "warning", cast.mod, rule="MOD-8", facts="x",
                             now=utcnow())
    db.session.rollback()
    sanction = sanctions.impose(other_mod, "warning", admin, rule="MOD-8", facts="Rude reply",
                                now=utcnow())
    assert sanction.user_id == other_mod.id


def test_staff_and_deleted_accounts_are_renamed_only_from_above_acc_2(cast, make_member,
                                                                      client_for):
    """ACC-2 (as MOD-8 for sanctions): a moderator cannot rename another moderator or an
    admin, and nobody renames a deleted account (its name is the anonymised record); an
    admin renames a moderator."""
    from app.blueprints.accounts import deletion
    from tests.conftest import PASSWORD

    admin = make_member(display_name="Site Boss", role="admin")
    other_mod = make_member(display_name="Mod Two", role="moderator")
    leaver = make_member(display_name="Leaver")
    deletion.request_deletion(leaver, PASSWORD, now=utcnow())
    db.session.commit()
    for target in (admin, other_mod, leaver):
        url = f"/moderation/members/{target.id}"
        before = fresh(target).display_name
        response = post_form(cast.mod_client, f"{url}/rename",
                             {"display_name": "Clown Face", "reason": "Because"}, form_url=url)
        assert response.status_code == 422, target
        assert fresh(target).display_name == before
    url = f"/moderation/members/{other_mod.id}"
    done = post_form(client_for(admin), f"{url}/rename",
                     {"display_name": "Mod Three", "reason": "Asked for it"}, form_url=url)
    assert done.status_code == 302 and fresh(other_mod).display_name == "Mod Three"


def test_rename_form_is_shown_only_where_the_rename_is_allowed_acc_2(cast, make_member,
                                                                     client_for):
    """ACC-2: the member page offers the rename form only for an account the viewer may
    rename; for a moderator's or an admin's account (to a moderator) and for a deleted
    account it says why instead of offering a form the service refuses."""
    from app.blueprints.accounts import deletion
    from tests.conftest import PASSWORD

    admin = make_member(display_name="Site Boss", role="admin")
    other_mod = make_member(display_name="Mod Two", role="moderator")
    leaver = make_member(display_name="Leaver")
    deletion.request_deletion(leaver, PASSWORD, now=utcnow())
    db.session.commit()
    admin_client = client_for(admin)

    def page(client, target):
        response = client.get(f"/moderation/members/{target.id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    for target in (admin, other_mod):
        html = page(cast.mod_client, target)
        assert 'id="rename-form"' not in html
        assert "Only an admin can rename a moderator or an admin." in html
    for client in (cast.mod_client, admin_client):
        html = page(client, leaver)
        assert 'id="rename-form"' not in html
        assert "A deleted account's name cannot be changed." in html
    assert 'id="rename-form"' in page(cast.mod_client, cast.member)
    assert 'id="rename-form"' in page(cast.mod_client, cast.mod)
    assert 'id="rename-form"' in page(admin_client, other_mod)


def test_sanction_form_is_shown_only_where_the_sanction_is_allowed_mod_8(cast, make_member,
                                                                         client_for):
    """MOD-8 (found in review): the member page offered the sanction form for an admin, for
    another moderator (to a moderator) and for oneself, which the service refuses; it says
    why instead."""
    admin = make_member(display_name="Site Boss", role="admin")
    other_mod = make_member(display_name="Mod Two", role="moderator")
    admin_client = client_for(admin)

    def page(client, target):
        response = client.get(f"/moderation/members/{target.id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    for client, target in ((cast.mod_client, admin), (cast.mod_client, other_mod),
                           (admin_client, admin)):
        html = page(client, target)
        assert 'id="sanction-form"' not in html and 'id="sanction-refused"' in html
    assert "Only an admin can sanction a moderator" in page(cast.mod_client, other_mod)
    assert "You cannot sanction yourself." in page(cast.mod_client, cast.mod)
    assert 'id="sanction-form"' in page(cast.mod_client, cast.member)
    assert 'id="sanction-form"' in page(admin_client, other_mod)


def test_a_member_cannot_set_back_a_name_a_moderator_removed_acc_2(cast):
    """ACC-2 (found in review): a moderator's rename lasted until the member set the old name
    again at /account. The removed name (in any letter case or spacing) is refused; other
    names, and keeping the moderator's name while changing the language, still work."""
    url = f"/moderation/members/{cast.member.id}"
    assert post_form(cast.mod_client, f"{url}/rename",
                     {"display_name": "Member 4711", "reason": "Offensive name"},
                     form_url=url).status_code == 302
    cast.client.set_cookie("lang", "en")
    for name in ("Suspect", "SUSPECT", "Sus.pect"):
        back = post_form(cast.client, "/account", {"display_name": name, "locale": "en"})
        assert back.status_code == 422, name
        assert "A moderator removed this name" in back.get_data(as_text=True)
        assert fresh(cast.member).display_name == "Member 4711"
    assert post_form(cast.client, "/account", {"display_name": "Member 4711",
                                               "locale": "th"}).status_code == 302
    assert post_form(cast.client, "/account", {"display_name": "Nice Name",
                                               "locale": "th"}).status_code == 302
    assert fresh(cast.member).display_name == "Nice Name"


@pytest.mark.parametrize("typed, satang", [("1500", 150_000), ("1,500", 150_000),
                                           ("฿1,500", 150_000), ("๑,๕๐๐", 150_000),
                                           ("1500.00", 150_000), ("", None)])
def test_a_fine_typed_in_the_queue_row_is_read_as_baht_are_written_mod_8(app, typed, satang):
    """MOD-8: the queue row's "Fine in baht" is a text field; "฿1,500" (or "1500.00") was
    refused with "Give the fine in whole baht." (found fining from the queue on a phone).
    Baht are read as people write them; a fraction of a baht is still refused."""
    from app.blueprints.moderation.report_actions import sanction_values

    assert sanction_values({"fine": typed}, utcnow())["fine_satang"] == satang
    with pytest.raises(ModerationError, match="whole baht"):
        sanction_values({"fine": "1,500.50"}, utcnow())


def test_a_rename_sent_twice_is_recorded_and_told_once_acc_2(cast):
    """ACC-2, MOD-10 (found in review): the rename form sent twice (a double tap, a reload)
    wrote a second audit entry and a second notice "changed your display name from “X” to
    “X”". The second send now changes and records nothing and says so."""
    url = f"/moderation/members/{cast.member.id}"
    data = {"display_name": "Member 4712", "reason": "Offensive name"}
    first = post_form(cast.mod_client, f"{url}/rename", data, form_url=url)
    again = post_form(cast.mod_client, f"{url}/rename", data, form_url=url)
    assert first.status_code == again.status_code == 302
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "user.rename")) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "display_name_renamed")) == 1
    page = cast.mod_client.get(url).get_data(as_text=True)
    assert "already" in page and "nothing was changed" in page
