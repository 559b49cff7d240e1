"""Admin pages: members and roles, login blocks, the e-mail outbox, the traffic log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.blueprints.admin import catalog_views, views  # noqa: E402,F401
from app.blueprints.admin import complaint_settings_views  # noqa: E402,F401
