"""How many requests one worker process runs at once (``ACTIVE_REQUESTS_PER_WORKER``).

A gthread worker has many threads (gunicorn.conf.py) so that open live pages can each hold
one while they wait. Threads that all run Python at once, though, only take turns on the
interpreter lock: on this project's two cores, eight bid posts running together in a worker
cost each about a third more CPU than two at a time (futex traffic, lock hand-offs,
colder caches), so the worker answered fewer. So a request runs its view only while it
holds one of a few slots per worker; the others wait for one, costing nothing meanwhile.

What never waits for a slot, and holds none:

- a live stream's events: the view returns a streaming response at once and the events are
  produced while gunicorn sends them, outside the slot;
- the request body: a small one (up to ``PREREAD_BYTES``, every form but an upload) is read
  in full before the request asks for a slot, so a client sending slowly cannot hold one;
  a bigger body (photo and evidence uploads) or one of unknown length is not limited at all.

A request holding a slot never waits for one that does not: database locks are only taken
inside requests (holding slots) and in background threads (which need none), so whatever it
waits for is making progress.
"""
import io
import threading

#: Bodies up to this size are read before the request waits for a slot.
PREREAD_BYTES = 64 * 1024


class RequestSlots:
    """WSGI middleware: at most ``slots`` requests of this process run at once."""

    def __init__(self, wsgi_app, slots):
        self.wsgi_app = wsgi_app
        self.slots = threading.BoundedSemaphore(slots)

    def __call__(self, environ, start_response):
        if not _read_body_first(environ):
            return self.wsgi_app(environ, start_response)
        with self.slots:
            return self.wsgi_app(environ, start_response)


def _read_body_first(environ):
    """Read a small body into memory (so the view finds it there); False when the body is
    too big or of unknown length, and the request goes unlimited."""
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        return False
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True  # the app answers 400; nothing to read
    if length <= 0:
        return True
    if length > PREREAD_BYTES:
        return False
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return True


def init_request_slots(app):
    """Limit the app to ``ACTIVE_REQUESTS_PER_WORKER`` requests at once (0: no limit)."""
    slots = app.config["ACTIVE_REQUESTS_PER_WORKER"]
    if slots > 0:
        app.wsgi_app = RequestSlots(app.wsgi_app, slots)
