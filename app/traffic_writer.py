"""Traffic-log rows written in batches (ACC-6).

Writing one row in a transaction of its own after every state-changing request cost a bid
about a sixth of its time (a second commit, a WAL flush, the ORM's unit of work). Instead the
request hands its row to this process's :class:`TrafficWriter`, and a background thread
inserts what has gathered every ``TRAFFIC_LOG_FLUSH_SECONDS`` in one statement.

What can be lost: rows not yet written when the process is killed outright (at most one
interval; a normal shutdown, gunicorn's included, writes them at exit). A failed write keeps
its rows for the next attempt, up to ``MAX_PENDING`` rows, beyond which the oldest are dropped
with an error in the log, so a database outage cannot exhaust memory.
"""
import atexit
import logging
import os
import threading

from sqlalchemy import insert

from app.extensions import db
from app.models import TrafficLogEntry

MAX_PENDING = 50_000
log = logging.getLogger(__name__)


class TrafficWriter:
    """Pending rows of one process and the thread that writes them."""

    def __init__(self, app, interval):
        self.app = app
        self.interval = interval
        self._rows = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pid = None
        self._thread = None

    def add(self, row):
        """Queue one row (a dict of TrafficLogEntry columns); never blocks on the database."""
        with self._lock:
            self._rows.append(row)
            if len(self._rows) > MAX_PENDING:
                dropped = len(self._rows) - MAX_PENDING
                del self._rows[:dropped]
                log.error("traffic log: %d unwritten entries dropped", dropped)
            self._start_if_needed()

    def _start_if_needed(self):
        # Started lazily in the process that serves requests: a thread started before
        # gunicorn forks its workers would not exist in them.
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="traffic-log", daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def flush(self):
        """Write every pending row now, in one transaction. Returns how many were written."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            with self.app.app_context(), db.engine.begin() as connection:
                connection.execute(insert(TrafficLogEntry), rows)
        except Exception:
            log.exception("traffic log: %d entries not written; retrying later", len(rows))
            with self._lock:
                self._rows[:0] = rows
            return 0
        return len(rows)


def init_writer(app):
    """The app's writer, or None when rows are written at once (interval 0, the tests)."""
    interval = app.config.get("TRAFFIC_LOG_FLUSH_SECONDS", 0)
    if not interval or interval <= 0:
        return None
    writer = TrafficWriter(app, interval)
    atexit.register(writer.flush)
    return writer
