"""Who may open what: every page checked for visitor, member, moderator and admin."""
import re

import pytest

ADMIN_PAGES = ["/admin/", "/admin/members", "/admin/login-blocks", "/admin/outbox",
               "/admin/traffic"]
MEMBER_PAGES = ["/account"]
PUBLIC_PAGES = ["/", "/login", "/register", "/password/forgot", "/healthz"]
ROLES = ["visitor", "member", "moderator", "admin"]


@pytest.fixture
def as_role(app, make_member, login):
    def _client(role):
        client = app.test_client()
        if role != "visitor":
            member = make_member(role=role)
            login(member.email, target=client)
        return client
    return _client


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_are_for_admins_only(as_role, role):
    client = as_role(role)
    for url in ADMIN_PAGES:
        status = client.get(url).status_code
        expected = {"visitor": 302, "member": 403, "moderator": 403, "admin": 200}[role]
        assert status == expected, (url, role, status)


@pytest.mark.parametrize("role", ROLES)
def test_member_pages_need_a_login(as_role, role):
    client = as_role(role)
    for url in MEMBER_PAGES:
        assert client.get(url).status_code == (302 if role == "visitor" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_are_open_to_everyone(as_role, role):
    client = as_role(role)
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code in (200, 302), url


def test_admin_changes_a_role_but_not_the_last_admin(app, make_member, login):
    from tests.conftest import post_form
    from app.extensions import db
    from app.models import User

    admin, member = make_member(role="admin"), make_member()
    client = app.test_client()
    login(admin.email, target=client)
    post_form(client, f"/admin/members/{member.id}/role", {"role": "moderator"},
              form_url="/admin/members")
    assert db.session.get(User, member.id).role == "moderator"
    post_form(client, f"/admin/members/{admin.id}/role", {"role": "member"},
              form_url="/admin/members")
    assert db.session.get(User, admin.id).role == "admin"
    post_form(client, f"/admin/members/{member.id}/role", {"role": "emperor"},
              form_url="/admin/members")
    assert db.session.get(User, member.id).role == "moderator"


def test_moderators_cannot_change_roles(app, make_member, login):
    from tests.conftest import post_form
    from app.extensions import db
    from app.models import User

    moderator, member = make_member(role="moderator"), make_member()
    client = app.test_client()
    login(moderator.email, target=client)
    response = post_form(client, f"/admin/members/{member.id}/role", {"role": "admin"},
                         form_url="/")
    assert response.status_code == 403
    assert db.session.get(User, member.id).role == "member"


@pytest.mark.parametrize("url, marker", [("/admin/members?q=member", 'id="members-table"'),
                                         ("/admin/outbox?status=outbox", 'id="outbox-table"'),
                                         ("/admin/traffic", 'id="traffic-table"')])
def test_admin_tables_answer_htmx_with_the_table_alone(as_role, url, marker):
    """CONVENTIONS 11: one URL serves the page, or for htmx only the fragment."""
    client = as_role("admin")
    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert marker in page.get_data(as_text=True) and "<html" in page.get_data(as_text=True)
    assert marker in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<html" in boosted.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_traffic_log_pages_through_older_entries(app, as_role):
    from datetime import timedelta

    from app.database import utcnow
    from app.extensions import db
    from app.models import TrafficLogEntry

    now = utcnow()
    for i in reversed(range(130)):  # oldest first, as they would be written
        db.session.add(TrafficLogEntry(at=now - timedelta(minutes=i), ip="192.0.2.9", method="POST",
                                       action=f"test.action{i}", target="/x", status=200))
    db.session.commit()
    client = as_role("admin")
    first = client.get("/admin/traffic?ip=192.0.2.9").get_data(as_text=True)
    assert "test.action0<" in first and "test.action99<" in first
    assert "test.action100<" not in first
    older = first.split('href="/admin/traffic?')[-1].split('"')[0].replace("&amp;", "&")
    second = client.get("/admin/traffic?" + older).get_data(as_text=True)
    assert "test.action100<" in second and "test.action129<" in second
    assert "test.action99<" not in second


def test_a_closed_or_deleted_account_is_not_made_staff(app, make_member, login):
    """Found in review: an admin could make a deleted (anonymised) or closed account a
    moderator or an admin, which then counted as the admin that lets the last real one be
    demoted; a closed account keeps the member role."""
    from datetime import timedelta

    from app.blueprints.accounts import deletion
    from app.database import utcnow
    from app.extensions import db
    from app.models import User
    from tests.conftest import PASSWORD, post_form

    admin, leaver = make_member(role="admin"), make_member()
    deletion.request_deletion(leaver, PASSWORD, now=utcnow())
    banned = make_member()
    banned.closed_at = utcnow() - timedelta(days=1)
    db.session.commit()
    client = app.test_client()
    login(admin.email, target=client)
    for user in (leaver, banned):
        for role in ("moderator", "admin"):
            post_form(client, f"/admin/members/{user.id}/role", {"role": role},
                      form_url="/admin/members")
            assert db.session.get(User, user.id, populate_existing=True).role == "member"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, make_member):
    """Found in review: two admins demoting each other at the same moment each counted the
    other still an admin, and both changes went through, leaving the site without an admin.
    The admins' rows are locked first (PostgreSQL; on SQLite the view takes the writer's
    lock), so the second change waits, counts again and is refused."""
    import threading

    from sqlalchemy import text

    from app.blueprints.accounts.errors import AccountError
    from app.blueprints.admin import services
    from app.database import begin_immediate, utcnow
    from app.extensions import db

    first, second = make_member(role="admin"), make_member(role="admin")
    with db.engine.connect() as other:  # the first admin's change, not committed yet
        other.execute(text("UPDATE users SET role = 'member' WHERE id = :id"),
                      {"id": second.id})
        timer = threading.Timer(0.5, other.commit)
        timer.start()
        try:
            with pytest.raises(AccountError):
                begin_immediate(db.session)  # as the view does (SQLite: waits for the writer)
                services.set_role(first, "member", by=second, now=utcnow())
        finally:
            timer.join()
            db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM users WHERE role = 'admin'")) == 1


def test_the_admin_overview_describes_every_admin_section(as_role):
    """Found in review: the overview described 4 of the 7 sections its own menu names. Every
    page of the admin menu has a card with a line on what it is for."""
    html = as_role("admin").get("/admin/").get_data(as_text=True)
    menu = html[html.index('<nav class="subnav"'):]
    menu = menu[:menu.index("</nav>")]
    sections = re.findall(r'href="(/admin/[^"]+)"', menu)
    assert len(sections) >= 7
    for href in sections:
        assert re.search(rf'<a class="card card--link" href="{re.escape(href)}"><h2>[^<]+</h2>'
                         r"<p>[^<]+</p></a>", html), href
