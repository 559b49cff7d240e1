"""ACC-3 and RANK-1 for staff: moderators and admins see everything, 18+ listings and
auctions included, so a member under 18 is made neither (the admin is told why), and one
given the role before has none of its rights until their 18th birthday: they see what any
under-18 member sees and open no moderator or admin page."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.blueprints.accounts import deletion
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.services import adult_condition, is_adult
from app.blueprints.admin import services as admin_services
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, User
from app.permissions import can_moderate, is_admin, staff_age
from tests.conftest import post_form

pytestmark = pytest.mark.usefixtures("english")

REFUSED = "Members under 18 cannot be moderators or admins"


def fifteen():
    return date(date.today().year - 15, 1, 1)


@pytest.fixture
def make_minor(make_member):
    """A member aged 15 with a guardian's consent (ACC-3), of the given role."""

    def _make(role="member", **fields):
        return make_member(birth_date=fifteen(), guardian_name="Somsri Jaidee",
                           guardian_email="guardian@talat.example", guardian_consent=True,
                           role=role, **fields)

    return _make


@pytest.fixture
def admin_client(make_member, client_for):
    admin = make_member(role="admin")
    return admin, client_for(admin)


# --- the admin cannot give the role -----------------------------------------------------------

@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_the_admin_cannot_make_a_member_under_18_staff_acc_3(admin_client, make_minor, role):
    """ACC-3: the role change is refused with the reason, nothing changes, nothing is
    audited."""
    admin, client = admin_client
    minor = make_minor()
    response = post_form(client, f"/admin/members/{minor.id}/role", {"role": role},
                         form_url="/admin/members", follow_redirects=True)
    assert REFUSED in response.get_data(as_text=True)
    assert db.session.get(User, minor.id).role == "member"
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "user.role")) \
        is None


def test_the_service_refuses_too_and_lets_an_under_18_moderator_be_made_a_member_acc_3(
        make_member, make_minor):
    """ACC-3: the rule is the service's; a moderator under 18 from before may still be made a
    member (or left as they are), not an admin."""
    admin, moderator = make_member(role="admin"), make_minor(role="moderator")
    with pytest.raises(AccountError) as refused:
        admin_services.set_role(moderator, "admin", by=admin, now=utcnow())
    assert REFUSED in str(refused.value.message)
    admin_services.set_role(moderator, "moderator", by=admin, now=utcnow())  # unchanged
    admin_services.set_role(moderator, "member", by=admin, now=utcnow())
    db.session.commit()
    assert db.session.get(User, moderator.id).role == "member"


def test_the_members_table_offers_no_staff_role_to_a_member_under_18_acc_3(
        admin_client, make_minor, make_member):
    """ACC-3: the role menu of a member under 18 has the staff roles greyed out and says why;
    an under-18 moderator's row says the role gives no rights yet."""
    _, client = admin_client
    minor, moderator, adult = make_minor(), make_minor(role="moderator"), make_member()
    html = client.get("/admin/members").get_data(as_text=True)

    def row(member):
        start = html.index(f'id="role-{member.id}"')
        return html[start:html.index("</td>", start)]

    assert 'value="moderator" disabled' in row(minor) and 'value="admin" disabled' in row(minor)
    assert "Under 18: cannot be made a moderator or an admin." in row(minor)
    assert "no moderator or admin rights until their 18th birthday" in row(moderator)
    assert "disabled" not in row(adult) and "Under 18" not in row(adult)


# --- a moderator under 18 from before has no rights --------------------------------------------

def test_an_under_18_moderator_or_admin_has_no_staff_rights_acc_3(make_minor, client_for):
    """ACC-3: the predicates every view and template asks say no, so no moderator or admin
    page opens."""
    moderator, admin = make_minor(role="moderator"), make_minor(role="admin")
    assert not can_moderate(moderator) and not can_moderate(admin) and not is_admin(admin)
    for member, urls in ((moderator, ["/moderation/queue"]),
                         (admin, ["/moderation/queue", "/admin/", "/admin/members"])):
        client = client_for(member)
        for url in urls:
            assert client.get(url).status_code == 403, (member.role, url)


def test_an_under_18_moderator_sees_no_18_plus_listing_or_auction_rank_1_acc_3(
        make_minor, make_member, make_listing, make_auction, client_for):
    """RANK-1, ACC-3: 18+ listings and auctions are hidden from an under-18 moderator as from
    any under-18 member: their pages, the board, search; an adult moderator sees them."""
    listing = make_listing(title="ADULTLISTING ปลัดขิก", content_rating="adult")
    auction = make_auction(title="ADULTAUCTION ปลัดขิก", content_rating="adult")
    young, grown = client_for(make_minor(role="moderator")), client_for(
        make_member(role="moderator"))
    for url in (f"/listings/{listing.id}", f"/auctions/{auction.id}"):
        assert young.get(url).status_code == 404, url
        assert grown.get(url).status_code == 200, url
    for url, query, marker in (("/auctions/", {}, "ADULTAUCTION"),
                               ("/search", {"q": "ปลัดขิก"}, "ADULTLISTING")):
        assert marker not in young.get(url, query_string=query).get_data(as_text=True), url
        assert marker in grown.get(url, query_string=query).get_data(as_text=True), url


def test_staff_rights_start_on_the_18th_birthday_acc_3(make_member):
    """ACC-3: the day before, none; from the 18th birthday (Bangkok date), the role's."""
    member = make_member(birth_date=date(2008, 3, 1), role="moderator")
    assert not staff_age(member, datetime(2026, 2, 28, 12, tzinfo=timezone.utc))
    assert staff_age(member, datetime(2026, 3, 1, 12, tzinfo=timezone.utc))


@pytest.mark.parametrize("born, today", [
    (date(2008, 2, 29), date(2026, 2, 28)), (date(2008, 2, 29), date(2026, 3, 1)),
    (date(2010, 2, 28), date(2028, 2, 29)), (date(2010, 3, 1), date(2028, 2, 29)),
    (date(2010, 2, 28), date(2028, 2, 28)), (date(2008, 3, 1), date(2026, 3, 1))])
def test_the_sql_age_rule_agrees_with_is_adult_acc_3(born, today):
    """ACC-3: counting admins in SQL uses the same birthday rule as the pages."""
    now = datetime(today.year, today.month, today.day, 5, tzinfo=timezone.utc)
    member = User(birth_date=born)
    assert adult_condition(born, now) == is_adult(member, now)


def test_an_admin_cannot_leave_only_an_under_18_admin_acc_3(make_member, make_minor):
    """ACC-3: an under-18 admin from before has no rights, so the last adult admin cannot
    delete their account (the site would be left without an admin)."""
    admin = make_member(role="admin")
    make_minor(role="admin")
    assert "last_admin" in deletion.blockers(admin, utcnow())
    make_member(role="admin")
    assert "last_admin" not in deletion.blockers(admin, utcnow())


def test_the_only_adult_admin_may_make_an_under_18_admin_a_member_acc_3(make_member,
                                                                       make_minor):
    """ACC-3 (found in review): the last-admin rule counted only adult admins and then refused
    to demote an under-18 admin from before when one adult admin was left ("The last admin
    cannot be demoted"), though that admin has no rights to lose."""
    admin, minor = make_member(role="admin"), make_minor(role="admin")
    admin_services.set_role(minor, "member", by=admin, now=utcnow())
    db.session.commit()
    assert db.session.get(User, minor.id).role == "member"
    with pytest.raises(AccountError):  # the adult admin is still the last one
        admin_services.set_role(admin, "member", by=make_member(role="moderator"),
                                now=utcnow())


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_an_under_18_staff_role_shields_nothing_acc_3_acc_2_mod_8(make_member, make_minor,
                                                                   role):
    """ACC-3 (found in review): rules about a member's standing read the stored role, so an
    under-18 "moderator" or "admin" from before, with no rights, could not be sanctioned by a
    moderator (MOD-8) or renamed by one (ACC-2), and could take a reserved staff name."""
    from app.blueprints.accounts import services as account_services
    from app.blueprints.moderation.sanctions import sanction_refusal
    from app.permissions import staff_role

    moderator, minor = make_member(role="moderator"), make_minor(role=role)
    assert staff_role(minor) == "member"
    assert sanction_refusal(minor, moderator) is None
    assert account_services.rename_refusal(minor, moderator) is None
    with pytest.raises(AccountError):  # reserved for staff, as for any member
        account_services.update_profile(minor, display_name="Admin Talat", locale="en",
                                        now=utcnow())
    assert staff_role(moderator) == "moderator"
    assert sanction_refusal(moderator, moderator) is not None


def test_an_under_18_moderators_own_page_says_member_acc_3(make_minor, client_for):
    """ACC-3: the account page showed "Role: Moderator" to an under-18 moderator from before,
    who has none of its rights (found in review)."""
    minor = make_minor(role="moderator")
    html = client_for(minor).get("/account").get_data(as_text=True)
    assert "<dd>Member</dd>" in html and "<dd>Moderator</dd>" not in html
