"""Fixes from following the STOP-sign life cycle as its users meet it (MOD-3, MOD-4, MOD-9,
AUC-4, ACC-5): an owner's answer sent twice at once is filed once, what the queue row and the
notices say, and what a suspended member is told on the page that starts an auction."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.blueprints.moderation import appeal_windows, responses, sanctions, signs
from app.blueprints.moderation.appeals import file_appeal
from app.blueprints.moderation.errors import ModerationError
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.i18n import format_datetime
from app.models import Appeal, BoardPost, LiftRequest, Sanction, StopSign, User

pytestmark = pytest.mark.usefixtures("english")


def _twice_at_once(app, action):
    """Run ``action()`` twice in overlapping transactions: the second starts while the first
    has done its work but not committed yet. Returns the errors raised (the second is
    expected to be refused once it sees the first)."""
    first_done, errors = threading.Event(), []

    def run(first):
        with app.app_context():
            try:
                if not first:
                    first_done.wait(5)
                begin_immediate(db.session)
                action()
                db.session.flush()
                if first:
                    first_done.set()
                    time.sleep(0.5)  # the second request is on its way now
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 (collected for the test)
                db.session.rollback()
                first_done.set()
                errors.append(error)

    threads = [threading.Thread(target=run, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.rollback()  # (a fresh snapshot)
    return errors


def test_an_appeal_sent_twice_at_once_is_filed_once_mod_9(app, make_member):
    """MOD-9: a double tap on "Appeal" (two requests at the same moment) files one appeal.
    PostgreSQL let both read "no appeal yet": two appeals, one queue item pointing at the
    first, so the decision was recorded on one while the member's page showed the other as
    still waiting."""
    member = make_member(display_name="Appellant")
    moderator = make_member(display_name="Mod", role="moderator")
    sanction = sanctions.impose(member, "warning", moderator, rule="MKT-6",
                                facts="Spam to buyers.", now=utcnow())
    db.session.commit()
    ids = (sanction.id, member.id)

    def appeal():
        file_appeal(db.session.get(Sanction, ids[0]), db.session.get(User, ids[1]),
                    "It was an answer to a buyer, not an advert.", now=utcnow())

    errors = _twice_at_once(app, appeal)
    assert db.session.scalar(select(func.count(Appeal.id))
                             .where(Appeal.sanction_id == ids[0])) == 1
    assert [type(e) for e in errors] == [ModerationError]


def test_a_lift_request_sent_twice_at_once_is_posted_once_mod_3(app, make_member,
                                                                make_listing):
    """MOD-3: a lift request sent twice at the same moment is one public post on the board
    "STOP lift requests", not two posts for one queue item."""
    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    hung = utcnow() - timedelta(days=8)
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, "Fake powder.", now=hung)
    db.session.commit()
    ids = (sign.id, listing.shop.owner_id)

    def ask():
        responses.file_lift_request(db.session.get(StopSign, ids[0]),
                                    db.session.get(User, ids[1]),
                                    "The amulet association certified it authentic.",
                                    now=utcnow())

    errors = _twice_at_once(app, ask)
    assert db.session.scalar(select(func.count(LiftRequest.id))
                             .where(LiftRequest.sign_id == ids[0])) == 1
    assert db.session.scalar(select(func.count(BoardPost.id)).where(
        BoardPost.board == "lift-requests", BoardPost.sign_id == ids[0])) == 1
    assert [type(e) for e in errors] == [ModerationError]


def test_a_queue_row_about_a_sign_taken_down_says_when_it_came_down_mod_4_mod_7(
        make_member, make_listing, client_for):
    """MOD-4, MOD-7: a decided explanation shows its sign as it was; a sign no longer up said
    only "ended" (in Thai "ปิดเมื่อ", "closed on", with no date after it)."""
    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    owner = db.session.get(User, listing.shop.owner_id)
    sign = signs.hang_sign("listing", listing.id, "incorrect_info", moderator, "Wrong year.",
                           now=utcnow() - timedelta(days=2))
    responses.submit_explanation(sign, owner, "The year on the certificate is right.",
                                 now=utcnow() - timedelta(days=1))
    ended = utcnow()
    signs.end_sign(sign, moderator, "The year is right after all.", now=ended)
    db.session.commit()
    html = client_for(moderator).get("/moderation/queue?kind=explanation&status=done") \
        .get_data(as_text=True)
    row = html[html.index('class="queue-row'):]
    assert f"ended {format_datetime(ended)}" in row


def test_an_authentic_sign_is_not_shown_as_a_red_stop_badge_in_the_queue_mod_1_mod_7(
        make_member, make_listing, client_for):
    """MOD-1: AUTHENTIC is the positive sign; queue rows showed it in the red badge of the
    STOP signs (beside the item it clears)."""
    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    reporter = make_member(display_name="Reporter")
    signs.hang_sign("listing", listing.id, "authentic", moderator, "Checked: authentic.",
                    now=utcnow())
    from app.blueprints.moderation import reports

    reports.file_report(reporter, "listing", listing.id, "fake", "Looks fake to me.",
                        now=utcnow())
    db.session.commit()
    html = client_for(moderator).get("/moderation/queue?kind=report").get_data(as_text=True)
    row = html[html.index('id="item-'):]
    badge = row[:row.index(str(signs.SIGN_LABELS["authentic"]))]
    badge = badge[badge.rindex("<span"):]
    assert "badge--failed" not in badge and "badge--success" in badge


def test_the_notice_of_a_withdrawn_strike_says_what_is_counted_auc_4(make_member, make_auction):
    """AUC-4: when a FAKE sign comes down its strike is withdrawn and the seller told how many
    stand. The notice (and its e-mail) ended "you now have 1." (Thai: "ตอนนี้คุณมี 1"),
    without saying 1 what."""
    import re

    from app.models import Notification
    from app.notifications import notice_text

    moderator = make_member(display_name="Mod", role="moderator")
    seller = make_member(display_name="Seller")
    first, second = make_auction(seller=seller), make_auction(seller=seller)
    signs.hang_sign("auction", first.id, "fake", moderator, "Fake.", now=utcnow())
    sign = signs.hang_sign("auction", second.id, "fake", moderator, "Fake.", now=utcnow())
    signs.end_sign(sign, moderator, "Authentic after all.", now=utcnow())
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == seller.id, Notification.kind == "strike_withdrawn"))
    text = notice_text(notice)
    assert re.search(r"\bstrikes?\b[^.]*: 1\b|\b1 strikes?\b", text, re.IGNORECASE), text


def test_a_suspended_member_is_told_why_and_until_when_instead_of_the_auction_form_acc_5(
        make_member, client_for):
    """ACC-5: a suspended member cannot start an auction; the page showed them the whole form
    (title, prices, photos) and refused it only once sent. It now says why and until when,
    with the way to their sanctions (and the appeal)."""
    moderator = make_member(display_name="Mod", role="moderator")
    member = make_member(display_name="Suspended seller")
    until = utcnow() + timedelta(days=3)
    sanctions.impose(member, "suspension", moderator, rule="MKT-6", facts="Shill bids.",
                     now=utcnow(), ends_at=until)
    db.session.commit()
    response = client_for(member).get("/auctions/new")
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):]
    assert 'name="title"' not in main
    assert format_datetime(until) in main and "/moderation/me/sanctions" in main


def test_a_seller_whose_auction_rights_are_suspended_is_shown_where_to_ask_back_auc_4(
        make_member, client_for):
    """AUC-4: the refusal on the page that starts an auction said "you may ask the moderators
    to restore them" with no way there."""
    member = make_member(display_name="Struck seller")
    member.auction_rights = "suspended"
    db.session.commit()
    html = client_for(member).get("/auctions/new").get_data(as_text=True)
    main = html[html.index("<main"):]
    assert 'name="title"' not in main
    assert 'href="/moderation/reinstatement"' in main


def test_an_owner_told_of_a_refused_lift_request_reads_that_the_sign_stays_mod_3(
        make_member, make_listing):
    """MOD-3, MOD-4: keeping the sign after a lift request or an explanation told the owner
    only "Moderators decided on your lift request: <the moderator's note>", which did not say
    what they decided when the note did not."""
    from app.blueprints.moderation import queue
    from app.models import Notification
    from app.notifications import notice_text

    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    owner = db.session.get(User, listing.shop.owner_id)
    sign = signs.hang_sign("listing", listing.id, "fake", moderator, "Fake powder.",
                           now=utcnow() - timedelta(days=8))
    responses.file_lift_request(sign, owner, "The association certified it.", now=utcnow())
    db.session.commit()
    item = queue.open_item_for("lift_request", "sign", sign.id)
    queue.decide(item, moderator, "keep", {"reason": "Send the certificate itself."},
                 now=utcnow())
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == owner.id, Notification.kind == "response_decided"))
    text = notice_text(notice)
    assert "kept the sign" in text and "Send the certificate itself." in text


def test_the_same_sign_sent_twice_is_hung_once_mod_2(make_member, make_listing, client_for):
    """MOD-2: a double click on "Hang the sign" (found in a browser: the first answer
    redirects under htmx and the form stays live until the page is left) hung FAKE, then
    replaced it by the same FAKE: the owner was told twice, once that FAKE was "replaced by
    FAKE". The same sign with the same reason leaves the first one as it is."""
    from app.models import Notification
    from tests.conftest import post_form

    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    client = client_for(moderator)
    url = f"/moderation/signs/listing/{listing.id}"
    data = {"kind": "fake", "reason": "The powder is wrong.", "decision_basis": ""}
    assert post_form(client, url, data, form_url=url).status_code == 302
    assert post_form(client, url, data, form_url=url).status_code == 302
    assert db.session.scalar(select(func.count(StopSign.id))
                             .where(StopSign.target_id == listing.id)) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == listing.shop.owner_id,
        Notification.kind.in_(("sign_hung", "sign_replaced")))) == 1
    # Another reason (or kind) still replaces it (MOD-2).
    data["reason"] = "The powder and the print are wrong."
    assert post_form(client, url, data, form_url=url).status_code == 302


def test_a_sanction_notice_gives_its_dates_in_the_members_language_mod_8_mod_9(app,
                                                                             make_member):
    """MOD-8, MOD-9: the notice of a sanction (and its e-mail) gave the end and the last day
    to appeal as the deciding moderator's page wrote them: a member reading Thai got
    "ระยะเวลา: 27 Nov 2026, 15:26" from a moderator working in English."""
    from flask_babel import force_locale

    from app.models import Notification
    from app.notifications import notice_text

    moderator = make_member(display_name="Mod", role="moderator")
    member = make_member(display_name="Member")
    now = utcnow()
    ends = now + timedelta(days=3)
    with app.test_request_context(), force_locale("en"):  # a moderator working in English
        sanction = sanctions.impose(member, "suspension", moderator, rule="MOD-11",
                                    facts="False reports.", now=now, ends_at=ends)
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == member.id, Notification.kind == "sanction"))
    with app.test_request_context(), force_locale("th"):
        thai = notice_text(notice)
        assert format_datetime(ends) in thai
        assert format_datetime(appeal_windows.appeal_deadline(sanction)) in thai
    assert str(ends.year) not in thai  # (Thai dates count Buddhist years)


def test_the_photos_page_of_a_signed_listing_offers_no_change_it_refuses_shop_7(
        make_member, make_listing, client_for):
    """SHOP-7: a listing with a STOP sign cannot be changed. Its photos page said so but still
    offered "Remove", "Move" and an upload form (files chosen, sent, then refused), as the
    edit page once offered a Save button that always failed."""
    from app.models import ListingPhoto

    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    db.session.add_all([ListingPhoto(listing_id=listing.id, position=i, key=f"k{i}photo",
                                     width=600, height=600, created_at=utcnow())
                        for i in range(2)])
    signs.hang_sign("listing", listing.id, "fake", moderator, "Fake powder.", now=utcnow())
    db.session.commit()
    owner = db.session.get(User, listing.shop.owner_id)
    page = client_for(owner).get(f"/listings/{listing.id}/photos").get_data(as_text=True)
    main = page[page.index("<main"):]
    assert "data-sign-blocks-edit" in main
    assert 'enctype="multipart/form-data"' not in main
    assert f"/listings/{listing.id}/photos/" not in main  # no remove or move forms


def test_rows_the_site_raises_on_a_count_are_worded_in_the_readers_language_shop_8_auc_4(
        make_member, make_shop, make_listing, make_auction, client_for):
    """SHOP-8, AUC-4: a shop with more than 3 FAKE listings, six strikes and withdrawn strikes
    raise queue items whose summary was an English sentence kept with the item ("Shop: 4 FAKE
    listings", "Strikes withdrawn: 2 left; restore auction rights?"), shown as such on Thai
    queue pages. The row now says what they are in the reader's language."""
    moderator = make_member(display_name="Mod", role="moderator")
    shop = make_shop()
    for number in range(4):
        listing = make_listing(shop=shop, title=f"พระผงองค์ที่ {number + 1}")
        signs.hang_sign("listing", listing.id, "fake", moderator, "Fake.", now=utcnow())
    seller = make_member(display_name="Seller")
    auctions = [make_auction(seller=seller) for _ in range(6)]  # (before any strike)
    hung = [signs.hang_sign("auction", auction.id, "fake", moderator, "Fake.", now=utcnow())
            for auction in auctions]
    for sign in hung[:4]:
        signs.end_sign(sign, moderator, "Authentic after all.", now=utcnow())
    db.session.commit()
    client = client_for(moderator)
    fakes = client.get("/moderation/queue?kind=shop_fakes").get_data(as_text=True)
    assert "FAKE listings" not in fakes
    assert "More than 3 of this shop" in fakes
    revoke = client.get("/moderation/queue?kind=strike_revoke&status=open") \
        .get_data(as_text=True)
    assert ": 6 strikes" not in revoke and "revoke the auction rights permanently?" in revoke
    back = client.get("/moderation/queue?kind=reinstatement").get_data(as_text=True)
    assert "Strikes withdrawn:" not in back
    assert "Strikes were withdrawn and fewer than 3 stand" in back


@pytest.mark.parametrize("basis, fields", [
    ("site_final", {"expert_verdict": "The certificate itself is forged."}),
    ("expert", {"expert_body": "The amulet association", "expert_verdict": "A copy."}),
])
def test_a_fake_sign_not_lifted_on_request_does_not_promise_a_lift_request_mod_3_mod_5_mod_6(
        app, make_member, make_listing, client_for, basis, fields):
    """MOD-3, MOD-5, MOD-6: a FAKE sign on an expert verdict or the site's final decision is
    not lifted on request (its owner gets no "Ask to lift" button), yet the sign on the item
    told the owner and the public "may ask for the sign to be lifted from 7 days after it
    was hung"."""
    moderator = make_member(display_name="Mod", role="moderator")
    listing = make_listing()
    signs.hang_sign("listing", listing.id, "fake", moderator, "Fake.", now=utcnow(),
                    decision_basis=basis, **fields)
    db.session.commit()
    owner = db.session.get(User, listing.shop.owner_id)
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    for client in (client_for(owner), visitor):
        page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
        panel = page[page.index('class="sign-panel'):]
        panel = panel[:panel.index("</aside>")]
        assert "from 7 days after" not in panel
        assert "not lifted on request" in panel


def test_the_help_on_signs_says_which_fake_signs_are_not_lifted_on_request_help_2_mod_3(app):
    """HELP-2, MOD-3: the help page on signs told every owner of a FAKE sign to wait 7 days and
    ask to lift it, also when the sign rests on an expert verdict or the site's final decision
    (no lift request is possible then)."""
    for lang, words in (("en", "is not\nlifted on request"), ("th", "จะไม่ปลดตามคำขอ")):
        client = app.test_client()
        client.set_cookie("lang", lang)
        page = client.get("/help/stop-signs").get_data(as_text=True)
        assert words.replace("\n", " ") in " ".join(page.split()), lang
