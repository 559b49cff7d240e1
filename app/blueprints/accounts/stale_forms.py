"""Account forms refused before their view ran: sent after their CSRF token expired (left
open overnight, a tab restored), or past a rate limit.

A stale log-in or sign-up form comes back filled in as it was sent (passwords excepted: they
are never written into a page) with a fresh token and a word of why, instead of an error page
that loses a birth date and a guardian's details. A stale log-out offers a fresh log-out
button, so nobody leaves a shared computer still logged in. Nothing is done on a stale form's
say-so: a forged cross-site log-in or log-out still changes nothing without a click on our
own page.
"""
from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from app.blueprints.accounts import bp
from app.blueprints.accounts.forms import LoginForm, RegisterForm, ResetRequestForm
from app.forms import EmptyForm
from app.htmx import wants_fragment
from app.urls import safe_next

#: What a form had not sent because its token was stale.
STALE_FORM = _l("The form had expired, so nothing was sent. What you typed is below "
                "(passwords excepted): check it and send it again.")
#: Form fields never copied back into a page.
_SECRET_FIELDS = frozenset({"password", "password_confirm", "current_password", "csrf_token"})


def _kept_input():
    return MultiDict([(name, value) for name, value in request.form.items(multi=True)
                      if name not in _SECRET_FIELDS])


def _stale_login():
    if current_user.is_authenticated:
        return None  # nothing to fill in: the site's own page
    next_url = safe_next(request.args.get("next"), url_for("main.home"))
    form = LoginForm(formdata=_kept_input())
    form.form_errors.append(str(STALE_FORM))
    return render_template("accounts/login.html", form=form, next_url=next_url), 400


def _stale_register():
    if current_user.is_authenticated:
        return None
    form = RegisterForm(formdata=_kept_input())
    form.form_errors.append(str(STALE_FORM))
    return render_template("accounts/register.html", form=form), 400


def _stale_logout():
    if not current_user.is_authenticated:
        return None  # nobody to log out: the site's own page
    return render_template("accounts/logout_confirm.html", form=EmptyForm()), 400


STALE_FORM_ANSWERS = {"accounts.login": _stale_login, "accounts.register": _stale_register,
                      "accounts.logout": _stale_logout}


#: Forms that come back as typed past a rate limit: endpoint → (form class, template).
LIMITED_FORMS = {"accounts.login": (LoginForm, "accounts/login.html"),
                 "accounts.register": (RegisterForm, "accounts/register.html"),
                 "accounts.forgot_password": (ResetRequestForm, "accounts/forgot_password.html")}


@bp.errorhandler(429)
def too_many(error):
    """Past a limit, the sign-up, log-in or forgotten-password form comes back as typed
    (passwords excepted) and says how long to wait, not a bare page that loses it (ACC-8)."""
    from app.errors import form_again_past_limit, handle_http_error

    if wants_fragment():
        return handle_http_error(error)
    context = {}
    if request.endpoint == "accounts.login":
        context["next_url"] = safe_next(request.args.get("next"), url_for("main.home"))
    return form_again_past_limit(error, LIMITED_FORMS, formdata=_kept_input(), **context)


@bp.errorhandler(CSRFError)
def form_expired(error):
    """A refused CSRF token on the log-in, sign-up or log-out form; other forms of the
    blueprint keep the site's own "form expired" page."""
    from app.errors import handle_csrf_error

    answer = STALE_FORM_ANSWERS.get(request.endpoint)
    if answer is not None and request.method == "POST" and not wants_fragment():
        response = answer()
        if response is not None:
            return response
    return handle_csrf_error(error)
