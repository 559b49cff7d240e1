"""Home, language switch and health check."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from app.blueprints.accounts.services import set_language
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.i18n import LANG_COOKIE
from app.blueprints.main import bp
from app.urls import safe_next


@bp.route("/")
def home():
    """The home page."""
    return render_template("main/home.html")


@bp.route("/language", methods=["POST"])
def switch_language():
    """Switch between Thai and English; remembered in a cookie and on the member's account."""
    form = EmptyForm()
    target = safe_next(request.form.get("next"), url_for("main.home"))
    lang = request.form.get("lang", "")
    response = redirect(target)
    if form.validate_on_submit() and lang in ("th", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax",
                            httponly=True, secure=request.is_secure)
        if current_user.is_authenticated:
            set_language(current_user, lang)
            db.session.commit()
    return response


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
