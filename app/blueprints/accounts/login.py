"""Wiring between Flask-Login and our server-side sessions."""
from flask import current_app, g, request, session
from sqlalchemy.exc import OperationalError
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from app.blueprints.accounts import sessions
from app.database import utcnow
from app.extensions import db, login_manager
from app.devices import device_id
from app.net import client_ip

SESSION_TOKEN_KEY = "_user_id"  # where Flask-Login keeps get_id(); for us, the session token


@login_manager.user_loader
def _load_user(token):
    now = utcnow()
    login = sessions.load_session(token, now)
    if login is None:
        return None
    user = login.user
    user._session_token = token
    g.login_to_slide = login.id if sessions.slide_due(login, now) else None
    return user


def load_current_user():
    """before_request: resolve the member once; push back an idle session's expiry.

    The push-back is best effort and never fails a page: on a reading request it is its own
    short write on another connection; on a writing request (already the writer) it is
    committed at once.
    """
    from flask_login import current_user

    if request.endpoint == "static":
        return
    _ = current_user.is_authenticated
    login_id = g.pop("login_to_slide", None)
    if login_id is None:
        return
    statement = sessions.slide_statement(login_id, utcnow())
    try:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            with db.engine.begin() as connection:
                connection.execute(statement)
        else:
            db.session.execute(statement)
            db.session.commit()
    except OperationalError:
        db.session.rollback()
        current_app.logger.warning("session expiry not extended (database busy)")


def log_in(user, remember):
    """Start a fresh session for ``user``: the old cookie's contents are discarded (ACC-1)."""
    token = sessions.start_session(user, remember=remember, ip=client_ip(),
                                   user_agent=request.user_agent.string or "", now=utcnow(),
                                   device=device_id())
    session.clear()
    session.permanent = bool(remember)
    user._session_token = token
    login_user(user, remember=False)


def current_token():
    """The token of the session making this request."""
    return session.get(SESSION_TOKEN_KEY)


def log_out():
    """End this session on the server and in the browser."""
    sessions.end_session(current_token())
    logout_user()
    session.clear()


def return_path():
    """Where to come back to after logging in or switching the language: the page asked for;
    but for a form sent (a POST) or an htmx request, the page it was sent from, on this site,
    since the address it went to answers only a POST (405 on the way back) or only a
    fragment."""
    from urllib.parse import urlsplit

    from app.htmx import wants_fragment
    from app.urls import safe_next

    came_from = request.headers.get("HX-Current-URL") or request.referrer or ""
    if request.method == "GET" and (not wants_fragment() or not came_from):
        return safe_next(request.full_path.rstrip("?"), None)
    source = urlsplit(came_from)
    if source.netloc != request.host:
        return None
    return safe_next(source.path + (f"?{source.query}" if source.query else ""), None)


#: Pages a visitor would not want to come back to after logging in from the header: the
#: account pages about logging in or signing up themselves (the log-in page's own ``next``
#: is kept by its form).
_NO_RETURN_ENDPOINTS = frozenset({
    "accounts.login", "accounts.register", "accounts.sign_up_sent", "accounts.confirm_sign_up",
    "accounts.send_sign_up_link_again", "accounts.forgot_password", "accounts.reset_password",
    "accounts.guardian_consent", "accounts.logout", "main.home"})


def login_link_next():
    """The ``next`` of the header's "Log in" link: the page the visitor is on, so logging in
    from a listing or an auction brings them back to it instead of to the home page; None on
    the home page and the log-in and sign-up pages themselves."""
    if request.endpoint in _NO_RETURN_ENDPOINTS:
        return None
    return return_path()


def unauthorized():
    """Visitors go to the log-in page; an htmx request is told to go there as a whole page,
    instead of getting the log-in form swapped into part of the page."""
    from flask import flash, redirect, url_for

    from app.htmx import wants_fragment

    target = url_for("accounts.login", next=return_path())
    if request.headers.get("HX-Request") == "true":
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    if not wants_fragment():
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(target)


def init_login(app):
    """Configure Flask-Login and the eager user loading."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None
    login_manager.unauthorized_handler(unauthorized)
    app.jinja_env.globals["return_path"] = return_path
    app.jinja_env.globals["login_link_next"] = login_link_next
    app.before_request(load_current_user)
