"""Admin pages: members and roles, shops and plans, login blocks, the e-mail outbox, the traffic
log, the catalogue (prohibited goods, frozen sections) and complaint settings."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.blueprints.admin import catalog_views, views  # noqa: E402,F401
from app.blueprints.admin import complaint_settings_views  # noqa: E402,F401
from app.blueprints.admin import shop_views  # noqa: E402,F401
