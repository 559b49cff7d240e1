"""A few seconds of page caching for visitors who are not logged in.

Browse, search, shop, ranking and auction pages look the same to every visitor in one language, and
they are what scrapers and crowds hit hardest. Their rendered HTML is kept for
``PAGE_CACHE_SECONDS`` per (language, URL, fragment or page). Members always get fresh pages.

The only per-visitor part of such a page is its CSRF token: it is stored as a placeholder and
each visitor gets their own on the way out; so is the server's clock of an auction's countdown
(app.server_clock). Pages that show a flashed message are never kept.

Each app keeps its own pages (one per gunicorn worker). A change to what visitors may see
drops them in every worker and host at once (app/pagecache_clearing.py).
"""
import threading
import time
from collections import OrderedDict

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from app.htmx import wants_fragment
from app.i18n import current_language
from app.server_clock import stamped, unstamped

# Auction pages are safe to keep a few seconds: their live panel connects with the version
# it was rendered at and is sent the current state at once if that has moved on.
CACHED_ENDPOINTS = frozenset({"main.home", "search.results", "shops.index", "shops.shop",
                              "shops.ranking_lists", "auctions.board", "auctions.auction"})
MAX_ENTRIES = 512
PLACEHOLDER = "\x00csrf\x00"


class PageCache:
    """Rendered pages by key, oldest dropped first; safe to share between threads.

    ``generation`` counts the clears: a page rendered while a clear happened (from data read
    before the change it drops pages for) is not kept (:meth:`put`)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = OrderedDict()
        self.generation = 0

    def get(self, key, now):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                return None
            return entry[1:]

    def put(self, key, expires, body, status, headers, generation=None):
        """Keep a page, unless the cache was cleared since ``generation`` (when given) was
        read: it may show what the clear was for. True when kept."""
        with self._lock:
            if generation is not None and generation != self.generation:
                return False
            self._entries[key] = (expires, body, status, headers)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
            return True

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.generation += 1

    def __len__(self):
        with self._lock:
            return len(self._entries)

    def bodies(self):
        """The kept pages' HTML (tests)."""
        with self._lock:
            return [entry[1] for entry in self._entries.values()]


def page_cache(app=None):
    """The pages ``app`` (the current app by default) keeps in this process."""
    return (app or current_app).extensions["talat_page_cache"]


def _cacheable():
    seconds = current_app.config.get("PAGE_CACHE_SECONDS", 0)
    return (seconds > 0 and request.method == "GET" and request.endpoint in CACHED_ENDPOINTS
            and "_user_id" not in session and "_flashes" not in session)


def _key():
    return (current_language(), request.full_path, wants_fragment())


def serve_cached():
    """before_request: answer from the cache when we can."""
    if not _cacheable():
        return None
    from app.pagecache_clearing import hear_clears

    hear_clears(current_app)
    pages = page_cache()
    hit = pages.get(_key(), time.monotonic())
    if hit is None:
        g.page_cache_key, g.page_cache_generation = _key(), pages.generation
        return None
    body, status, headers = hit
    response = current_app.response_class(
        stamped(body.replace(PLACEHOLDER, generate_csrf())), status=status, headers=headers)
    response.headers["X-Page-Cache"] = "hit"
    return response


def keep_page(response):
    """after_request: keep a fresh page for the next visitors."""
    key, generation = g.pop("page_cache_key", None), g.pop("page_cache_generation", None)
    if key is None or response.status_code != 200 or response.direct_passthrough:
        return response
    if "_flashes" in session or "_user_id" in session:
        return response
    body = response.get_data(as_text=True)
    token = generate_csrf()
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"]
    page_cache().put(key, time.monotonic() + current_app.config["PAGE_CACHE_SECONDS"],
                     unstamped(body.replace(token, PLACEHOLDER)), response.status_code, headers,
                     generation)
    response.headers["X-Page-Cache"] = "miss"
    return response


def init_page_cache(app):
    """Give the app its page cache and install the hooks (after the user is loaded, before the
    views)."""
    from app import pagecache_clearing  # noqa: F401 (watches the changes that drop pages)

    app.extensions["talat_page_cache"] = PageCache()
    app.before_request(serve_cached)
    app.after_request(keep_page)
