"""The client's address, as the rest of the app must see it (after ProxyFix, if configured)."""
from flask import request


def client_ip():
    """Return the requesting client's IP address, or a placeholder outside a request."""
    try:
        return request.remote_addr or "0.0.0.0"
    except RuntimeError:
        return "0.0.0.0"
