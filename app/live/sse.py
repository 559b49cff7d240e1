"""Server-sent events: one event's wire format and the streaming response every live page
uses (no caching, no proxy buffering; see ARCHITECTURE.md, Live updates)."""
from flask import Response, stream_with_context


def sse_event(name, data):
    """One SSE event named ``name`` carrying ``data`` (each line as a ``data:`` line)."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n"


def sse_response(stream):
    """Stream the generator ``stream`` (a function) as ``text/event-stream``."""
    response = Response(stream_with_context(stream()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
