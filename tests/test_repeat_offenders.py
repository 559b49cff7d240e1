"""Repeat offenders and abusive complainants (CMP-4): the number of upheld complaints that
suspends an owner is an admin setting (default 3, audited, admins only); reaching it suspends
the account through the sanctions, with a notice; restored pages do not count. A complainant
whose complaints were rejected as unfounded often enough may be restricted by a moderator, is
then refused politely, and the restriction can be lifted (audited)."""
import pytest
from sqlalchemy import select

from app.blueprints.complaints import handling, hiding, repeat, settings
from app.blueprints.complaints.errors import ComplaintError
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, Listing, Notification, Sanction
from app.models.complaints import ComplainantRestriction
from tests.complaint_helpers import decide, fresh, item_of, make_complaint
from tests.conftest import csrf_from, post_form

pytestmark = pytest.mark.usefixtures("english")

ABUSER = "troll@example.com"


def uphold_against(listing, moderator, n=1):
    complaints = []
    for _ in range(n):
        complaint = make_complaint(listing)
        handling.uphold(complaint, moderator, "Counterfeit.", "SHOP-4", now=utcnow())
        db.session.commit()
        complaints.append(complaint)
    return complaints


def cmp4_sanctions(user):
    return db.session.scalars(select(Sanction).where(Sanction.user_id == user.id,
                                                     Sanction.rule == "CMP-4")).all()


def test_cmp4_the_third_page_with_an_upheld_complaint_suspends_the_owner(
        app, make_listing, moderator):
    first = make_listing()
    owner, shop = first.shop.owner, first.shop
    uphold_against(first, moderator)
    uphold_against(make_listing(shop=shop), moderator)
    assert cmp4_sanctions(owner) == []
    uphold_against(make_listing(shop=shop), moderator)
    sanction, = cmp4_sanctions(owner)
    assert "3 of your pages" in sanction.facts
    assert sanction.kind == "suspension" and sanction.ends_at is not None
    assert (sanction.ends_at - sanction.starts_at).days == 30
    assert fresh(owner).suspended_until is not None
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == owner.id, Notification.kind == "sanction")) is not None
    uphold_against(make_listing(shop=shop), moderator)  # a fourth does not stack another
    assert len(cmp4_sanctions(owner)) == 1


def test_cmp4_counts_pages_not_complaints_about_the_same_page(app, make_listing, moderator):
    """Two upheld complaints about one listing (the same complainant twice) and one about
    another page are two pages, not three offences: no CMP-4 suspension (seed 002: an owner
    who repeatedly puts up infringing works)."""
    listing = make_listing()
    owner = listing.shop.owner
    uphold_against(listing, moderator, 2)
    uphold_against(make_listing(shop=listing.shop), moderator)
    assert repeat.upheld_count(owner.id) == 2
    assert cmp4_sanctions(owner) == [] and fresh(owner).suspended_until is None


def test_cmp4_restored_pages_do_not_count(app, make_listing, moderator):
    listing = make_listing()
    shop = listing.shop
    first, = uphold_against(listing, moderator)
    uphold_against(make_listing(shop=shop), moderator)
    hiding.restore_target(fresh(first).targets[0], moderator, now=utcnow())
    db.session.commit()
    assert repeat.upheld_count(shop.owner_id) == 1
    uphold_against(make_listing(shop=shop), moderator)
    assert cmp4_sanctions(shop.owner) == []


def test_cmp4_the_threshold_is_an_admin_setting(app, make_member, make_listing, moderator,
                                                client_for):
    admin = make_member(role="admin")
    client = client_for(admin)
    page = client.get("/admin/complaint-settings").get_data(as_text=True)
    assert 'value="3"' in page
    response = post_form(client, "/admin/complaint-settings",
                         {"suspend_after": "1", "suspend_days": "7", "restrict_after": "2"})
    assert response.status_code == 302
    assert settings.get_int("complaints.suspend_after") == 1
    assert settings.get_int("complaints.suspend_days") == 7
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "setting.change")
                              .order_by(AuditEntry.id))
    assert entry is not None and entry.actor_id == admin.id
    listing = make_listing()
    uphold_against(listing, moderator)
    sanction, = cmp4_sanctions(listing.shop.owner)
    assert (sanction.ends_at - sanction.starts_at).days == 7


def test_cmp4_a_wrong_setting_is_refused_with_what_was_typed(app, make_member, client_for):
    client = client_for(make_member(role="admin"))
    response = post_form(client, "/admin/complaint-settings",
                         {"suspend_after": "0", "suspend_days": "45", "restrict_after": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="45"' in html
    assert settings.get_int("complaints.suspend_after") == 3


def test_cmp4_only_admins_change_the_setting(app, make_member, moderator, client_for):
    for user in (moderator, make_member()):
        client = client_for(user)
        assert client.get("/admin/complaint-settings").status_code == 403
        token = csrf_from(client.get("/shops/new").get_data(as_text=True))
        assert client.post("/admin/complaint-settings", data={
            "csrf_token": token, "suspend_after": "1", "suspend_days": "1",
            "restrict_after": "1"}).status_code == 403
    assert client_for(None).get("/admin/complaint-settings").status_code in (302, 403)
    assert settings.get_int("complaints.suspend_after") == 3


def reject_unfounded(listing, moderator, n):
    for _ in range(n):
        complaint = make_complaint(listing, email=ABUSER)
        handling.reject(complaint, moderator, "Nothing infringes.", unfounded=True,
                        now=utcnow())
        db.session.commit()


def test_cmp4_a_complainant_with_unfounded_complaints_can_be_restricted_and_lifted(
        app, make_listing, moderator, client_for):
    listing = make_listing()
    mod = client_for(moderator)
    reject_unfounded(listing, moderator, 2)
    complaint = make_complaint(listing, email=ABUSER.upper())
    item = item_of("complaint", complaint.id)
    response = decide(mod, item, "restrict", note="Bulk unfounded complaints")
    assert response.status_code == 422  # only two unfounded so far
    reject_unfounded(listing, moderator, 1)
    complaint = make_complaint(listing, email=ABUSER)
    item = item_of("complaint", complaint.id)
    assert "may be restricted" in mod.get("/moderation/queue?kind=complaint").get_data(
        as_text=True)
    assert decide(mod, item, "restrict", note="Bulk unfounded complaints").status_code == 200
    assert item_of("complaint", complaint.id) is not None  # the complaint itself stays open
    with pytest.raises(ComplaintError) as refused:
        repeat.check_may_complain(" Troll@Example.com ", utcnow())
    assert "cannot accept new complaints" in str(refused.value)
    repeat.check_may_complain("someone@else.example", utcnow())  # others are fine
    row = db.session.scalar(select(ComplainantRestriction))
    page = mod.get("/complaints/restrictions").get_data(as_text=True)
    assert ABUSER in page and "Bulk unfounded complaints" in page
    assert post_form(mod, f"/complaints/restrictions/{row.id}/lift", {},
                     form_url="/complaints/restrictions").status_code == 302
    repeat.check_may_complain(ABUSER, utcnow())
    actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    assert "complainant.restrict" in actions and "complainant.lift" in actions


def test_cmp4_the_public_form_refuses_a_restricted_complainant(app, make_listing, moderator,
                                                               client_for):
    client = client_for(None)
    listing = make_listing()
    reject_unfounded(listing, moderator, 3)
    repeat.restrict(ABUSER, moderator, "abuse", now=utcnow())
    db.session.commit()
    response = post_form(client, "/complaints/new", {
        "name": "Troll", "email": ABUSER, "role": "holder", "kind": "copyright",
        "description": "Another one " * 5, "urls": f"http://localhost/listings/{listing.id}",
        "good_faith": "y", "accurate": "y", "signature": "Troll"})
    assert response.status_code == 422
    assert "cannot accept new complaints" in response.get_data(as_text=True)


def test_cmp4_only_moderators_see_and_lift_restrictions(app, make_member, moderator,
                                                        client_for):
    row = ComplainantRestriction(email=ABUSER, reason="x", created_by_id=moderator.id,
                                 created_at=utcnow())
    db.session.add(row)
    db.session.commit()
    member = client_for(make_member())
    assert member.get("/complaints/restrictions").status_code == 403
    token = csrf_from(member.get("/shops/new").get_data(as_text=True))
    assert member.post(f"/complaints/restrictions/{row.id}/lift",
                       data={"csrf_token": token}).status_code == 403
    assert fresh(row).lifted_at is None


def suspended_for_three_pages(make_listing, moderator):
    """An owner suspended (CMP-4) for three pages hidden by upheld complaints, and those
    complaints."""
    first = make_listing()
    complaints = uphold_against(first, moderator)
    for _ in range(2):
        complaints += uphold_against(make_listing(shop=first.shop), moderator)
    owner = first.shop.owner
    assert len(cmp4_sanctions(owner)) == 1 and fresh(owner).suspended_until is not None
    return owner, complaints


def accept_counter_statement(complaint, owner, moderator):
    from app.blueprints.complaints import counter

    statement = counter.file_counter(fresh(complaint).targets[0], fresh(owner),
                                     "I made it myself; the design is mine.", now=utcnow())
    db.session.commit()
    counter.decide(statement, moderator, "restored", "", now=utcnow())
    db.session.commit()
    return statement


def test_cmp4_the_suspension_is_lifted_when_restored_pages_fall_under_the_limit(
        app, make_listing, moderator, client_for):
    """A page restored after the owner's counter-statement no longer counts; when the pages
    left fall under the limit, the CMP-4 suspension they caused is lifted (audited) and the
    owner told, instead of running on with nobody deciding it."""
    owner, complaints = suspended_for_three_pages(make_listing, moderator)
    accept_counter_statement(complaints[0], owner, moderator)
    sanction, = cmp4_sanctions(owner)
    assert sanction.lifted_at is not None and sanction.lifted_by_id == moderator.id
    assert fresh(owner).suspended_until is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sanction.lift"))
    assert entry is not None and entry.target_id == sanction.id
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == owner.id, Notification.kind == "sanction_lifted"))
    assert notice is not None
    page = client_for(owner).get("/notifications").get_data(as_text=True)
    assert "no longer reach the limit" in page


def test_cmp4_the_suspension_stays_while_the_pages_left_still_reach_the_limit(
        app, make_listing, moderator):
    owner, complaints = suspended_for_three_pages(make_listing, moderator)
    shop = db.session.get(Listing, complaints[0].targets[0].target_id).shop
    uphold_against(make_listing(shop=shop), moderator)  # a fourth page
    accept_counter_statement(complaints[0], owner, moderator)  # three left: still the limit
    sanction, = cmp4_sanctions(owner)
    assert sanction.lifted_at is None and fresh(owner).suspended_until is not None


def test_cmp4_the_moderator_restoring_the_page_reads_that_the_suspension_is_lifted(
        app, make_listing, moderator, client_for):
    from app.blueprints.complaints import counter

    owner, complaints = suspended_for_three_pages(make_listing, moderator)
    statement = counter.file_counter(fresh(complaints[0]).targets[0], fresh(owner),
                                     "The design is mine.", now=utcnow())
    db.session.commit()
    response = decide(client_for(moderator), item_of("counter_statement", statement.id),
                      "restore", reason="")
    assert response.status_code == 200
    assert "CMP-4 suspension is lifted" in response.get_data(as_text=True)
    assert fresh(owner).suspended_until is None


def test_cmp4_a_suspension_a_moderator_imposed_by_hand_is_not_lifted_by_a_restore(
        app, make_listing, moderator):
    """Found in review of the automatic lift: it ended every running CMP-4 suspension, one a
    moderator imposed by hand (their judgment, 90 days) too. Only the count's own ends with
    the count."""
    from datetime import timedelta

    from app.blueprints.moderation.sanctions import impose

    first = make_listing()
    owner = first.shop.owner
    complaint, = uphold_against(first, moderator)  # one page: under the limit of 3
    now = utcnow()
    manual = impose(fresh(owner), "suspension", moderator, rule="CMP-4",
                    facts="Repeatedly re-uploads pirated e-books after takedowns.",
                    now=now, ends_at=now + timedelta(days=90))
    db.session.commit()
    assert manual.automatic is False
    accept_counter_statement(complaint, owner, moderator)
    assert fresh(manual).lifted_at is None
    assert fresh(owner).suspended_until is not None


def test_cmp4_restrict_is_offered_only_on_rows_of_a_complainant_who_may_be_restricted(
        app, make_listing, moderator, client_for):
    """CMP-4: every complaint row offered "Restrict the complainant", which the route refuses
    until enough complaints were rejected as unfounded (found on the phone queue: a first-time
    complainant's row offered it, and pressing it only gave an error). Button and route agree
    now; once the restriction is in force the button goes too."""
    listing = make_listing()
    mod = client_for(moderator)

    def restrict_offered(complaint):
        html = mod.get("/moderation/queue?kind=complaint").get_data(as_text=True)
        row = html[html.index(f'id="item-{item_of("complaint", complaint.id).id}"'):]
        return 'data-action="restrict"' in row[:row.index("</article>")]

    first = make_complaint(listing, email="first@brand.example")
    assert not restrict_offered(first)
    reject_unfounded(listing, moderator, 3)
    complaint = make_complaint(listing, email=ABUSER)
    assert restrict_offered(complaint) and not restrict_offered(first)
    item = item_of("complaint", complaint.id)
    assert decide(mod, item, "restrict", note="Bulk unfounded complaints").status_code == 200
    assert not restrict_offered(complaint)
