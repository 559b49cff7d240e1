"""A complaint that names pages of several owners (CMP-3, CMP-4, CMP-5, MOD-7, MOD-8): its queue
row names each page's owner with that owner's strike record (redrawn when any of them
changes, in a fixed number of queries), the decision says how many pages it acts on, each
owner is told about their own pages only, the complainant is told which pages, and CMP-4
counts each owner's own pages."""
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.blueprints.complaints import handling, settings
from app.blueprints.complaints.intake import new_code
from app.blueprints.moderation import signs
from app.blueprints.moderation.sanctions import impose
from app.database import utcnow
from app.extensions import db
from app.models import Notification, Sanction
from app.notifications import notice_text
from tests.complaint_helpers import decide, fresh, item_of, mails_to, make_complaint
from tests.conftest import csrf_from

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def mod(client_for, moderator):
    return client_for(moderator)


@pytest.fixture
def two_owners(make_member, make_shop, make_listing, make_auction):
    """A complaint naming Alice's listing and Bob's auction (Alice's page first)."""
    alice = make_member(display_name="Alice Chaiyaporn")
    bob = make_member(display_name="Bob Srisuk")
    listing = make_listing(shop=make_shop(owner=alice), title="Alice garuda amulet")
    auction = make_auction(seller=bob, title="Bob somdej amulet")
    complaint = make_complaint(listing, auction)
    return complaint, alice, bob, listing, auction


def row_of(html, complaint):
    start = html.index(f'id="item-{item_of("complaint", complaint.id).id}"')
    return html[start:html.index("</article>", start)]


def strike(owner, make_auction, moderator, title):
    """A FAKE sign on another auction of ``owner``: one strike (AUC-4)."""
    signs.hang_sign("auction", make_auction(seller=owner, title=title).id, "fake", moderator,
                    "A copy.", now=utcnow())
    db.session.commit()


def page_line(row, title):
    start = row.index(title)
    return row[row.rindex("<li>", 0, start):row.index("</li>", start)]


# --- MOD-7: the queue row names every owner and their record ------------------------------

def test_cmp3_mod7_row_names_each_page_with_its_owner_and_each_owners_strikes(
        app, two_owners, make_auction, moderator, mod):
    """A complaint about Alice's and Bob's pages showed Alice (the first page's owner) and
    her strikes only: Bob, his page and his FAKE strike were not on the row."""
    complaint, alice, bob, _listing, _auction = two_owners
    strike(bob, make_auction, moderator, "Bob rod amulet")
    row = row_of(mod.get("/moderation/queue?kind=complaint").get_data(as_text=True), complaint)
    alice_link = f'<a href="/moderation/members/{alice.id}">Alice Chaiyaporn</a>'
    bob_link = f'<a href="/moderation/members/{bob.id}">Bob Srisuk</a>'
    # Each page with its own owner.
    assert alice_link in page_line(row, "Alice garuda amulet")
    assert bob_link in page_line(row, "Bob somdej amulet")
    assert bob_link not in page_line(row, "Alice garuda amulet")
    # Each owner's record: strike count and what each strike was for.
    record = row[row.index("queue-row__record"):]
    assert alice_link in record and bob_link in record
    alice_part = record[record.index(alice_link):record.index(bob_link)]
    bob_part = record[record.index(bob_link):]
    assert "0 strikes" in alice_part and "Bob rod amulet" not in alice_part
    assert "1 strike" in bob_part and "Bob rod amulet" in bob_part


def test_mod7_a_one_owner_row_links_its_owner_as_before(app, make_listing, moderator, mod):
    """A row about one member's page names that owner once, linked to their record."""
    listing = make_listing(title="Lone listing")
    owner = listing.shop.owner
    complaint = make_complaint(listing)
    row = row_of(mod.get("/moderation/queue?kind=complaint").get_data(as_text=True), complaint)
    link = f'<a href="/moderation/members/{owner.id}">{owner.display_name}</a>'
    record = row[row.index("queue-row__record"):]
    assert record.count(link) == 1 and "0 strikes" in record


def test_mod7_the_cached_row_is_redrawn_when_the_second_owner_gets_a_strike_or_is_suspended(
        app, two_owners, make_auction, moderator, mod):
    """The row cache keyed only the first owner's strikes: a strike or a suspension of the
    second owner left the moderator reading the old record."""
    complaint, _alice, bob, _listing, _auction = two_owners
    url = "/moderation/queue?kind=complaint"
    before = row_of(mod.get(url).get_data(as_text=True), complaint)
    assert "1 strike" not in before and "Suspended" not in before
    strike(bob, make_auction, moderator, "Bob rod amulet")
    after = row_of(mod.get(url).get_data(as_text=True), complaint)
    assert "1 strike" in after and "Bob rod amulet" in after
    impose(fresh(bob), "suspension", moderator, rule="MOD-8", facts="Scam.", now=utcnow(),
           ends_at=utcnow() + timedelta(days=7))
    db.session.commit()
    suspended = row_of(mod.get(url).get_data(as_text=True), complaint)
    assert "Suspended" in suspended


def test_mod7_complaint_rows_of_many_owners_cost_a_fixed_number_of_queries(
        app, make_member, make_shop, make_listing, make_auction, moderator, mod):
    """The whole queue page (rows rendered, every owner's record shown) costs the same SQL
    statements for 2 complaints of three owners each as for 8."""
    from app.models import User

    moderator_id = moderator.id

    def add(n):
        for k in range(n):
            owners = [make_member(display_name=f"Owner {n}-{k}-{o}") for o in range(3)]
            pages = [make_listing(shop=make_shop(owner=owners[0])),
                     make_auction(seller=owners[1]), make_shop(owner=owners[2])]
            strike(owners[1], make_auction, db.session.get(User, moderator_id),
                   f"Struck {n}-{k}")
            make_complaint(*pages, email=f"c{n}-{k}@brand.example")

    def statements():
        db.session.expunge_all()
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), html

    add(2)
    small, html = statements()
    assert html.count("/moderation/members/") >= 2 * 3 * 2
    add(6)
    large, html = statements()
    assert "Owner 6-5-2" in html and "Struck 6-5" in html
    assert large == small


# --- CMP-3: the decision says what it acts on ---------------------------------------------

def test_cmp3_the_decision_step_names_how_many_pages_and_owners_it_acts_on(
        app, two_owners, make_listing, mod):
    complaint, *_ = two_owners
    single = make_complaint(make_listing(title="Only page"), email="one@brand.example")
    html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
    assert ("Upholding hides these 2 pages and tells each of their 2 owners about their own "
            "pages only.") in row_of(html, complaint)
    assert "Upholding hides this page and tells its owner why." in row_of(html, single)
    assert "these" not in row_of(html, single)
    response = decide(mod, item_of("complaint", complaint.id), "uphold", reason="Fakes.",
                      rule="SHOP-4")
    assert response.status_code == 200
    note = response.get_data(as_text=True)
    assert ("Complaint upheld: its 2 pages are hidden, and each of their 2 owners is told "
            "about their own pages only.") in note
    assert "Upholding hides" not in note
    note = decide(mod, item_of("complaint", single.id), "uphold", reason="Fake.",
                  rule="SHOP-4").get_data(as_text=True)
    assert "Complaint upheld: its page is hidden and its owner told." in note


def test_cmp3_two_pages_of_one_owner_are_named_as_two_pages_in_thai_too(
        app, make_shop, make_listing, mod):
    shop = make_shop()
    complaint = make_complaint(make_listing(shop=shop), make_listing(shop=shop))
    mod.set_cookie("lang", "th")
    row = row_of(mod.get("/moderation/queue?kind=complaint").get_data(as_text=True), complaint)
    assert "การยืนยันจะซ่อนหน้าที่ถูกร้องเรียน 2 หน้า และแจ้งเหตุผลให้เจ้าของทราบ" in row
    note = decide(mod, item_of("complaint", complaint.id), "uphold", reason="ของปลอม",
                  rule="SHOP-4").get_data(as_text=True)
    assert "ยืนยันข้อร้องเรียนแล้ว: ซ่อน 2 หน้าแล้ว และแจ้งเจ้าของแล้ว" in note


# --- CMP-3, CMP-5: who is told what ------------------------------------------------------

def test_cmp3_each_owner_is_told_about_their_own_page_only(app, two_owners, client_for, mod):
    complaint, alice, bob, listing, auction = two_owners
    decide(mod, item_of("complaint", complaint.id), "uphold", reason="Fakes.", rule="SHOP-4")
    for owner, own, other in ((alice, listing, auction), (bob, auction, listing)):
        notices = db.session.scalars(select(Notification).where(
            Notification.user_id == owner.id, Notification.kind == "complaint_upheld")).all()
        assert len(notices) == 1
        text = notice_text(notices[0])
        assert own.title in text and other.title not in text
        page = client_for(owner).get("/notifications").get_data(as_text=True)
        assert own.title in page and other.title not in page
        mails = mails_to(owner.email, "notice_complaint_upheld")
        assert mails and all(other.title not in m.body_text for m in mails)
    targets = {t.owner_id: t for t in fresh(complaint).targets}
    # Bob cannot open Alice's answer page, and she sees only her own page on it.
    assert client_for(bob).get(f"/complaints/pages/{targets[alice.id].id}/answer"
                                ).status_code == 404
    page = client_for(alice).get(f"/complaints/pages/{targets[alice.id].id}/answer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert listing.title in html and auction.title not in html


def test_cmp5_the_complainant_is_told_which_pages_were_suspended(app, two_owners, mod):
    complaint, _alice, _bob, listing, auction = two_owners
    complaint.code = new_code()  # the status page takes real tracking codes only
    db.session.commit()
    decide(mod, item_of("complaint", complaint.id), "uphold", reason="Fakes.", rule="SHOP-4")
    mail, = mails_to(complaint.email, "complaint_outcome")
    assert "Publication of the 2 pages it names is suspended" in mail.body_text
    for target in fresh(complaint).targets:
        assert target.url in mail.body_text
    status = mod.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "Complaint upheld: its 2 pages are no longer published" in status
    assert "the page is no longer published" not in status
    mod.set_cookie("lang", "th")
    status = mod.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "ระงับการเผยแพร่หน้าที่ร้องเรียน 2 หน้าแล้ว" in status
    assert "ระงับการเผยแพร่หน้านี้แล้ว" not in status


def test_cmp5_a_thai_complainant_reads_which_pages_were_suspended(app, two_owners, mod):
    complaint, *_ = two_owners
    complaint.locale = "th"
    db.session.commit()
    decide(mod, item_of("complaint", complaint.id), "uphold", reason="ของปลอม", rule="SHOP-4")
    mail, = mails_to(complaint.email, "complaint_outcome")
    assert "หน้าที่ระบุไว้ด้านล่างถูกระงับการเผยแพร่" in mail.body_text
    urls = [target.url for target in fresh(complaint).targets]
    body = mail.body_text
    assert all(f"- {url}" in body for url in urls)
    assert body.index("ด้านล่าง") < body.index(urls[0]) < body.index(urls[1])


def test_cmp5_one_page_is_still_called_the_page(app, make_listing, moderator, mod):
    complaint = make_complaint(make_listing())
    complaint.code = new_code()  # the status page takes real tracking codes only
    db.session.commit()
    decide(mod, item_of("complaint", complaint.id), "uphold", reason="Fake.", rule="SHOP-4")
    mail, = mails_to(complaint.email, "complaint_outcome")
    assert "Publication of the page it names is suspended" in mail.body_text
    assert fresh(complaint).targets[0].url in mail.body_text
    status = mod.get(f"/complaints/status?code={complaint.code}").get_data(as_text=True)
    assert "Complaint upheld: the page is no longer published" in status


# --- CMP-4, MOD-8: each owner's own pages count -------------------------------------------

def cmp4_sanctions(user):
    return db.session.scalars(select(Sanction).where(Sanction.user_id == user.id,
                                                     Sanction.rule == "CMP-4")).all()


def test_cmp4_mod8_an_uphold_suspends_each_owner_by_their_own_pages(
        app, make_member, make_shop, make_listing, make_auction, moderator):
    """Alice has two pages in the complaint, Bob one, the limit is two: Alice is suspended,
    not Bob, and her sanction counts her two pages (not three)."""
    settings.set_int("complaints.suspend_after", 2, moderator, now=utcnow())
    alice, bob = make_member(), make_member()
    shop = make_shop(owner=alice)
    complaint = make_complaint(make_auction(seller=bob), make_listing(shop=shop),
                               make_listing(shop=shop))
    handling.uphold(fresh(complaint), moderator, "Fakes.", "SHOP-4", now=utcnow())
    db.session.commit()
    sanction, = cmp4_sanctions(alice)
    assert "2 of your pages" in sanction.facts and fresh(alice).suspended_until is not None
    assert cmp4_sanctions(bob) == [] and fresh(bob).suspended_until is None


def test_cmp4_mod8_with_a_limit_of_one_each_owner_gets_their_own_suspension(
        app, two_owners, moderator, make_member):
    complaint, alice, bob, _listing, _auction = two_owners
    settings.set_int("complaints.suspend_after", 1, moderator, now=utcnow())
    bystander = make_member()
    handling.uphold(fresh(complaint), moderator, "Fakes.", "SHOP-4", now=utcnow())
    db.session.commit()
    for owner in (alice, bob):
        sanction, = cmp4_sanctions(owner)
        assert "1 of your pages" in sanction.facts
        assert db.session.scalar(select(Notification).where(
            Notification.user_id == owner.id, Notification.kind == "sanction")) is not None
    assert cmp4_sanctions(moderator) == [] and cmp4_sanctions(bystander) == []


# --- CMP-3, MOD-7: a moderator who owns any page named is a party -------------------------

def test_cmp3_mod7_a_moderator_owning_the_second_page_is_told_on_the_row_not_offered_actions(
        app, make_listing, make_auction, make_member, client_for, mod):
    """The row offered Uphold and Reject to a moderator who owns a page the complaint names
    (any but the first) and refused them only after the moderator had typed a reason."""
    owner_mod = make_member(role="moderator", display_name="Mod Owner")
    complaint = make_complaint(make_listing(), make_auction(seller=owner_mod))
    own = row_of(client_for(owner_mod).get("/moderation/queue?kind=complaint")
                 .get_data(as_text=True), complaint)
    assert "data-barred" in own and "You are a party to this complaint" in own
    assert 'data-action="uphold"' not in own and "data-claim" not in own
    other = row_of(mod.get("/moderation/queue?kind=complaint").get_data(as_text=True),
                   complaint)
    assert "data-barred" not in other and 'data-action="uphold"' in other
    # The decision still refuses them (the row only says so first).
    response = decide(client_for(owner_mod), item_of("complaint", complaint.id), "uphold",
                      reason="Fakes.", rule="SHOP-4")
    assert response.status_code == 422 and "You are a party" in response.get_data(as_text=True)


def test_cmp3_mod7_the_owner_of_another_page_is_a_party_to_a_counter_statement_row(
        app, make_listing, make_auction, make_member, client_for, moderator):
    """A counter-statement about the first page: the moderator owning the second page of the
    same complaint is a party to it too (the decision refuses them), so the row says so."""
    owner_mod = make_member(role="moderator", display_name="Mod Owner")
    listing = make_listing()
    complaint = make_complaint(listing, make_auction(seller=owner_mod))
    handling.uphold(fresh(complaint), moderator, "Fakes.", "SHOP-4", now=utcnow())
    db.session.commit()
    first = next(t for t in fresh(complaint).targets if t.target_type == "listing")
    owner = client_for(listing.shop.owner)
    html = owner.get(f"/complaints/pages/{first.id}/answer").get_data(as_text=True)
    owner.post(f"/complaints/pages/{first.id}/answer",
               data={"csrf_token": csrf_from(html), "body": "These are genuine, see receipt."})
    html = client_for(owner_mod).get("/moderation/queue?kind=counter_statement").get_data(
        as_text=True)
    start = html.index("These are genuine")
    row = html[html.rindex("<article", 0, start):html.index("</article>", start)]
    assert "data-barred" in row and 'data-action="restore"' not in row
