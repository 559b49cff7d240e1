"""Live updates: the event bus and the helpers services use to publish after commit
(see ARCHITECTURE.md, Live updates)."""
import os

from flask import current_app

from app.database import after_commit
from app.extensions import db
from app.live.bus import InProcessBus, RedisBus, StreamSlots


def _stream_limit(app):
    """``LIVE_MAX_STREAMS`` from the config or the environment (gunicorn.conf.py sets a
    default from its thread count); unset or negative means no cap."""
    value = app.config.get("LIVE_MAX_STREAMS", os.environ.get("LIVE_MAX_STREAMS", ""))
    if value is None or str(value).strip() == "":
        return None
    value = int(value)
    return None if value < 0 else value


def init_live(app):
    """Give the app its event bus (Redis pub/sub with ``REDIS_URL``, else in-process) and its
    cap on open live streams."""
    url = app.config.get("REDIS_URL")
    # Channels are prefixed per Redis database unless ``LIVE_CHANNEL_PREFIX`` says otherwise.
    prefix = app.config.get("LIVE_CHANNEL_PREFIX") or os.environ.get("LIVE_CHANNEL_PREFIX")
    app.extensions["talat_bus"] = RedisBus(url, prefix=prefix) if url else InProcessBus()
    app.extensions["talat_stream_slots"] = StreamSlots(_stream_limit(app))


def bus():
    """The app's event bus."""
    return current_app.extensions["talat_bus"]


def stream_slots():
    """The app's cap on open live streams in this process."""
    return current_app.extensions["talat_stream_slots"]


def publish_after_commit(channel, payload):
    """Publish ``payload`` on ``channel`` once the current transaction commits."""
    target = bus()

    def send():
        try:
            target.publish(channel, payload)
        except Exception:  # a lost event costs a page one poll interval, never the bid
            current_app.logger.exception("could not publish a live event")

    after_commit(db.session, send)
