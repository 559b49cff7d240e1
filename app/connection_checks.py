"""A pooled PostgreSQL connection is checked before a request uses it, without a round trip
when there is no reason for one.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` and waits for the answer on every checkout:
one more round trip for every request, about as costly as a request's own statement. A
connection that the server ended (a restart, ``pg_terminate_backend``, a server process that
died: its kernel closes the socket) has been sent the server's farewell or its end of the
socket, so its socket reads as ready although this side sent nothing: that check is one
non-blocking ``poll``. Only such a connection, and one left idle long enough for something in
between (a firewall, a NAT) to have dropped it without a word, is pinged the way
``pool_pre_ping`` does; one that fails the ping is replaced before the request sees it (the
pool's own retry on :class:`~sqlalchemy.exc.DisconnectionError`).

What this gives up: a connection used within the idle time whose server vanished without a
word reaching this side (the host lost, an address moved to another machine) fails the first
request that uses it; SQLAlchemy then drops the whole pool, so about one request a worker. The
pool hands out the most recently returned connection first (``pool_use_lifo``), so under light
load the same few stay warm instead of each ageing past the idle time.
"""
import select
import time

from sqlalchemy import event, exc

#: A connection idle in the pool longer than this is pinged before use.
IDLE_PING_SECONDS = 10.0

_CHECKED_IN = "talat_checked_in"


def check_connections(engine):
    """Check ``engine``'s pooled connections at checkout as described above. SQLite keeps
    SQLAlchemy's own ``pool_pre_ping`` (no socket, nothing to save)."""
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _note_fresh(_dbapi_connection, record):
        if record is not None:
            record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy):
        idle = time.monotonic() - record.info.get(_CHECKED_IN, float("-inf"))
        if idle <= IDLE_PING_SECONDS and not server_spoke(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever went wrong, this connection is not to be used
            raise exc.DisconnectionError(f"connection failed its check: {error}") from error


def server_spoke(dbapi_connection):
    """True when the server sent something (or closed) while nobody was asking: an idle
    connection with data to read has been ended or was told something worth a ping."""
    try:
        fileno = dbapi_connection.fileno()
    except Exception:  # already closed on this side
        return True
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
