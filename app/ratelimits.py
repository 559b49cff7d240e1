"""Rate limits (ACC-8): every client is throttled per address, and every member's
state-changing requests per account, across all pages; some forms have tighter limits.
Counters live in Redis when ``REDIS_URL`` is set, so all workers and hosts share them.

Listing, shop and auction images do not count against the page limits: a search page
loads some two dozen of them, and many Thai mobile users share one address (carrier-grade
NAT), so counting them would throttle a crowd after a dozen pages. They have a limit of
their own per address, generous enough for any page, that still stops an image flood.
Static files are never counted (Flask-Limiter leaves every ``static`` endpoint alone)."""
from flask import current_app, request
from flask_limiter import ApplicationLimit
from flask_login import current_user

from app.net import client_ip

STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"]

#: The public image routes (cheap, cached by browsers): counted only by the media limit.
MEDIA_ENDPOINTS = frozenset({"shops.photo", "auctions.photo"})


def _is_media():
    return request.endpoint in MEDIA_ENDPOINTS


def _exempt():
    return request.endpoint in ("static", "main.healthz") or _is_media()


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
    ApplicationLimit(lambda: current_app.config["RATELIMIT_MEDIA_PER_IP"], key_function=client_ip,
                     scope="media-per-ip", exempt_when=lambda: not _is_media()),
]
