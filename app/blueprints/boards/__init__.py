"""Public boards: fake reports from auctions and from shops, STOP lift requests (AUC-5,
SHOP-7, MOD-3)."""
from flask import Blueprint

bp = Blueprint("boards", __name__, url_prefix="/boards")

from app.blueprints.boards import views  # noqa: E402,F401
