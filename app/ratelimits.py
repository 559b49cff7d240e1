"""Rate limits (ACC-8): every client is throttled per address, and every member's
state-changing requests per account, across all pages; some forms have tighter limits.
Counters live in Redis when ``REDIS_URL`` is set, so all workers and hosts share them."""
from flask import current_app, request
from flask_limiter import ApplicationLimit
from flask_login import current_user

from app.net import client_ip

STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"]


def _exempt():
    return request.endpoint in ("static", "main.healthz")


def account_key():
    """The throttling key of a logged-in member."""
    if current_user and current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"ip:{client_ip()}"


def _is_visitor():
    return _exempt() or not (current_user and current_user.is_authenticated)


APPLICATION_LIMITS = [
    ApplicationLimit(lambda: current_app.config["RATELIMIT_PER_IP"], key_function=client_ip,
                     scope="per-ip", exempt_when=_exempt),
    ApplicationLimit(lambda: current_app.config["RATELIMIT_PER_ACCOUNT"], key_function=account_key,
                     scope="per-account", methods=STATE_CHANGING, exempt_when=_is_visitor),
    ApplicationLimit(lambda: current_app.config["RATELIMIT_PER_ACCOUNT_READ"],
                     key_function=account_key, scope="per-account-read", exempt_when=_is_visitor),
]
