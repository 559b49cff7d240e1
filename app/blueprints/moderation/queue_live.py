"""Counts per kind for the queue's navigation, kept live (MOD-7): a server-sent-events stream
on the bus channel ``moderation:queue`` re-sends the counts fragment after every change, with
htmx polling as the fallback. The stream holds no database connection while it waits and
ends after ``LIVE_STREAM_SECONDS``; past ``LIVE_MAX_STREAMS`` it answers 204 and the page
polls."""
import time

from flask import Response, current_app, render_template
from flask_login import current_user

from app.blueprints.moderation import bp, queue
from app.extensions import db
from app.live import bus, stream_slots
from app.live.sse import Wait, sse_event, sse_response
from app.permissions import can_moderate, require


def counts_context(viewer_id):
    """``counts`` per kind (every kind listed, zero where none) and their ``total``, of the
    items moderator ``viewer_id`` can see."""
    counts = queue.open_counts(viewer_id)
    return dict(counts={kind: counts.get(kind, 0) for kind in queue.KIND_LABELS},
                total=sum(counts.values()), kinds=queue.KIND_LABELS)


def _counts_html(viewer_id):
    try:
        return render_template("moderation/_counts.html", **counts_context(viewer_id))
    finally:
        db.session.remove()


@bp.route("/queue/counts")
@require(can_moderate)
def queue_counts():
    """The counts fragment (the polling fallback of the live stream)."""
    response = current_app.make_response(render_template("moderation/_counts.html",
                                                         **counts_context(current_user.id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/queue/nav-count")
@require(can_moderate)
def queue_nav_count():
    """The header's "Queue (N)" link, which polls itself."""
    response = current_app.make_response(render_template("moderation/_nav_count.html"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/queue/live")
@require(can_moderate)
def queue_live():
    """Server-sent events: the counts fragment after every queue change, pings between."""
    slots = stream_slots()
    if not slots.acquire():
        db.session.remove()
        return Response(status=204, headers={"Cache-Control": "no-store"})
    try:
        response = _live_response()
    except BaseException:
        slots.release()
        raise
    response.call_on_close(slots.release)
    return response


def _live_response():
    viewer_id = current_user.id
    first = _counts_html(viewer_id)
    config = current_app.config
    ping, lifetime = config["LIVE_PING_SECONDS"], config["LIVE_STREAM_SECONDS"]
    events = bus()
    # Without Redis, changes made by other workers never reach this process's bus: the
    # stream then re-reads the counts every ping instead (one grouped, indexed count).
    local_only = not getattr(events, "cross_process", False)

    def stream():
        subscription = events.subscribe(queue.QUEUE_CHANNEL)
        try:
            yield ": connected\nretry: 2000\n\n"
            last = first
            yield sse_event("counts", first)
            deadline = time.monotonic() + lifetime
            while time.monotonic() < deadline:
                message = subscription.get(timeout=0)
                if message is None:
                    yield Wait(subscription, ping)  # a queue change, or ``ping`` seconds
                    message = subscription.get(timeout=0)
                if message is None and not local_only:
                    yield ": ping\n\n"
                    continue
                html = _counts_html(viewer_id)
                if html != last:
                    last = html
                    yield sse_event("counts", html)
                else:
                    yield ": ping\n\n"
        finally:
            subscription.close()

    return sse_response(stream)
