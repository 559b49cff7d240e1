"""Server-sent events: one event's wire format and the streaming response every live page
uses (no caching, no proxy buffering; see ARCHITECTURE.md, Live updates).

A stream is a generator of text chunks that yields a :class:`Wait` between events instead of
blocking. Served by the stream hub of a gunicorn worker (app/live/hub.py) it holds no thread
while it waits; anywhere else (the development server, the test client) the thread that
serves it waits in its place."""
from flask import Response, g, request, stream_with_context
from flask.globals import request_ctx

from app.live.hub import HUB_KEY, STREAM_KEY, HubStream, Wait  # noqa: F401 (Wait: for streams)


def sse_event(name, data):
    """One SSE event named ``name`` carrying ``data`` (each line as a ``data:`` line)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n"


def sse_response(stream):
    """Stream the generator ``stream`` (a function) as ``text/event-stream``: handed to the
    worker's stream hub when there is one, else served by this thread."""
    if request.environ.get(HUB_KEY):
        request.environ[STREAM_KEY] = HubStream(
            stream(), request_ctx._get_current_object(), g.get("_login_user"))
        body = iter(())  # an iterator, not a list: no Content-Length, the stream stays open
    else:
        body = stream_with_context(_waiting_here(stream()))
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _waiting_here(chunks):
    """The stream's chunks, this thread waiting wherever the stream waits."""
    for chunk in chunks:
        if isinstance(chunk, Wait):
            chunk.subscription.wait(chunk.timeout)
        else:
            yield chunk
