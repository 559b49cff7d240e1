"""The security baseline every response gets: strict headers, cookies that are Secure whenever
the request came over HTTPS, and no caching of pages that belong to one member."""
from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class TalatSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure on HTTPS even if the config says not."""

    def get_cookie_secure(self, app):
        try:
            return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)
        except RuntimeError:
            return bool(app.config["SESSION_COOKIE_SECURE"])


def add_security_headers(response):
    """after_request hook: the headers named in the security baseline."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def init_security(app):
    """Install the session interface, the proxy fix (if configured) and the header hook.
    (A name put into a flashed notice is escaped by app.i18n's ``__html__`` for lazy
    messages, before the session stores the notice as Markup.)"""
    app.session_interface = TalatSessionInterface()
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # x_host stays 0: links are built on SITE_URL, never on a forwarded Host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.after_request(add_security_headers)
