"""CMP-6: who may decide and see an IP-address request, and until when. A moderator never
decides a request they filed or that names them, the accused never sees it (moderator or
not), and the addresses stop showing at ``closes_at`` by the clock, before the closing job
has run."""
from datetime import timedelta

import pytest

from app.blueprints.ip_requests import decisions
from app.blueprints.ip_requests.errors import IpRequestError
from app.blueprints.moderation import queue
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry
from tests.test_ip_requests import _file, _item, _log

pytestmark = pytest.mark.usefixtures("english")


def test_cmp6_a_moderator_cannot_decide_a_request_they_filed(app, make_member, moderator):
    scammer = make_member(display_name="Scammer")
    request = _file(moderator, scammer)
    for action, form in (("approve", {}), ("reject", {"reason": "No."})):
        with pytest.raises(IpRequestError):
            queue.decide(_item(request), moderator, action, form, now=utcnow())
    db.session.rollback()
    assert request.status == "pending"
    other = make_member(display_name="Other mod", role="moderator")
    queue.decide(_item(request), other, "approve", {}, now=utcnow())
    assert request.status == "approved"


def test_cmp6_an_accused_moderator_neither_decides_nor_sees_the_request(
        app, make_member, client_for):
    victim = make_member(display_name="Victim")
    accused = make_member(display_name="Bent mod", role="moderator")
    _log(accused, "203.0.113.7", utcnow() - timedelta(days=1))
    request = _file(victim, accused)
    with pytest.raises(IpRequestError):
        queue.decide(_item(request), accused, "reject", {"reason": "Nonsense."}, now=utcnow())
    db.session.rollback()
    assert request.status == "pending"
    client = client_for(accused)
    assert client.get(f"/ip-requests/{request.id}").status_code == 404
    assert client.get(f"/ip-requests/{request.id}/report").status_code == 404


def test_cmp6_the_accused_moderator_finds_it_nowhere_in_the_queue(app, make_member,
                                                                  client_for):
    """Found in review: the accused moderator read the whole request (who accuses them, the
    police case, the story) in their review queue, pending or decided."""
    from tests.conftest import csrf_from

    victim = make_member(display_name="Victim")
    accused = make_member(display_name="Bent mod", role="moderator")
    request = _file(victim, accused, description="He sold me a fake amulet and vanished.")
    db.session.commit()
    item = _item(request)
    client = client_for(accused)
    for status in ("open", "done"):
        for kind in ("", "ip_request"):
            page = client.get("/moderation/queue", query_string={"status": status,
                                                                 "kind": kind})
            assert "vanished" not in page.get_data(as_text=True), (status, kind)
    token = csrf_from(client.get("/moderation/queue").get_data(as_text=True))
    for path in ("decide", "claim"):
        response = client.post(f"/moderation/items/{item.id}/{path}", headers={
            "HX-Request": "true"}, data={"csrf_token": token, "action": "reject",
                                         "reason": "Nonsense."})
        assert response.status_code == 404, path
    other = client_for(make_member(display_name="Other mod", role="moderator"))
    assert "vanished" in other.get("/moderation/queue").get_data(as_text=True)


def test_cmp6_the_accused_moderators_queue_counts_leave_the_request_out(app, make_member,
                                                                        client_for):
    """Found in review (CMP-6, MOD-7): the header's "Queue (N)" and the queue's counts
    counted the IP-address request the accused moderator cannot see, so a count that never
    went down told them a request about them was waiting."""
    victim = make_member(display_name="Victim")
    accused = make_member(display_name="Bent mod", role="moderator")
    _file(victim, accused)
    db.session.commit()
    client = client_for(accused)
    assert "Queue (0)" in client.get("/moderation/queue/nav-count").get_data(as_text=True)
    counts = client.get("/moderation/queue/counts").get_data(as_text=True)
    assert 'data-count="all">0<' in counts and 'data-count="ip_request"' not in counts
    assert "Queue (0)" in client.get("/moderation/queue").get_data(as_text=True)
    other = client_for(make_member(display_name="Other mod", role="moderator"))
    assert "Queue (1)" in other.get("/moderation/queue/nav-count").get_data(as_text=True)
    counts = other.get("/moderation/queue/counts").get_data(as_text=True)
    assert 'data-count="all">1<' in counts and 'data-count="ip_request">1<' in counts


def test_cmp6_the_accused_moderator_cannot_close_the_approved_request(app, make_member,
                                                                      moderator, client_for):
    """Found in review: once another moderator approved it, the accused moderator could close
    the request, hiding the addresses from the requester and ending the hold on their own
    traffic log (ACC-6)."""
    from tests.conftest import csrf_from

    victim = make_member(display_name="Victim")
    accused = make_member(display_name="Bent mod", role="moderator")
    request = _file(victim, accused)
    queue.decide(_item(request), moderator, "approve", {}, now=utcnow())
    db.session.commit()
    with pytest.raises(IpRequestError):
        decisions.close(request, accused, now=utcnow())
    db.session.rollback()
    client = client_for(accused)
    token = csrf_from(client.get("/moderation/queue").get_data(as_text=True))
    client.post(f"/ip-requests/{request.id}/close", data={"csrf_token": token})
    db.session.expire_all()
    assert request.status == "approved"
    decisions.close(request, moderator, now=utcnow())
    assert request.status == "closed"
    # The requester is told the addresses went early (found in review: nothing said so).
    from sqlalchemy import select

    from app.models import Notification
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == victim.id)).all()
    assert "ip_request_closed" in kinds
    # The clock's own closing is what the approval already said: no notice.
    assert kinds.count("ip_request_closed") == 1


def test_cmp6_addresses_stop_showing_at_closes_at_before_the_job_runs(
        app, make_member, moderator, client_for):
    victim, scammer = make_member(display_name="Victim"), make_member(display_name="Scammer")
    _log(scammer, "203.0.113.7", utcnow() - timedelta(days=1))
    request = _file(victim, scammer)
    queue.decide(_item(request), moderator, "approve", {}, now=utcnow())
    db.session.commit()
    url = f"/ip-requests/{request.id}"
    assert "203.0.113.7" in client_for(victim).get(url).get_data(as_text=True)
    request.closes_at = utcnow() - timedelta(minutes=1)  # the close-ip-requests job is late
    db.session.commit()
    for viewer in (victim, moderator):
        html = client_for(viewer).get(url).get_data(as_text=True)
        assert "203.0.113.7" not in html and "no longer shown" in html
    with pytest.raises(IpRequestError):
        decisions.release(request, victim, now=utcnow())
    assert db.session.query(AuditEntry).filter_by(action="ip_request.release").count() == 1


def test_cmp6_my_requests_page_loads_in_a_fixed_number_of_queries(app, make_member,
                                                                   client_for):
    """No N+1 on the requester's list: each row names its accused member."""
    from sqlalchemy import event

    victim = make_member(display_name="Victim")
    client = client_for(victim)

    def queries_for_page():
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            html = client.get("/ip-requests/").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), html

    _file(victim, make_member(display_name="Scammer 0"))
    few, _ = queries_for_page()
    for n in range(1, 6):
        _file(victim, make_member(display_name=f"Scammer {n}"))
    many, html = queries_for_page()
    assert "Scammer 5" in html and "Scammer 0" in html
    assert many == few


def test_cmp6_addresses_show_while_the_traffic_log_still_holds_entries_acc_6(
        make_app, make_member):
    """CMP-6, ACC-6: with the traffic log written in batches, the accused's entries the worker
    still holds are written before the addresses are read, and the showing (an audit entry
    written by a reading request) does not fail on SQLite because of that write."""
    from tests.conftest import PASSWORD, post_form

    app = make_app(TRAFFIC_LOG_FLUSH_SECONDS=3600)
    with app.app_context():
        victim, scammer = make_member(display_name="Victim"), make_member(display_name="Scammer")
        mod = make_member(display_name="Mod", role="moderator")
        request = _file(victim, scammer)
        post_form(app.test_client(), "/login", {"email": scammer.email, "password": PASSWORD},
                  environ_base={"REMOTE_ADDR": "198.51.100.99"})
        queue.decide(_item(request), mod, "approve", {}, now=utcnow())
        db.session.commit()
        victim_client = app.test_client()
        post_form(victim_client, "/login", {"email": victim.email, "password": PASSWORD})
        writer = app.extensions["traffic_writer"]
        assert writer._items  # the log-ins are still held, not yet in the table
        response = victim_client.get(f"/ip-requests/{request.id}")
        assert response.status_code == 200
        assert "198.51.100.99" in response.get_data(as_text=True)
        assert db.session.query(AuditEntry).filter_by(action="ip_request.release").count() == 1
