"""A long-lived random cookie naming the browser, so shill signals can tell that a bid came
from the seller's own device (AUC-12). Set only when a write asks for it, never on pages
that the visitors' page cache might keep."""
import secrets

from flask import current_app, g, request

COOKIE = "talat_device"
MAX_AGE = 2 * 365 * 24 * 3600


def device_id():
    """This browser's device id, creating one (sent with the response) if it has none."""
    value = request.cookies.get(COOKIE, "")
    if value.isalnum() and 16 <= len(value) <= 64:
        return value
    if "talat_new_device" not in g:
        g.talat_new_device = secrets.token_hex(16)
    return g.talat_new_device


def _set_cookie(response):
    new = g.pop("talat_new_device", None)
    if new is not None:
        response.set_cookie(COOKIE, new, max_age=MAX_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure or current_app.config.get(
                                "SESSION_COOKIE_SECURE", False))
    return response


def init_devices(app):
    """Send new device cookies with the response that created them."""
    app.after_request(_set_cookie)
