"""Help centre: articles in Thai and English, their contents and links, and a search that
finds any part of a word (HELP-1 … HELP-6)."""
from flask import Blueprint, url_for

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.app_template_global()
def help_url(slug, anchor=None):
    """The URL of the help article ``slug`` (optionally at a heading), for contextual links."""
    return url_for("help.article", slug=slug, _anchor=anchor)


from app.blueprints.help import views  # noqa: E402,F401  (registers the routes)
