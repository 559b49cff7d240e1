"""Redirect targets taken from users are only ever paths on this site."""
from urllib.parse import urlsplit


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
