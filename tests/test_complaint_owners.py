"""A complaint that names pages of several owners (CMP-3, MOD-7): its queue row names each
page's owner with that owner's strike record (redrawn when any of them changes, in a fixed
number of queries)."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.blueprints.moderation import signs
from app.blueprints.moderation.sanctions import impose
from app.database import utcnow
from app.extensions import db
from tests.complaint_helpers import fresh, item_of, make_complaint

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
