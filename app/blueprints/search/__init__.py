"""Search: listings and shops found by any part of a word, Thai or Latin, as you type."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from app.blueprints.search import views  # noqa: E402,F401  (registers the routes)
