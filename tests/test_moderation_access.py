"""Who reaches the review queue and the audit log (MOD-7, MOD-10; CONVENTIONS 19): visitors
are sent to log in, members get 403, moderators work the queue but not the admin-only audit
log, admins reach both. htmx answers are fragments, never whole pages."""
import pytest

from app.blueprints.moderation import queue
from app.database import utcnow
from app.extensions import db
from tests.conftest import csrf_from

HTMX = {"HX-Request": "true"}

#: (method, url template, admin only) for every queue and audit route.
ROUTES = [
    ("GET", "/moderation/queue", False),
    ("GET", "/moderation/queue?kind=report&status=done&age=3", False),
    ("GET", "/moderation/queue/counts", False),
    ("GET", "/moderation/queue/nav-count", False),
    ("GET", "/moderation/queue/live", False),
    ("POST", "/moderation/items/{item}/claim", False),
    ("POST", "/moderation/items/{item}/release", False),
    ("POST", "/moderation/items/{item}/decide", False),
    ("POST", "/moderation/queue/bulk", False),
    ("GET", "/moderation/audit", True),
    ("GET", "/moderation/audit?action=queue.", True),
]
ROLES = ["visitor", "member", "moderator", "admin"]


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def item(app, make_member):
    target = make_member()
    found = queue.open_item("report", "user", target.id, now=utcnow(), report=True)
    db.session.commit()
    return found


def client_as(role, make_member, client_for):
    if role == "visitor":
        return client_for(None)
    return client_for(make_member(role=role))


def request(client, method, url, streams=False):
    if method == "GET" and streams:
        # A live stream is read in a thread of its own, as gunicorn does.
        from tests.test_live import StreamReader

        reader = StreamReader(client, url)
        reader.next_chunk()
        reader.disconnect()
        return reader.response
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "action": "none"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, admin_only", ROUTES)
def test_moderation_routes_check_the_role_mod_7_mod_10(app, item, make_member, client_for,
                                                        role, method, url, admin_only):
    client = client_as(role, make_member, client_for)
    streams = url.endswith("/live") and role in ("moderator", "admin")
    response = request(client, method, url.format(item=item.id), streams)
    if role == "visitor":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role == "member" or (admin_only and role == "moderator"):
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302), response.status_code


@pytest.mark.parametrize("url", ["/moderation/queue", "/moderation/queue/counts",
                                 "/moderation/queue/nav-count", "/moderation/audit"])
def test_htmx_answers_are_fragments_mod_7(app, item, make_member, client_for, url):
    client = client_for(make_member(role="admin"))
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)


def test_only_moderators_see_the_queue_link_mod_7(app, item, make_member, client_for):
    member_page = client_for(make_member()).get("/").get_data(as_text=True)
    assert "Queue (" not in member_page
    mod_page = client_for(make_member(role="moderator")).get("/").get_data(as_text=True)
    assert "Queue (1)" in mod_page and 'href="/moderation/queue"' in mod_page


def test_a_decided_row_comes_back_as_a_fragment_mod_7(app, item, make_member, client_for):
    client = client_for(make_member(role="moderator"))
    token = csrf_from(client.get("/moderation/queue").get_data(as_text=True))
    response = client.post(f"/moderation/items/{item.id}/claim", headers=HTMX,
                           data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and f'id="item-{item.id}"' in html


def test_a_post_without_csrf_token_changes_nothing_mod_7(app, item, make_member, client_for):
    client = client_for(make_member(role="moderator"))
    response = client.post(f"/moderation/items/{item.id}/claim", headers=HTMX, data={})
    assert response.status_code == 400
    db.session.refresh(item)
    assert item.claimed_by_id is None
