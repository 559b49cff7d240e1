"""Accounts: sign-up, log-in, password reset, profile (ACC-1 … ACC-4)."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.blueprints.accounts import notification_views, views  # noqa: E402,F401  (routes)
from app.blueprints.accounts import deletion_views  # noqa: E402,F401,I001  (ACC-9)
from app.blueprints.accounts import stale_forms  # noqa: E402,F401,I001  (expired forms)
from app.blueprints.accounts import guardian_views  # noqa: E402,F401,I001  (ACC-3)
from app.blueprints.accounts import signup_views  # noqa: E402,F401,I001  (ACC-1)
from app.blueprints.accounts import held_photo_views  # noqa: E402,F401,I001  (SHOP-3, AUC-1)
