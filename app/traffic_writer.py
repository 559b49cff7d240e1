"""Traffic-log rows written in batches (ACC-6).

Writing one row in a transaction of its own after every state-changing request cost a bid
about a sixth of its time (a second commit, a WAL flush, the ORM's unit of work). Instead the
request hands its row to this process's writer (a :class:`BatchWorker`), and a background thread
inserts what has gathered every ``TRAFFIC_LOG_FLUSH_SECONDS`` in one statement.

What can be lost: rows not yet written when the process is killed outright (at most one
interval; a normal shutdown, gunicorn's included, writes them at exit). A failed write keeps
its rows for the next attempt, up to ``max_pending`` rows, beyond which the oldest are dropped
with an error in the log, so a database outage cannot exhaust memory.
"""
import atexit
import logging

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from app.background import BatchWorker
from app.extensions import db
from app.models import TrafficLogEntry

log = logging.getLogger(__name__)


def write_rows(app, rows):
    """One insert for the batch; if the database refuses it, row by row, so one row it
    cannot take is dropped (and logged) instead of holding back every other."""
    with app.app_context():
        try:
            with db.engine.begin() as connection:
                connection.execute(insert(TrafficLogEntry), rows)
            return
        except DBAPIError as error:
            if error.connection_invalidated:
                raise  # the database is away: keep the rows for the next round
        for row in rows:
            try:
                with db.engine.begin() as connection:
                    connection.execute(insert(TrafficLogEntry), [row])
            except DBAPIError as error:
                if error.connection_invalidated:
                    raise
                # The database's first line only: its detail can quote the row (addresses).
                reason = (str(error.orig).splitlines() or [type(error.orig).__name__])[0]
                log.error("traffic log: entry dropped, the database refused it: %s %s (%s)",
                          row.get("method"), row.get("action"), reason)


def init_writer(app):
    """The app's writer, or None when rows are written at once (interval 0, the tests)."""
    interval = app.config.get("TRAFFIC_LOG_FLUSH_SECONDS", 0)
    if not interval or interval <= 0:
        return None
    writer = BatchWorker("traffic-log", interval, lambda rows: write_rows(app, rows))
    atexit.register(writer.flush)
    return writer
