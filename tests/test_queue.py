"""The review queue (MOD-7): one page holding every kind of item, filters, counts, deciding in
place under htmx, claims that block others and expire, bulk actions, and the hooks that raise
prohibited-goods holds (SHOP-4) and shill-bid flags (AUC-12) into it. Every decision writes
the audit log (MOD-10)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.auctions import bidding
from app.blueprints.moderation import queue, queue_data
from app.blueprints.shops import listing_services
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, BidFlag, Notification, ReviewItem
from tests.conftest import category_id, csrf_from
from tests.queue_helpers import HTMX, decide, fresh, token

HELD_TITLE = "พระกริ่ง บูชาปืนใหญ่ เก่า"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def moderator(make_member):
    return make_member(display_name="Mod One", role="moderator")


@pytest.fixture
def mod_client(client_for, moderator):
    return client_for(moderator)


def held_listing(shop, now=None, title=HELD_TITLE):
    """A listing posted through the shops' service that the prohibited list holds."""
    listing = listing_services.create_listing(shop, shop.owner, dict(
        title=title, description="", category_id=category_id(), price_satang=50_000,
        quantity=1, condition="good", content_rating="general"), now=now or utcnow())
    db.session.commit()
    return listing


def test_a_held_listing_raises_one_queue_item_mod_7(app, make_shop):
    shop = make_shop()
    listing = held_listing(shop)
    items = db.session.scalars(select(ReviewItem)).all()
    assert [(i.kind, i.target_type, i.target_id, i.subject_user_id) for i in items] == [
        ("prohibited_hold", "listing", listing.id, shop.owner_id)]
    listing_services.update_listing(listing, dict(
        title=HELD_TITLE + " องค์ใหม่", description="", category_id=category_id(),
        price_satang=50_000, quantity=1, condition="good", content_rating="general"),
        now=utcnow())
    db.session.commit()
    assert db.session.scalar(select(func.count(ReviewItem.id))) == 1  # deduped


def test_a_shill_flag_raises_one_queue_item_on_the_auction_mod_7(board, make_auction):
    auction = make_auction(seller=board.seller, ip="203.0.113.9")
    for amount in (500_00, 600_00):
        bidding.place_bid(auction.id, board.alice, amount, proxy=True, now=utcnow(),
                          ip="203.0.113.9", device="d" * 32)
        db.session.commit()
    items = db.session.scalars(select(ReviewItem)).all()
    assert [(i.kind, i.target_type, i.target_id, i.subject_user_id) for i in items] == [
        ("shill_flag", "auction", auction.id, board.seller.id)]


def test_queue_page_shows_every_kind_with_target_inline_mod_7(mod_client, make_shop, board,
                                                              make_auction):
    shop = make_shop(name="Hold Shop")
    held_listing(shop)
    auction = make_auction(seller=board.seller, ip="203.0.113.9", title="Flagged amulet")
    bidding.place_bid(auction.id, board.alice, 500_00, proxy=True, now=utcnow(),
                      ip="203.0.113.9")
    queue.open_item("report", "user", board.bob.id, now=utcnow(), report=True)
    db.session.commit()
    html = mod_client.get("/moderation/queue").get_data(as_text=True)
    assert HELD_TITLE in html and "Hold Shop" in html and "Illegal weapons" in html
    assert "Flagged amulet" in html and "Bobby" in html
    assert "Prohibited-goods holds" in html and "Shill-bid flags" in html
    assert "Approve" in html and 'data-key="a"' in html
    assert "Queue (3)" in html


def test_queue_counts_and_filters_by_kind_status_and_age_mod_7(mod_client, make_member):
    now = utcnow()
    people = [make_member() for _ in range(3)]
    old = queue.open_item("report", "user", people[0].id, now=now - timedelta(days=5))
    queue.open_item("report", "user", people[1].id, now=now - timedelta(hours=2))
    queue.open_item("appeal", "user", people[2].id, now=now)
    done = queue.open_item("reinstatement", "user", people[2].id, now=now)
    queue.close_item(done, None, "dismiss", now=now)
    db.session.commit()
    assert queue.open_counts(people[0].id) == {"report": 2, "appeal": 1}

    def ids(**args):
        filters = queue_data.Filters.from_args(_Args(args))
        return [i.id for i in queue_data.page_of_items(filters, utcnow())[0]]

    assert len(ids()) == 3
    assert ids()[0] == old.id  # oldest first
    assert len(ids(kind="report")) == 2
    assert ids(age="3") == [old.id]
    assert ids(status="done") == [done.id]
    html = mod_client.get("/moderation/queue?kind=report&age=3").get_data(as_text=True)
    assert html.count('class="queue-row ') == 1
    counts = mod_client.get("/moderation/queue/counts").get_data(as_text=True)
    assert 'data-count="all">3<' in counts and 'data-count="report">2<' in counts
    assert "<html" not in counts


class _Args(dict):
    def get(self, key, default=None, type=None):
        value = super().get(key, default)
        if type is not None and value is not None:
            try:
                return type(value)
            except ValueError:
                return default
        return value


def test_repeated_reports_count_on_one_item_mod_7(app, make_member):
    target = make_member()
    for _ in range(3):
        queue.open_item("report", "user", target.id, now=utcnow(), report=True)
    db.session.commit()
    item = db.session.scalar(select(ReviewItem))
    assert db.session.scalar(select(func.count(ReviewItem.id))) == 1 and item.report_count == 3


def test_queue_pages_by_fifty_mod_7(mod_client, make_member):
    now = utcnow()
    user = make_member()
    for n in range(55):
        db.session.add(ReviewItem(kind="report", target_type="user", target_id=user.id + n,
                                  created_at=now - timedelta(minutes=100 - n), updated_at=now))
    db.session.commit()
    html = mod_client.get("/moderation/queue").get_data(as_text=True)
    assert html.count('class="queue-row ') == 50
    cursor = html.split("after=")[1].split('"')[0]
    second = mod_client.get(f"/moderation/queue?after={cursor}").get_data(as_text=True)
    assert second.count('class="queue-row ') == 5


def test_approve_a_hold_in_place_returns_the_decided_row_mod_7_mod_10(mod_client, make_shop,
                                                                      moderator):
    listing = held_listing(make_shop())
    item = db.session.scalar(select(ReviewItem))
    response = decide(mod_client, item, "approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="item-{item.id}"' in html and "Decided: Approve" in html
    assert "data-open" not in html
    assert fresh(listing).status == "active"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["listing.approve_hold", "queue.approve"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "queue.approve"))
    assert entry.actor_id == moderator.id and '"done"' in entry.after


def test_refuse_a_hold_hides_the_listing_and_tells_the_seller_mod_7(mod_client, make_shop):
    shop = make_shop()
    listing = held_listing(shop)
    item = db.session.scalar(select(ReviewItem))
    response = decide(mod_client, item, "refuse", reason="Gun parts")
    assert response.status_code == 200
    listing = fresh(listing)
    assert (listing.status, listing.hold_reason) == ("hidden", "Gun parts")
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == shop.owner_id, Notification.kind == "listing_refused"))
    assert notice is not None and "Gun parts" in notice.data


def test_a_refused_decision_rerenders_the_row_with_422_mod_7(mod_client, make_shop):
    listing = held_listing(make_shop())
    item = db.session.scalar(select(ReviewItem))
    listing.status = "active"  # someone else released it meanwhile
    db.session.commit()
    response = decide(mod_client, item, "approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "not held" in html and "<html" not in html
    assert fresh(item).status == "open"
    response = decide(mod_client, item, "no_such_action")
    assert response.status_code == 422 and "not available" in response.get_data(as_text=True)


def test_dismiss_a_shill_flag_resolves_the_flags_mod_7(mod_client, board, make_auction):
    auction = make_auction(seller=board.seller, ip="203.0.113.9")
    bidding.place_bid(auction.id, board.alice, 500_00, proxy=True, now=utcnow(),
                      ip="203.0.113.9")
    db.session.commit()
    item = db.session.scalar(select(ReviewItem))
    assert decide(mod_client, item, "dismiss").status_code == 200
    flag = db.session.scalar(select(BidFlag))
    db.session.refresh(flag)
    assert flag.resolved_at is not None


def test_claims_block_other_moderators_and_expire_mod_7(mod_client, make_member, client_for,
                                                        make_shop, moderator):
    other = make_member(role="moderator", display_name="Mod Two")
    other_client = client_for(other)
    held_listing(make_shop())
    item = db.session.scalar(select(ReviewItem))
    response = mod_client.post(f"/moderation/items/{item.id}/claim", headers=HTMX,
                               data={"csrf_token": token(mod_client)})
    assert response.status_code == 200 and "Claimed by Mod One" in response.get_data(
        as_text=True)
    refused = decide(other_client, item, "approve")
    assert refused.status_code == 422 and "Another moderator" in refused.get_data(as_text=True)
    # The claim runs out: the other moderator may then work the item.
    item = fresh(item)
    item.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert decide(other_client, item, "approve").status_code == 200
    assert fresh(item).decided_by_id == other.id
    assert queue.CLAIM_MINUTES == 10


def test_release_gives_the_claim_up_mod_7(mod_client, make_shop):
    held_listing(make_shop())
    item = db.session.scalar(select(ReviewItem))
    mod_client.post(f"/moderation/items/{item.id}/claim", headers=HTMX,
                    data={"csrf_token": token(mod_client)})
    mod_client.post(f"/moderation/items/{item.id}/release", headers=HTMX,
                    data={"csrf_token": token(mod_client)})
    assert fresh(item).claimed_by_id is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["queue.claim", "queue.release"]


def test_bulk_action_applies_to_all_and_skips_refusals_mod_7(mod_client, make_shop, board,
                                                             make_auction):
    shop = make_shop()
    listings = [held_listing(shop, title=f"{HELD_TITLE} {n}") for n in range(3)]
    auction = make_auction(seller=board.seller, ip="203.0.113.9")
    bidding.place_bid(auction.id, board.alice, 500_00, proxy=True, now=utcnow(),
                      ip="203.0.113.9")
    db.session.commit()
    listings[2].status = "active"  # refuses: no longer held
    db.session.commit()
    ids = db.session.scalars(select(ReviewItem.id).order_by(ReviewItem.id)).all()
    response = mod_client.post("/moderation/queue/bulk", headers=HTMX, data={
        "csrf_token": token(mod_client), "action": "refuse", "reason": "Spam wave",
        "item": [str(i) for i in ids]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "2 items done, 2 skipped." in html
    assert [fresh(x).status for x in listings] == ["hidden", "hidden", "active"]
    assert db.session.scalar(select(func.count(ReviewItem.id)).where(
        ReviewItem.status == "open")) == 2
    # Found in review: the header's "Queue (N)" kept the old total until its next poll.
    assert 'id="queue-nav"' in html and 'hx-swap-oob="true"' in html and "Queue (2)" in html


def test_a_bulk_action_with_nothing_ticked_says_to_tick_items_first_mod_7(mod_client,
                                                                          make_shop):
    """Found in review: "0 items done, 0 skipped" told the moderator nothing."""
    held_listing(make_shop())
    response = mod_client.post("/moderation/queue/bulk", headers=HTMX, data={
        "csrf_token": token(mod_client), "action": "refuse", "reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was selected: tick the items first" in html
    assert "alert--error" in html and "0 items done" not in html
    assert db.session.scalar(select(ReviewItem.status)) == "open"


def test_rows_load_in_a_fixed_number_of_queries_mod_7(app, make_shop, make_member):
    """No N+1: a page of 40 mixed rows costs the same queries as a page of 4."""
    from sqlalchemy import event

    from app.models import Shop

    shop_id = make_shop().id
    now = utcnow()

    def count_queries(n):
        for k in range(n):
            held_listing(db.session.get(Shop, shop_id), title=f"{HELD_TITLE} {n}-{k}")
            queue.open_item("report", "user", make_member().id, now=now, report=True)
        db.session.commit()
        items = queue_data.page_of_items(queue_data.Filters(), utcnow())[0]
        db.session.expunge_all()
        items = queue_data.page_of_items(queue_data.Filters(), utcnow())[0]
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = queue_data.load_rows(items)
            for row in rows:
                _ = (row.target, row.owner, row.strikes)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = count_queries(2)
    assert 4 <= small <= 12
    assert count_queries(18) == small


def test_counts_stream_live_after_a_change_mod_7(app, mod_client, make_member):
    """The queue's counts arrive on the stream at once, and again after an item is raised."""
    from tests.test_live import StreamReader

    stream = StreamReader(mod_client, "/moderation/queue/live")
    try:
        assert stream.response.mimetype == "text/event-stream"
        assert stream.next_chunk().startswith(": connected")
        first = stream.next_chunk()
        assert first.startswith("event: counts") and 'data-count="all">0<' in first
        queue.open_item("report", "user", make_member().id, now=utcnow(), report=True)
        db.session.commit()
        chunk = stream.next_chunk()
        while not chunk.startswith("event: counts"):
            chunk = stream.next_chunk()
        assert 'data-count="all">1<' in chunk and 'data-count="report">1<' in chunk
    finally:
        stream.disconnect()


def test_actions_show_only_on_the_targets_they_apply_to_mod_7(app, mod_client, make_member,
                                                               monkeypatch):
    """An action naming ``extra["targets"]`` is offered only on those targets, and a bulk
    request skips items it does not apply to."""
    calls = []
    only_listings = queue.Action("zap", "Zap it", lambda item, *a, **k: calls.append(item.id),
                                 key="z", bulk=True, extra={"targets": ("listing",)})
    everywhere = queue.Action("keep", "Keep it", lambda *a, **k: "", key="k")
    monkeypatch.setitem(queue._ACTIONS, "complaint", [only_listings, everywhere])
    on_user = queue.open_item("complaint", "user", make_member().id, now=utcnow())
    db.session.commit()
    html = mod_client.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    assert "Keep it" in html and "Zap it" not in html
    response = mod_client.post("/moderation/queue/bulk", headers=HTMX, data={
        "csrf_token": token(mod_client), "action": "zap", "item": [str(on_user.id)]})
    assert "0 items done, 1 skipped." in response.get_data(as_text=True) and calls == []


def test_reused_rows_follow_every_change_and_each_viewer_mod_7(app, mod_client, moderator,
                                                                make_member, client_for,
                                                                make_shop):
    """Rendered rows are reused only while nothing they show changed: a new title, a claim
    and its expiry, the viewer (claim or release) and each session's own CSRF token."""
    listing = held_listing(make_shop())
    item = db.session.scalar(select(ReviewItem))
    assert HELD_TITLE in mod_client.get("/moderation/queue").get_data(as_text=True)
    listing = fresh(listing)
    listing.title = "พระกริ่ง ชื่อใหม่ ปืนใหญ่"
    db.session.commit()
    assert "ชื่อใหม่" in mod_client.get("/moderation/queue").get_data(as_text=True)

    other_client = client_for(make_member(role="moderator", display_name="Mod Two"))
    mod_client.post(f"/moderation/items/{item.id}/claim", headers=HTMX,
                    data={"csrf_token": token(mod_client)})
    mine = mod_client.get("/moderation/queue").get_data(as_text=True)
    theirs = other_client.get("/moderation/queue").get_data(as_text=True)
    assert "Claimed by Mod One" in mine and "data-release" in mine
    assert "Claimed by Mod One" in theirs and "data-release" not in theirs
    for html in (mine, theirs):
        row = html[html.index(f'id="item-{item.id}"'):]
        assert f'name="csrf_token" value="{csrf_from(html)}"' in row  # the session's own
    assert csrf_from(mine) != csrf_from(theirs)
    assert "\x00" not in mine

    item = fresh(item)
    item.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    theirs = other_client.get("/moderation/queue").get_data(as_text=True)
    assert "Claimed by" not in theirs and "data-claim" in theirs


def test_rows_name_states_and_decisions_in_the_moderators_language_mod_7(mod_client,
                                                                         make_shop):
    """Found in review: the Thai queue showed codes ("held", "approve") for a listing's state
    and the decision taken."""
    listing = held_listing(make_shop())
    item = db.session.scalar(select(ReviewItem))
    mod_client.set_cookie("lang", "th")
    page = mod_client.get("/moderation/queue").get_data(as_text=True)
    assert '<span class="badge">รอทีมงานตรวจสอบ</span>' in page
    html = decide(mod_client, item, "approve").get_data(as_text=True)
    decision = html.split('class="queue-row__decision">')[1].split("</p>")[0]
    assert "approve" not in decision and fresh(listing).status == "active"


def test_a_decision_keeps_only_the_moderators_own_words_mod_7(mod_client, make_shop,
                                                              make_member, client_for):
    """Found in review: a decision's note was the sentence the action said to the deciding
    moderator ("Listing approved and on sale."), stored in their language and shown to every
    other moderator so. The item keeps what the moderator typed; the decision is named in
    each reader's language."""
    held_listing(make_shop())
    held_listing(make_shop(), title="พระปิดตา บูชาปืนใหญ่")
    first, second = db.session.scalars(select(ReviewItem).order_by(ReviewItem.id)).all()
    mod_client.set_cookie("lang", "th")
    decide(mod_client, first, "approve")
    decide(mod_client, second, "refuse", reason="  ชิ้นส่วน ปืน  ")
    assert fresh(first).decision_note == ""
    assert fresh(second).decision_note == "ชิ้นส่วน ปืน"
    other = client_for(make_member(role="moderator"))
    other.set_cookie("lang", "en")
    page = other.get("/moderation/queue", query_string={"status": "done"}).get_data(
        as_text=True)
    assert "Decided: Approve" in page and "ชิ้นส่วน ปืน" in page
    assert "อนุมัติ" not in page and "ขายแล้ว" not in page


def test_a_held_listings_reason_is_named_in_the_moderators_language_mod_7(mod_client,
                                                                          make_shop):
    """Found in review: the Thai queue said why a listing was held in English ("Tobacco and
    alcohol"), the stored reason's language."""
    from app.blueprints.shops.prohibited import check_text

    listing = held_listing(make_shop())
    term = check_text(listing.title, listing.description).terms[0]
    assert listing.hold_reason == term.group_en
    mod_client.set_cookie("lang", "th")
    page = mod_client.get("/moderation/queue").get_data(as_text=True)
    assert term.group_th in page and term.group_en not in page
    mod_client.set_cookie("lang", "en")
    assert term.group_en in mod_client.get("/moderation/queue").get_data(as_text=True)
