"""Wiring between Flask-Login and our server-side sessions."""
from flask import request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from app.blueprints.accounts import sessions
from app.database import utcnow
from app.extensions import db, login_manager
from app.net import client_ip

SESSION_TOKEN_KEY = "_user_id"  # where Flask-Login keeps get_id(); for us, the session token


@login_manager.user_loader
def _load_user(token):
    login = sessions.load_session(token, utcnow())
    if login is None:
        return None
    user = login.user
    user._session_token = token
    return user


def load_current_user():
    """before_request: resolve the member once, and save a slid expiry straight away."""
    from flask_login import current_user

    if request.endpoint == "static":
        return
    _ = current_user.is_authenticated
    if db.session.dirty:
        db.session.commit()


def log_in(user, remember):
    """Start a fresh session for ``user``: the old cookie's contents are discarded (ACC-1)."""
    token = sessions.start_session(user, remember=remember, ip=client_ip(),
                                   user_agent=request.user_agent.string or "", now=utcnow())
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


def init_login(app):
    """Configure Flask-Login and the eager user loading."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None
    app.before_request(load_current_user)
