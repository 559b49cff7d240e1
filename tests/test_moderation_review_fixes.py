"""Fixes from reviewing moderation as moderators, owners and visitors use it (MOD-1 … MOD-11):
two moderators at once, what the queue row shows, hostile input."""
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from app.blueprints.moderation import signs
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.models import StopSign, User

HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.usefixtures("english")


def test_two_moderators_signing_one_listing_at_once_both_count_mod_2(app, make_member,
                                                                     make_listing):
    """MOD-2: two moderators hang a sign on one listing at the same moment. The second must
    wait for the first and replace its sign (one current sign, both recorded), not fail on
    the one-current-sign index with a server error (PostgreSQL let both read "no sign")."""
    first, second = (make_member(display_name=n, role="moderator") for n in ("Mod A", "Mod B"))
    listing = make_listing()
    ids = (listing.id, first.id, second.id)
    hung, started = threading.Event(), threading.Event()
    errors = []

    def hang_first():
        try:
            with app.app_context():
                begin_immediate(db.session)
                signs.hang_sign("listing", ids[0], "under_review", db.session.get(User, ids[1]),
                                "Checking the photos.", now=utcnow())
                db.session.flush()
                hung.set()
                started.wait(5)
                time.sleep(0.5)  # the second moderator's sign is on its way now
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            errors.append(error)
            hung.set()

    def hang_second():
        try:
            with app.app_context():
                hung.wait(5)
                started.set()
                begin_immediate(db.session)
                signs.hang_sign("listing", ids[0], "incorrect_info",
                                db.session.get(User, ids[2]), "Wrong year.", now=utcnow())
                db.session.commit()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=hang_first), threading.Thread(target=hang_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    db.session.rollback()  # (a fresh snapshot: SQLite kept the one from before the threads)
    current = db.session.scalars(select(StopSign).where(
        StopSign.target_id == ids[0], StopSign.ended_at.is_(None))).all()
    assert [s.kind for s in current] == ["incorrect_info"]
    assert db.session.scalar(select(func.count(StopSign.id)).where(
        StopSign.target_id == ids[0])) == 2


def test_a_sign_taken_down_while_another_moderator_replaces_it_stays_replaced_mod_2(
        app, make_member, make_listing):
    """MOD-2: one moderator takes a sign down while another replaces it. Taking down the sign
    already replaced must be refused: it used to clear the listing's sign while the new one
    was still up (the listing free to edit, with a STOP sign on record)."""
    from app.blueprints.moderation.errors import ModerationError
    from app.models import Listing

    first, second = (make_member(display_name=n, role="moderator") for n in ("Mod A", "Mod B"))
    listing = make_listing()
    old = signs.hang_sign("listing", listing.id, "under_review", first, "Checking.",
                          now=utcnow())
    db.session.commit()
    ids = (listing.id, first.id, second.id, old.id)
    replaced, loaded = threading.Event(), threading.Event()
    errors, refused = [], []

    def replace():
        try:
            with app.app_context():
                begin_immediate(db.session)
                signs.hang_sign("listing", ids[0], "incorrect_info",
                                db.session.get(User, ids[2]), "Wrong year.", now=utcnow())
                db.session.flush()
                replaced.set()
                loaded.wait(5)
                time.sleep(0.5)  # the other moderator is taking the old sign down now
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            errors.append(error)
            replaced.set()

    def take_down():
        try:
            with app.app_context():
                replaced.wait(5)
                begin_immediate(db.session)
                sign = db.session.get(StopSign, ids[3])  # as the page read it
                loaded.set()
                try:
                    signs.end_sign(sign, db.session.get(User, ids[1]), "Checked: fine.",
                                   now=utcnow())
                    db.session.commit()
                except ModerationError as error:
                    db.session.rollback()
                    refused.append(str(error))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=replace), threading.Thread(target=take_down)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    db.session.rollback()
    current = db.session.scalars(select(StopSign).where(
        StopSign.target_id == ids[0], StopSign.ended_at.is_(None))).all()
    assert [s.kind for s in current] == ["incorrect_info"]
    assert db.session.get(Listing, ids[0]).stop_sign == "incorrect_info"
    assert len(refused) == 1  # "This sign is no longer up." (in Thai: a thread of its own)


def test_a_bulk_action_skips_an_item_another_moderator_is_deciding_mod_7(
        app, make_member, make_listing, client_for):
    """MOD-7: a moderator clears a spam wave in bulk while another decides one of its items
    in its row. The bulk action must wait for that decision and skip the item, not decide it
    a second time over it (two decisions, the first one's note and effects overwritten)."""
    from app.blueprints.moderation import queue, reports
    from app.models import AuditEntry, ReviewItem
    from tests.queue_helpers import token

    first, second = (make_member(display_name=n, role="moderator") for n in ("Mod A", "Mod B"))
    listing = make_listing()
    reports.file_report(make_member(), "listing", listing.id, "spam", "", now=utcnow())
    db.session.commit()
    item_id = db.session.scalar(select(ReviewItem.id))
    bulk_client = client_for(second)
    csrf = token(bulk_client)
    decided = threading.Event()
    errors, answers = [], []

    def decide_in_row():
        try:
            with app.app_context():
                begin_immediate(db.session)
                item = db.session.scalar(select(ReviewItem).where(ReviewItem.id == item_id)
                                         .with_for_update())
                queue.decide(item, db.session.get(User, first.id), "dismiss",
                             {"reason": "Not spam: a fair price."}, now=utcnow())
                db.session.flush()
                decided.set()
                time.sleep(0.7)  # the bulk action is on its way now
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            errors.append(error)
            decided.set()

    def bulk():
        try:
            decided.wait(5)
            answers.append(bulk_client.post("/moderation/queue/bulk", headers=HTMX, data={
                "csrf_token": csrf, "action": "dismiss", "reason": "Spam wave",
                "item": [str(item_id)]}).get_data(as_text=True))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=decide_in_row), threading.Thread(target=bulk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    db.session.rollback()
    item = db.session.get(ReviewItem, item_id)
    assert (item.decided_by_id, item.decision_note) == (first.id, "Not spam: a fair price.")
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "queue.dismiss")) == 1
    assert "0 items done, 1 skipped." in answers[0]


SCRIPT = "<script>alert(1)</script>"


def test_the_queue_row_shows_what_reporters_wrote_mod_7_mod_11(app, make_member, make_listing,
                                                               client_for):
    """MOD-7, MOD-11: a member's report says what is wrong in their own words ("the seller
    asked me to transfer outside the site"); the row the moderator decides from showed only
    the reason's name and count, so the words reached nobody. The row shows the newest words
    with their reason and reporter, escaped."""
    from app.blueprints.moderation import reports

    listing = make_listing()
    reports.file_report(make_member(display_name="Nok"), "listing", listing.id, "scam",
                        "ผู้ขายให้โอนเงินนอกระบบ " + SCRIPT, now=utcnow())
    reports.file_report(make_member(display_name="Lek"), "listing", listing.id, "fake", "",
                        now=utcnow())
    db.session.commit()
    html = client_for(make_member(role="moderator")).get("/moderation/queue").get_data(
        as_text=True)
    assert "ผู้ขายให้โอนเงินนอกระบบ &lt;script&gt;" in html and SCRIPT not in html
    assert "Scam or fraud · Nok:" in html and "Lek:" not in html


def test_decisions_are_named_not_coded_on_queue_rows_mod_7(app, make_member, make_shop,
                                                           client_for):
    """MOD-7: an earlier decision of another kind on the row's target ("Reports: dismiss")
    and an explanation closed because its sign was replaced on the item's page ("Decided:
    sign_replaced") showed the codes, in English on Thai pages too; they read as names."""
    from app.blueprints.moderation import queue, responses
    from tests.test_queue import held_listing

    moderator = make_member(display_name="Mod A", role="moderator")
    listing = held_listing(make_shop())
    report = queue.open_item("report", "listing", listing.id, now=utcnow(), report=True,
                             subject_user_id=listing.shop.owner_id)
    queue.decide(report, moderator, "dismiss", {"reason": ""}, now=utcnow())
    sign = signs.hang_sign("listing", listing.id, "under_review", moderator, "Checking.",
                           now=utcnow())
    responses.submit_explanation(sign, listing.shop.owner, "It is a genuine old piece.",
                                 now=utcnow())
    signs.hang_sign("listing", listing.id, "authentic", moderator, "Genuine.", now=utcnow())
    db.session.commit()
    client = client_for(make_member(role="moderator"))
    html = client.get("/moderation/queue?kind=prohibited_hold").get_data(as_text=True)
    assert "Reports: Dismiss" in html and ": dismiss" not in html
    html = client.get("/moderation/queue?kind=explanation&status=done").get_data(as_text=True)
    assert "Decided: Closed: the sign was replaced by Mod A" in html
    assert "sign_replaced" not in html


def test_a_report_rows_sign_and_sanction_forms_ask_for_their_reason_first_mod_2_mod_7(
        app, make_member, make_listing, client_for):
    """MOD-2, MOD-7, found in review: "Hang a sign" (key s) with no reason, and a warning or
    sanction with no rule or facts, were sent and refused by the server; those fields are
    required in the row, so the key focuses the first empty one (as for appeals)."""
    from app.blueprints.moderation import queue

    listing = make_listing()
    item = queue.open_item("report", "listing", listing.id, now=utcnow(), report=True,
                           subject_user_id=listing.shop.owner_id)
    db.session.commit()
    html = client_for(make_member(role="moderator")).get(
        "/moderation/queue?kind=report").get_data(as_text=True)
    row = html[html.index(f'id="item-{item.id}"'):]
    for action, fields in (("sign", ("reason",)), ("warn", ("rule", "facts")),
                           ("sanction", ("rule", "facts"))):
        form = row[row.index(f'data-action="{action}"'):]
        form = form[:form.index("</form>")]
        for name in fields:
            tag = re.search(rf'<input type="text" name="{name}"[^>]*>', form).group(0)
            assert " required" in tag, (action, name)


def _sanctioned_with_appeals_and_reports(make_member, make_listing, moderator, count):
    """A member with ``count`` sanctions, each appealed, and ``count`` reports from as many
    members on their listing."""
    from app.blueprints.moderation import appeals, reports, sanctions

    member = make_member()
    listing = make_listing(shop=None)
    listing.shop.owner_id = member.id
    db.session.commit()
    for n in range(count):
        sanction = sanctions.impose(member, "warning", moderator, rule="SHOP-4",
                                    facts=f"Case {n}.", now=utcnow())
        appeals.file_appeal(sanction, member, "It was a mistake.", now=utcnow())
        reports.file_report(make_member(), "listing", listing.id, "scam", f"Words {n}",
                            now=utcnow())
        db.session.commit()
    return member


def test_the_member_page_names_appeal_states_and_targets_in_thai_mod_8_mod_9(
        app, make_member, make_listing, client_for):
    """MOD-8, MOD-9: the moderators' member page showed an appeal's state and a report's
    target as codes ('Appealed: upheld', 'listing #3'), in English on the Thai page."""
    from app.blueprints.moderation import queue
    from app.models import ReviewItem

    moderator, other = (make_member(display_name=n, role="moderator") for n in ("Mod A", "Mod B"))
    member = _sanctioned_with_appeals_and_reports(make_member, make_listing, moderator, 1)
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "appeal"))
    queue.decide(item, other, "uphold", {"reason": "The facts stand."}, now=utcnow())
    db.session.commit()
    client = client_for(other)
    client.set_cookie("lang", "th")
    html = client.get(f"/moderation/members/{member.id}").get_data(as_text=True)
    assert "ยืนตามเดิม: บทลงโทษยังมีผล" in html and ": upheld" not in html
    assert "รายการสินค้า #" in html and "listing #" not in html


def test_sanction_pages_load_in_a_fixed_number_of_queries_mod_8_mod_9(app, make_member,
                                                                       make_listing,
                                                                       client_for):
    """MOD-8, MOD-9: the moderators' member page and the member's own sanctions page read
    each sanction's appeal, and each report's reporter, with a query per row."""
    from sqlalchemy import event

    moderator = make_member(display_name="Mod A", role="moderator")

    def queries(count):
        member = _sanctioned_with_appeals_and_reports(make_member, make_listing, moderator,
                                                      count)
        pages = [(client_for(moderator), f"/moderation/members/{member.id}"),
                 (client_for(member), "/moderation/me/sanctions")]
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            for client, url in pages:
                assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert queries(6) == queries(1)


def test_a_sign_on_a_listing_its_shop_deleted_can_still_be_answered_and_decided_mod_4(
        app, make_member, make_listing, client_for):
    """MOD-4, MOD-7 (SHOP-7 lets a shop delete a listing under any sign but FAKE): once the
    listing was deleted, the owner's explanation page answered a server error, and every
    decision on the explanation in the queue was refused ('This listing does not exist'), so
    the item could never leave the queue. The owner's page opens; the moderators keep or take
    down the sign."""
    from app.blueprints.moderation import responses
    from app.blueprints.shops import listing_services
    from app.models import Listing, ReviewItem
    from tests.queue_helpers import decide

    moderator = make_member(display_name="Mod A", role="moderator")
    listings = [make_listing(), make_listing()]
    for listing in listings:
        sign = signs.hang_sign("listing", listing.id, "under_review", moderator, "Checking.",
                               now=utcnow())
        responses.submit_explanation(sign, listing.shop.owner, "It is a genuine old piece.",
                                     now=utcnow())
        listing_services.delete_listing(listing, now=utcnow())
        db.session.commit()
    owner = client_for(listings[1].shop.owner)  # (``sign``: the last one hung)
    assert owner.get(f"/moderation/signs/{sign.id}/explain").status_code == 200
    other = client_for(make_member(display_name="Mod B", role="moderator"))
    items = db.session.scalars(select(ReviewItem).where(ReviewItem.kind == "explanation")
                               .order_by(ReviewItem.id)).all()
    for item, action in zip(items, ("keep", "lift"), strict=True):
        assert decide(other, item, action, reason="Settled.").status_code == 200
    db.session.rollback()
    assert [db.session.get(ReviewItem, i.id).decision for i in items] == ["keep", "lift"]
    assert [db.session.get(Listing, x.id).status for x in listings] == ["deleted", "deleted"]
    assert db.session.get(Listing, listings[1].id).stop_sign is None


def test_every_action_key_works_on_the_queue_page_mod_7(app):
    """MOD-7 (keyboard): 'Keep …' on explanations, lift requests, reinstatement requests,
    six-strike prompts, shops with fakes and counter-statements showed the key k, which the
    page keeps for 'previous item', and 'Close the shop permanently' showed c, which claims:
    pressing the key shown on the button did something else. Keys are unique on an item and
    never a reserved one, and registering such a key is refused."""
    from app.blueprints.moderation import queue

    for kind, actions in queue._ACTIONS.items():
        keys = [a.key for a in actions if a.key]
        assert len(keys) == len(set(keys)), kind
        assert not set(keys) & set(queue.RESERVED_KEYS), kind
    with pytest.raises(ValueError):
        queue.register_action("report", queue.Action("odd", "Odd", lambda *a, **k: "",
                                                     key="j"))


def test_the_lift_request_board_reads_its_authors_in_one_query_mod_3(app, make_member,
                                                                     client_for):
    """MOD-3: the public board "STOP lift requests" names each post's author, and read each
    author with a query of their own (20 posts a page, 20 more queries)."""
    from sqlalchemy import event

    from app.blueprints.boards import services as boards

    visitor = client_for(None)

    def queries(count):
        for _ in range(count):
            boards.post("lift-requests", "พระปิดตา", "Please look again.",
                        author=make_member(), now=utcnow())
        db.session.commit()
        db.session.expunge_all()
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert visitor.get("/boards/lift-requests").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert queries(1) == queries(6)


def test_lifting_a_sanction_closes_the_appeal_waiting_against_it_mod_9(app, make_member,
                                                                       client_for):
    """MOD-9: a moderator lifted a sanction from the member's page while the member's appeal
    against it waited in the queue. The appeal stayed open, another moderator could uphold
    it and the member read that the (lifted) sanction stands; their page said the appeal was
    still waiting. Lifting closes the appeal as moot and says so; upholding an appeal
    against a lifted sanction is refused."""
    from app.blueprints.moderation import appeals, queue, sanctions
    from app.models import Notification, ReviewItem

    first, second = (make_member(display_name=n, role="moderator") for n in ("Mod A", "Mod B"))
    member = make_member()
    sanction = sanctions.impose(member, "warning", first, rule="SHOP-4", facts="Spam.",
                                now=utcnow())
    appeals.file_appeal(sanction, member, "It was a mistake.", now=utcnow())
    db.session.commit()
    sanctions.lift(sanction, first, "Imposed by mistake.", now=utcnow())
    db.session.commit()
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == "appeal"))
    assert (item.status, item.decision) == ("done", "sanction_lifted")
    html = client_for(member).get("/moderation/me/sanctions").get_data(as_text=True)
    assert "The sanction was lifted before your appeal was decided." in html
    html = client_for(second).get("/moderation/queue?kind=appeal&status=done").get_data(
        as_text=True)
    assert "Decided: Closed: the sanction was lifted" in html
    item.status = "open"  # (as if it had been left open)
    db.session.commit()
    with pytest.raises(Exception, match="already been lifted"):
        queue.decide(item, second, "uphold", {"reason": "The facts stand."}, now=utcnow())
    db.session.rollback()
    assert "appeal_upheld" not in set(db.session.scalars(select(Notification.kind)))


def test_the_lift_request_board_says_when_the_moderators_keep_the_sign_mod_3(
        app, make_member, make_listing, client_for):
    """MOD-3: the public board "STOP lift requests" said when a request's sign came down,
    but a request the moderators refused looked unanswered for ever. The post and the board
    say the sign stays, once decided."""
    from datetime import timedelta

    from app.blueprints.moderation import queue, responses
    from app.models import LiftRequest

    moderator = make_member(display_name="Mod A", role="moderator")
    listing = make_listing()
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, "A copy.",
                           now=utcnow() - timedelta(days=8))
    request = responses.file_lift_request(sign, listing.shop.owner, "Please reconsider it.",
                                          now=utcnow())
    db.session.commit()
    visitor = client_for(None)
    kept = "Decided: the moderators keep the FAKE sign."
    assert kept not in visitor.get("/boards/lift-requests").get_data(as_text=True)
    item = queue.open_item_for("lift_request", "sign", sign.id)
    queue.decide(item, moderator, "keep", {"reason": "Still a copy."}, now=utcnow())
    db.session.commit()
    post_id = db.session.get(LiftRequest, request.id).board_post_id
    for url in ("/boards/lift-requests", f"/boards/posts/{post_id}"):
        assert kept in visitor.get(url).get_data(as_text=True)


def test_a_suspended_member_cannot_ask_for_auction_rights_back_acc_5_auc_4(app, make_member):
    """ACC-5, AUC-4: a member whose account is suspended may appeal only the suspension
    itself; asking for suspended auction rights back was still taken (a request the
    moderators could grant while the account stayed suspended)."""
    from datetime import timedelta

    from app.blueprints.moderation import sanctions, strikes
    from app.blueprints.moderation.errors import Suspended

    moderator = make_member(display_name="Mod A", role="moderator")
    member = make_member()
    member.auction_rights = "suspended"
    sanctions.impose(member, "suspension", moderator, rule="AUC-6", facts="Shill bids.",
                     now=utcnow(), ends_at=utcnow() + timedelta(days=7))
    db.session.commit()
    with pytest.raises(Suspended):
        strikes.request_reinstatement(member, "I have learnt the rules now.", now=utcnow())


def test_the_queue_row_keeps_every_word_of_an_explanation_and_an_appeal_mod_4_mod_9(
        app, make_member, make_listing, client_for):
    """MOD-4, MOD-7, MOD-9: an owner's explanation and a member's appeal take up to 5,000
    characters, but the row cut them at 1,000 and nowhere showed the rest: moderators
    decided without reading the end. The rest is one tap away (details), escaped."""
    from app.blueprints.moderation import appeals, responses, sanctions

    moderator = make_member(display_name="Mod A", role="moderator")
    listing = make_listing()
    sign = signs.hang_sign("listing", listing.id, "under_review", moderator, "Checking.",
                           now=utcnow())
    ending = " The certificate number is TH-4471 <b>."
    responses.submit_explanation(sign, listing.shop.owner, "ก" * 2000 + ending, now=utcnow())
    member = make_member()
    sanction = sanctions.impose(member, "warning", moderator, rule="SHOP-4", facts="Spam.",
                                now=utcnow())
    appeals.file_appeal(sanction, member, "ข" * 2000 + ending, now=utcnow())
    db.session.commit()
    html = client_for(make_member(display_name="Mod B", role="moderator")).get(
        "/moderation/queue").get_data(as_text=True)
    assert html.count("The certificate number is TH-4471 &lt;b&gt;.") == 2


def test_decided_items_come_newest_first_and_page_on_mod_7(app, make_member, client_for):
    """MOD-7: the queue's "Done" view listed decided items oldest first, like open ones, so
    the decisions of today were behind every decision ever taken (50 a page). They come
    newest first; the next page goes on to older ones, none twice or missed."""
    import re
    from datetime import timedelta

    from app.blueprints.moderation import queue, queue_data

    moderator = make_member(display_name="Mod A", role="moderator")
    start = utcnow() - timedelta(days=30)
    ids = []
    for n in range(queue_data.PAGE_SIZE + 5):
        item = queue.open_item("report", "user", 10_000 + n, now=start + timedelta(hours=n),
                               report=True)
        queue.close_item(item, moderator, "dismiss", now=utcnow())
        ids.append(item.id)
    db.session.commit()
    client = client_for(make_member(display_name="Mod B", role="moderator"))
    html = client.get("/moderation/queue?status=done").get_data(as_text=True)
    first = [int(i) for i in re.findall(r'id="item-(\d+)"', html)]
    assert first == ids[::-1][:queue_data.PAGE_SIZE]
    following = re.search(r'href="(/moderation/queue\?[^"]*after=[^"]+)"', html).group(1)
    html = client.get(following.replace("&amp;", "&")).get_data(as_text=True)
    assert [int(i) for i in re.findall(r'id="item-(\d+)"', html)] == ids[4::-1]


def test_signing_a_certified_listing_fake_from_the_queue_says_where_to_do_it_mod_6(
        app, make_member, make_listing, client_for):
    """MOD-6, MOD-7: FAKE on a certified listing needs an expert verdict or the site's final
    decision 'recorded here', said the queue row's refusal, but the row has no place to
    record either; it now says to hang the sign from the item's page. Nothing is hung."""
    from app.blueprints.moderation import reports
    from app.models import ReviewItem
    from tests.queue_helpers import decide

    listing = make_listing(certificate_issuer="สมาคมพระเครื่อง", certificate_number="A-12")
    reports.file_report(make_member(), "listing", listing.id, "fake", "", now=utcnow())
    db.session.commit()
    item = db.session.scalar(select(ReviewItem))
    response = decide(client_for(make_member(role="moderator")), item, "sign", sign="fake",
                      reason="A copy.")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "which the queue cannot record" in html
    assert "recorded here" not in html
    assert db.session.scalar(select(func.count(StopSign.id))) == 0
