"""Moderation pages (the queue views are added by the queue work)."""
from app.blueprints.moderation import audit, queue  # noqa: F401
