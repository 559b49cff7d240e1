"""Error pages in the visitor's language that say what happened and leak nothing."""
import time

from flask import current_app, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.htmx import wants_fragment

MESSAGES = {
    400: (_l("Something in the request was wrong"),
          _l("The server could not understand what was sent. Please go back and try again.")),
    403: (_l("You may not do this"),
          _l("Your account does not have permission for this page or action.")),
    404: (_l("Page not found"),
          _l("The page may have been moved or removed, or the address may be mistyped.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("The upload is too large"),
          _l("The files you sent are larger than we accept. Please send smaller files.")),
    429: (_l("Too many requests"),
          _l("You have sent too many requests in a short time. Please wait a while and try "
             "again.")),
    500: (_l("Something went wrong on our side"),
          _l("We have been told about it. Please try again in a moment.")),
}
CSRF_MESSAGE = (_l("The form has expired"),
                _l("For your security a form can only be sent for a limited time. Please reload "
                   "the page and send the form again."))


def render_error(status, title, message):
    """The error page, or its fragment for htmx.

    If the full page cannot be drawn (the database is down, say, and the header wants the
    member), a plain page that needs nothing but the message is sent instead.
    """
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    try:
        body = render_template(template, status=status, title=title, message=message)
    except Exception:  # noqa: BLE001 (the plain page is the last resort)
        db.session.rollback()
        current_app.logger.exception("error page could not be drawn")
        body = render_template("errors/plain.html", status=status, title=title, message=message)
    response = make_response(body, status)
    response.headers.add("Vary", "HX-Request")
    return response


def wait_message():
    """How long until the limit a request ran into lets the next one through, in words."""
    from app.extensions import limiter

    current = limiter.current_limit
    seconds = current.reset_at - time.time() if current is not None else 0
    if seconds <= 0:
        return str(MESSAGES[429][1])
    if seconds <= 90:
        return str(_l("You have sent too many requests in a short time. Please wait a minute "
                      "and try again."))
    return str(ngettext("You have sent too many requests in a short time. Please try again in "
                   "about %(num)d minute.", "You have sent too many requests in a short time. "
                   "Please try again in about %(num)d minutes.", max(2, round(seconds / 60))))


def handle_http_error(error):
    """Any HTTPException: our own page, never the default trace or text."""
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    title, message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    if status == 429:
        message = wait_message()
    return render_error(status, title, message)


def form_again_past_limit(error, pages, *, formdata=None, **context):
    """Past a rate limit, the form a POST to one of ``pages`` (``{endpoint: (form class,
    template)}``) sent comes back as it was sent (``formdata``: what of it to show again,
    the request's by default) with how long to wait, instead of a bare page that loses what
    was typed; any other request gets the site's own 429 page."""
    from flask import request

    if request.endpoint not in pages or request.method != "POST":
        return handle_http_error(error)
    form_class, template = pages[request.endpoint]
    form = form_class() if formdata is None else form_class(formdata=formdata)
    form.form_errors.append(wait_message())
    return render_template(template, form=form, **context), 429  # (Retry-After: Flask-Limiter)


def handle_csrf_error(error):
    """A missing or stale CSRF token (every POST needs one)."""
    return render_error(400, *CSRF_MESSAGE)


def register_error_handlers(app):
    """Install the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    # Unhandled exceptions reach this as a 500 InternalServerError (outside tests).
    app.register_error_handler(HTTPException, handle_http_error)
