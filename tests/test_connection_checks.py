"""PostgreSQL connections are checked at checkout without a round trip unless there is a reason
for one (app/connection_checks.py): one the server ended is replaced before a request sees
it, one in steady use is not pinged, one left idle is."""
import time

import pytest
import sqlalchemy as sa

from app import connection_checks
from app.config import engine_options
from tests.conftest import POSTGRES_SERVER, unavailable


@pytest.fixture
def engine():
    """A pool of one connection, configured as the site's, on the test server."""
    engine = sa.create_engine(POSTGRES_SERVER, **{**engine_options(POSTGRES_SERVER),
                                                  "pool_size": 1, "max_overflow": 0})
    connection_checks.check_connections(engine)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        engine.dispose()
        unavailable("REQUIRE_POSTGRES", f"PostgreSQL not reachable: {error}")
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine, monkeypatch):
    """The pings the pool's checks send."""
    sent, ping = [], engine.dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def _backend(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it(engine, pings):
    pid = _backend(engine)
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
    admin = sa.create_engine(POSTGRES_SERVER)
    try:
        with admin.connect() as connection:
            assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"),
                                      {"pid": pid}).scalar()
    finally:
        admin.dispose()
    deadline = time.monotonic() + 5
    while not connection_checks.server_spoke(raw) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert connection_checks.server_spoke(raw)
    # Used at once (well within the idle time): no error, and on a new backend.
    assert _backend(engine) != pid
    assert len(pings) == 1


def test_a_connection_in_steady_use_is_not_pinged(engine, pings):
    backends = {_backend(engine) for _ in range(5)}
    assert len(backends) == 1 and pings == []


def test_a_connection_left_idle_is_pinged_first(engine, pings, monkeypatch):
    pid = _backend(engine)
    monkeypatch.setattr(connection_checks, "IDLE_PING_SECONDS", 0.0)
    time.sleep(0.01)
    assert _backend(engine) == pid
    assert len(pings) == 1


def test_sqlite_keeps_the_pools_own_ping():
    assert engine_options("sqlite:////var/talat.sqlite3")["pool_pre_ping"] is True
    assert engine_options(POSTGRES_SERVER)["pool_pre_ping"] is False


def test_the_site_answers_at_once_after_the_database_ended_its_connections(app, client):
    """A database restart ends every pooled connection; the next request is answered, not
    failed (PostgreSQL: by the checks above; SQLite: by the pool's own ping, kept)."""
    from app.extensions import db

    if db.engine.dialect.name == "sqlite":
        assert db.engine.pool._pre_ping
        assert client.get("/healthz").status_code == 200
        return
    assert client.get("/healthz").status_code == 200
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    assert db.engine.pool.checkedin() == 1  # the one connection the requests use
    admin = sa.create_engine(POSTGRES_SERVER)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()
    deadline = time.monotonic() + 5
    while not connection_checks.server_spoke(raw) and time.monotonic() < deadline:
        time.sleep(0.01)
    db.session.remove()
    assert client.get("/healthz").status_code == 200
