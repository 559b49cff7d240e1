"""One URL serves a page or a fragment of it (CONVENTIONS 11)."""
from flask import make_response, render_template, request


def wants_fragment():
    """True for an htmx request that asks for part of a page, not a whole one."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page, fragment, http_status=200, **context):
    """Render ``fragment`` for htmx, ``page`` otherwise, and tell caches the answer varies."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), http_status)
    response.headers.add("Vary", "HX-Request")
    return response
