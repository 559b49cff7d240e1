"""Moderation: STOP signs, strikes, reports, the review queue, sanctions, appeals and the
audit log (MOD-1 … MOD-11).

Moderation reaches into the other domains only through their services (ARCHITECTURE.md).
One blueprint; its views are split by sub-area into modules imported below.
"""
from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from app.blueprints.moderation import views  # noqa: E402,F401
