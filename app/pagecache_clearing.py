"""Dropping the pages kept for visitors (app/pagecache.py) when what they may see changes:
an 18+ rating (RANK-1, ACC-3), a paused or deleted listing, a STOP sign (MOD-1), a page
hidden after an upheld complaint (CMP-3), a closed shop, a moderator's rename (ACC-2).

- After the transaction commits, never on rollback (app.database.after_commit): the worker
  that made the change drops its pages at once, and the event bus carries the clear on
  :data:`CHANNEL` to every other worker and host (Redis pub/sub with ``REDIS_URL``).
- Without Redis the bus stays in its process: other gunicorn workers keep their copies until
  they expire, ``PAGE_CACHE_SECONDS`` at most (README, gunicorn.conf.py).
- Every page is dropped, not the changed item's: a listing or an auction shows on the home
  page, searches, its shop, rankings and the board under URLs no one can list, and a page
  costs a few milliseconds to draw again.

Changes are seen where they are written (:func:`_watch_changes`), on the columns the visitors'
conditions and pages read (:data:`WATCHED`), so no service can forget; a bulk ``UPDATE`` of
those columns calls :func:`drop_visitor_pages` itself (app/blueprints/shops/plans.py).
"""
import os
import threading

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.database import after_commit
from app.live.bus import RECONNECTED
from app.models import Auction, Listing, Shop
from app.pagecache import page_cache

#: The bus channel of "drop the visitors' pages".
CHANNEL = "pagecache:clear"

#: Per model, the attributes whose change alters what a visitor may see: those the visitors'
#: SQL conditions read (shops/visibility.py, auctions/visibility.py) and STOP signs. (A
#: moderator's rename of an inappropriate name, ACC-2, drops the pages itself.) Other
#: edits (a title, a price, a bid) show within ``PAGE_CACHE_SECONDS``, as designed.
WATCHED = {
    Listing: ("status", "content_rating", "paused_at", "over_plan_since", "stop_sign"),
    Auction: ("content_rating", "hidden_at", "stop_sign"),
    Shop: ("status", "hidden_at"),
}

_listening_lock = threading.Lock()


class _DropPages:
    """The after-commit effect: drop this worker's pages, then tell the others."""

    def __init__(self, app):
        self.app = app

    def __call__(self):
        page_cache(self.app).clear()
        events = self.app.extensions["talat_bus"]
        if not events.cross_process:
            return
        try:
            events.publish(CHANNEL, {})
        except Exception:  # the others' copies expire within PAGE_CACHE_SECONDS anyway
            self.app.logger.exception("could not tell the other workers to drop their pages")


def drop_visitor_pages(session=None):
    """Once the current transaction commits, drop the pages kept for visitors in every
    worker (once per transaction, however often it is called; never if it rolls back)."""
    if not has_app_context():
        return
    from app.extensions import db

    session = session or db.session()
    if any(isinstance(effect, _DropPages) for effect in session.info.get("talat_effects", ())):
        return
    after_commit(session, _DropPages(current_app._get_current_object()))


def hear_clears(app):
    """Make sure this process drops its pages when another one says so (once per process,
    before it first keeps a page: a forked worker starts its own Redis listener)."""
    state = app.extensions.setdefault("talat_page_cache_listening", {})
    if state.get("pid") == os.getpid():
        return
    events = app.extensions["talat_bus"]
    if not events.cross_process:
        state["pid"] = os.getpid()
        return
    with _listening_lock:
        if state.get("pid") == os.getpid():
            return
        if "listeners" not in state:
            pages = page_cache(app)
            state["listeners"] = [events.listen(channel, lambda _message: pages.clear())
                                  for channel in (CHANNEL, RECONNECTED)]
        else:  # forked after the first page: the hub is inherited, its thread is not
            events.ensure_listening()
        state["pid"] = os.getpid()


#: Listing statuses a visitor sees alike (the page and lists show the stock either way), so a
#: sale that sells a listing out, or new stock, drops nothing: orders would otherwise empty
#: every worker's cache all day. (Stock shown a few seconds late is refused at ordering.)
ON_SALE_ALIKE = frozenset({"active", "sold_out"})


def _changed(obj):
    attributes = inspect(obj).attrs
    for name in WATCHED[type(obj)]:
        history = attributes[name].history
        if not history.has_changes():
            continue
        if name == "status" and isinstance(obj, Listing) and \
                {*history.deleted, *history.added} <= ON_SALE_ALIKE:
            continue
        return True
    return False


@event.listens_for(Session, "after_flush")
def _watch_changes(session, _flush_context):
    """A flush that changed a watched column, or deleted a watched row, drops the pages after
    the commit."""
    for obj in session.deleted:
        if type(obj) in WATCHED:
            drop_visitor_pages(session)
            return
    for obj in session.dirty:
        if type(obj) in WATCHED and _changed(obj):
            drop_visitor_pages(session)
            return
