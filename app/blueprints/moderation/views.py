"""Moderation pages, split by sub-area into the modules imported here."""
from app.blueprints.moderation import audit, queue  # noqa: F401
from app.blueprints.moderation import responses, sign_views, strikes  # noqa: F401
from app.blueprints.moderation import appeals, report_views, sanction_views  # noqa: E402,F401,I001
from app.blueprints.moderation import audit_views, hold_actions, queue_live, queue_views  # noqa: E402,F401,I001
from app.blueprints.complaints import handling_actions  # noqa: E402,F401,I001
