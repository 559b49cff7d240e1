"""Traffic log (ACC-6) written in batches: a request hands its entry to the process's writer,
which inserts what has gathered in one statement; nothing is lost when a write fails, and
whoever reads the log (admin page, IP-address requests, the purge) sees every entry."""
import time

from sqlalchemy import select

from app import traffic_writer
from app.extensions import db
from app.models import TrafficLogEntry
from app.traffic import flush_traffic_log
from tests.conftest import post_form


def entries():
    db.session.rollback()
    return db.session.scalars(select(TrafficLogEntry).order_by(TrafficLogEntry.id)).all()


def batched(make_app, seconds=3600):
    app = make_app(TRAFFIC_LOG_FLUSH_SECONDS=seconds)
    return app, app.extensions["traffic_writer"]


def test_entries_wait_for_the_batch_then_are_written_whole_acc_6(make_app, make_member, login):
    """ACC-6: the batched entry has the same member, address, action, target and status."""
    app, writer = batched(make_app)
    with app.app_context():
        member = make_member()
        client = app.test_client()
        login(member.email, target=client)
        post_form(client, "/account", {"display_name": "New Name", "locale": "th"},
                  environ_base={"REMOTE_ADDR": "198.51.100.4"})
        assert entries() == []
        assert flush_traffic_log(app) == 2
        login_entry, profile = entries()
        assert login_entry.action == "accounts.login"
        assert (profile.member_id, profile.ip, profile.target, profile.method,
                profile.status) == (member.id, "198.51.100.4", "/account", "POST", 302)
        assert writer.flush() == 0


def test_the_writer_thread_writes_on_its_own_acc_6(make_app):
    app, _ = batched(make_app, seconds=0.05)
    with app.app_context():
        app.test_client().post("/login", data={"email": "x@talat.example", "password": "y"})
        deadline = time.monotonic() + 10
        while not entries() and time.monotonic() < deadline:
            time.sleep(0.05)
        (entry,) = entries()
        assert (entry.action, entry.status) == ("accounts.login", 400)


def test_a_failed_write_keeps_its_entries_for_the_next_acc_6(make_app, monkeypatch):
    app, writer = batched(make_app)
    with app.app_context():
        client = app.test_client()
        client.post("/login", data={"email": "x@talat.example", "password": "y"})

        def broken(*args, **kwargs):
            raise RuntimeError("database down")

        with monkeypatch.context() as patch:
            patch.setattr(traffic_writer, "insert", broken)
            assert writer.flush() == 0
        client.post("/logout", data={})
        assert writer.flush() == 2
        assert [e.action for e in entries()] == ["accounts.login", "accounts.logout"]


def test_pending_entries_are_bounded_oldest_dropped_first_acc_6(make_app, monkeypatch):
    """A long outage cannot exhaust memory: past max_pending the oldest entries go."""
    app, writer = batched(make_app)
    monkeypatch.setattr(writer, "max_pending", 3)
    with app.app_context():
        for n in range(5):
            writer.add(dict(at=traffic_writer_now(), ip="192.0.2.1", method="POST",
                            action=f"a{n}", target="/x", status=200, user_agent=""))
        assert writer.flush() == 3
        assert [e.action for e in entries()] == ["a2", "a3", "a4"]


def traffic_writer_now():  # noqa: D103
    from app.database import utcnow

    return utcnow()


def test_readers_of_the_log_see_entries_still_in_the_batch_acc_6(make_app, make_member,
                                                                  login):
    """The admin's traffic page and the purge job write pending entries first."""
    from app.jobs import purge_traffic

    app, writer = batched(make_app)
    with app.app_context():
        admin = make_member(role="admin")
        client = app.test_client()
        login(admin.email, target=client)
        page = client.get(f"/admin/traffic?member={admin.id}").get_data(as_text=True)
        assert "accounts.login" in page
        client.post("/logout", data={})
        purge_traffic(app, traffic_writer_now())
        assert [e.action for e in entries()][-1] == "accounts.logout"
        assert writer.flush() == 0


def test_a_row_the_database_refuses_does_not_hold_back_the_others_acc_6(make_app, caplog):
    """A NUL in the path (PostgreSQL refuses NUL in text) is stripped; and should the database
    still refuse one row of a batch, only that row is dropped, logged with the database's
    reason but not with the row's address (the database's detail can quote the row)."""
    app, writer = batched(make_app)
    with app.app_context():
        client = app.test_client()
        client.post("/x\x00y", data={})
        client.post("/login", data={"email": "x@talat.example", "password": "y"})
        assert writer.flush() == 2
        assert [e.target for e in entries()] == ["/xy", "/login"]
        good = dict(at=traffic_writer_now(), ip="192.0.2.1", method="POST", action="ok",
                    target="/ok", status=200, user_agent="")
        writer.add({**good, "status": None})  # NOT NULL: refused by both databases
        writer.add(good)
        assert writer.flush() == 2
        assert [e.action for e in entries()] == ["unknown", "accounts.login", "ok"]
        dropped = [r.getMessage() for r in caplog.records if "entry dropped" in r.getMessage()]
        assert len(dropped) == 1 and "POST ok (" in dropped[0]
        assert "null" in dropped[0].lower() and "192.0.2.1" not in dropped[0]
        assert writer.flush() == 0


def test_a_flush_waits_for_one_under_way_acc_6(make_app):
    """Whoever flushes (the admin page, the purge) sees every entry added before, even while
    the writer thread is in the middle of its own write."""
    import threading

    app, writer = batched(make_app)
    started, release = threading.Event(), threading.Event()
    real = writer.handle

    def slow(rows):
        started.set()
        release.wait(5)
        real(rows)

    writer.handle = slow
    with app.app_context():
        app.test_client().post("/login", data={"email": "x@talat.example", "password": "y"})
        first = threading.Thread(target=writer.flush)
        first.start()
        started.wait(5)
        second = threading.Thread(target=writer.flush)
        second.start()
        second.join(0.3)
        assert second.is_alive()  # waiting for the first write, not returning at once
        release.set()
        first.join(5)
        second.join(5)
        assert [e.action for e in entries()] == ["accounts.login"]
