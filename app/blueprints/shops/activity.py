"""Activity counts behind the rankings (RANK-2): views, watch-adds and sales per listing per
Bangkok day.

Views are counted without slowing the page: each process adds them up in memory and writes
them in one batch after a response has been sent, at most every few seconds. Watch-adds and
sales are written with the change that causes them.
"""
import threading
import time

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.i18n import bangkok_today
from app.models import ListingActivity

FLUSH_SECONDS = 3.0
FLUSH_SIZE = 500


def upsert_activity(connection, rows):
    """Add ``rows`` ({listing_id, day, views, watch_adds, sales}) to the daily counters."""
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = ListingActivity.__table__
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.listing_id, table.c.day],
        set_={name: getattr(table.c, name) + getattr(statement.excluded, name)
              for name in ("views", "watch_adds", "sales")})
    connection.execute(statement, rows)


def record(listing_id, now, *, watch_adds=0, sales=0):
    """Count watch-adds or sales in the current transaction."""
    upsert_activity(db.session.connection(), [dict(
        listing_id=listing_id, day=bangkok_today(now), views=0, watch_adds=watch_adds,
        sales=sales)])


class ViewCounter:
    """Views added up in memory and flushed in batches (one per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = {}
        self._last_flush = time.monotonic()

    def add(self, listing_id, now):
        """Count one view of a listing."""
        key = (listing_id, bangkok_today(now))
        with self._lock:
            self._pending[key] = self._pending.get(key, 0) + 1

    def clear(self):
        """Forget views not written yet (a test starting on an empty database)."""
        with self._lock:
            self._pending = {}

    def due(self):
        """True when enough views or time have gathered to write them."""
        return len(self._pending) >= FLUSH_SIZE or (
            self._pending and time.monotonic() - self._last_flush >= FLUSH_SECONDS)

    def flush(self, engine):
        """Write the gathered views in one transaction. Returns how many rows were written."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
        if not pending:
            return 0
        rows = [dict(listing_id=listing_id, day=day, views=count, watch_adds=0, sales=0)
                for (listing_id, day), count in sorted(pending.items())]
        try:
            with engine.begin() as connection:
                upsert_activity(connection, rows)
        except Exception:  # a lost batch of views must never break a page
            current_app.logger.exception("could not write %d view counts", len(rows))
            return 0
        return len(rows)


views = ViewCounter()


def count_view(response, listing_id, now):
    """Count a listing view; the batch is written after the response has gone out."""
    views.add(listing_id, now)
    if views.due():
        app = current_app._get_current_object()

        def _flush():
            with app.app_context():
                views.flush(db.engine)

        response.call_on_close(_flush)
    return response
