"""Live updates: the event bus and the helpers services use to publish after commit
(see ARCHITECTURE.md, Live updates)."""
from flask import current_app

from app.database import after_commit
from app.extensions import db
from app.live.bus import InProcessBus, RedisBus


def init_live(app):
    """Give the app its event bus: Redis pub/sub with ``REDIS_URL``, else in-process."""
    url = app.config.get("REDIS_URL")
    app.extensions["talat_bus"] = RedisBus(url) if url else InProcessBus()


def bus():
    """The app's event bus."""
    return current_app.extensions["talat_bus"]


def publish_after_commit(channel, payload):
    """Publish ``payload`` on ``channel`` once the current transaction commits."""
    target = bus()

    def send():
        try:
            target.publish(channel, payload)
        except Exception:  # a lost event costs a page one poll interval, never the bid
            current_app.logger.exception("could not publish a live event")

    after_commit(db.session, send)
