"""Redirect targets taken from users are only ever paths on this site."""
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.routing import IntegerConverter

#: The largest id any table has (PostgreSQL INTEGER); larger numbers in URLs are simply 404.
MAX_ID = 2**31 - 1


class BoundedInt(IntegerConverter):
    """``<int:...>`` in every route: a positive number that fits the database, else 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(name, default=None, low=1, high=MAX_ID):
    """A whole-number query parameter within bounds, or ``default``."""
    value = request.args.get(name, type=int)
    if value is None or not low <= value <= high:
        return default
    return value


def parse_id(text):
    """``text`` as an id the database can hold (1 to :data:`MAX_ID`), or None. (Not
    ``isdigit``: it passes "²", which ``int`` refuses.)"""
    if not text.isdecimal():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def text_arg(name, max_length=100):
    """A text query parameter, trimmed, shortened and without control characters."""
    from app.forms import strip_control_characters

    return strip_control_characters(request.args.get(name, "")).strip()[:max_length]


def safe_next(target, default="/"):
    """Return ``target`` if it is a local path (no scheme, no host, no backslashes)."""
    if not target or not isinstance(target, str) or len(target) > 500:
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def external_url(endpoint, **values):
    """An absolute link for e-mails, on the configured ``SITE_URL`` (never the Host header).

    Works outside requests too (jobs, the CLI)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["SITE_URL"] + path
