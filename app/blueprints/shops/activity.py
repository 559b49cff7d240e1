"""Activity counts behind the rankings (RANK-2): views, watch-adds and sales per listing per
Bangkok day.

Views are counted without slowing the page: each process gathers them in memory and writes
them in one batch after a response has been sent, at most every few seconds. A view counts
once a viewer a listing a Bangkok day (a member, or a visitor's address and browser): the
batch records who has viewed (:class:`ViewSeen`, a keyed hash) and counts only the viewers
new that day, whichever process served them. The shop's own people and crawlers are not
counted. Watch-adds and sales are written with the change that causes them.
"""
import hashlib
import hmac
import re
import threading
import time
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.i18n import bangkok_today
from app.models import ListingActivity, ViewSeen

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


#: User agents of crawlers, link previews and scripts, whose fetches are not views. (Names of
#: their own, "…bot/2.1" and the like: a phone called CUBOT is a browser.)
CRAWLERS = re.compile(
    r"bot/|bot-|bot\.html|\bbot\b|crawl|spider|slurp|facebookexternalhit|whatsapp|"
    r"telegrambot|preview|^curl/|^wget/|^python|^go-http-client|^java/|^okhttp",
    re.IGNORECASE)


def viewer_key(user_id, ip, user_agent, day):
    """Who views, as a keyed hash that changes every day: ``m<id>`` for a member, a
    visitor's address and browser otherwise. The key is derived from the site's secret for
    this purpose alone; without it the hash says nothing, and the rows are deleted after two
    days (:func:`purge_views_seen`)."""
    who = f"m{user_id}" if user_id is not None else f"v{ip}|{(user_agent or '')[:256]}"
    return hmac.new(_views_key(), f"{day.isoformat()}|{who}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def _views_key():
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"talat.listing-views-seen", hashlib.sha256).digest()


def is_crawler(user_agent):
    """Whether a request comes from a crawler (or sends no browser at all)."""
    return not user_agent or CRAWLERS.search(user_agent) is not None


def _insert_seen(connection, rows):
    """Record ``rows`` ({listing_id, day, viewer}) as seen; the (listing_id, day) of those
    that were new."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = ViewSeen.__table__
    statement = (dialect.insert(table).on_conflict_do_nothing()
                 .returning(table.c.listing_id, table.c.day))
    return [tuple(row) for row in connection.execute(statement, rows)]


def purge_views_seen(now):
    """Forget who viewed listings before yesterday (Bangkok days): those days are counted."""
    result = db.session.execute(delete(ViewSeen).where(
        ViewSeen.day < bangkok_today(now) - timedelta(days=1)))
    return result.rowcount


class ViewCounter:
    """Views gathered in memory and flushed in batches (one per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = set()
        self._last_flush = time.monotonic()

    def add(self, listing_id, now, viewer):
        """One view of a listing by ``viewer`` (:func:`viewer_key` of the same day)."""
        key = (listing_id, bangkok_today(now), viewer)
        with self._lock:
            self._pending.add(key)

    def clear(self):
        """Forget views not written yet (a test starting on an empty database)."""
        with self._lock:
            self._pending = set()

    def due(self):
        """True when enough views or time have gathered to write them."""
        return len(self._pending) >= FLUSH_SIZE or (
            self._pending and time.monotonic() - self._last_flush >= FLUSH_SECONDS)

    def flush(self, engine):
        """Write the gathered views in one transaction: who viewed, and the counts of the
        viewers new that day. Returns how many listing-days were counted up."""
        with self._lock:
            pending, self._pending = self._pending, set()
            self._last_flush = time.monotonic()
        if not pending:
            return 0
        seen = [dict(listing_id=listing_id, day=day, viewer=viewer)
                for listing_id, day, viewer in sorted(pending)]
        try:
            with engine.begin() as connection:
                new = Counter(_insert_seen(connection, seen))
                rows = [dict(listing_id=listing_id, day=day, views=count, watch_adds=0,
                             sales=0) for (listing_id, day), count in sorted(new.items())]
                upsert_activity(connection, rows)
        except Exception:  # a lost batch of views must never break a page
            current_app.logger.exception("could not write %d views", len(seen))
            return 0
        return len(rows)


views = ViewCounter()


def count_view(response, listing_id, now, *, user_id, ip, user_agent):
    """Count a listing's view by a member (``user_id``) or a visitor (``ip`` and
    ``user_agent``), unless a crawler's; the batch is written after the response has gone
    out."""
    if user_id is None and is_crawler(user_agent):
        return response
    views.add(listing_id, now, viewer_key(user_id, ip, user_agent, bangkok_today(now)))
    if views.due():
        app = current_app._get_current_object()

        def _flush():
            with app.app_context():
                views.flush(db.engine)

        response.call_on_close(_flush)
    return response
