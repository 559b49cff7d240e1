"""The security baseline every response gets: strict headers, cookies that are Secure whenever
the request came over HTTPS, and no caching of pages that belong to one member."""
from flask import get_flashed_messages, request
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


def plain_flashed_messages(with_categories=False, category_filter=()):
    """Flashed messages as plain text, so templates escape them. A lazily translated message
    (``_l(...)``) counts as safe HTML to Jinja (flask_babel's LazyString has ``__html__``),
    and the session stores it as Markup, so a shop's or a member's name put into one
    ("%(shop)s is now on the … plan.") would reach the page as HTML."""
    messages = get_flashed_messages(with_categories, category_filter)
    if with_categories:
        return [(category, str(message)) for category, message in messages]
    return [str(message) for message in messages]


def init_security(app):
    """Install the session interface, the proxy fix (if configured), the header hook and
    flashed messages that templates escape."""
    app.session_interface = TalatSessionInterface()
    app.jinja_env.globals["get_flashed_messages"] = plain_flashed_messages
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # x_host stays 0: links are built on SITE_URL, never on a forwarded Host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.after_request(add_security_headers)
