"""Helpers for the privacy tests (ACC-1): what a visitor can observe of an answer, and what
work a request did, compared between a member's address and a stranger's without a
stopwatch."""
import re
import threading

from sqlalchemy import event

from app.blueprints.accounts import passwords
from app.extensions import db
from tests.conftest import csrf_from

CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value="|"X-CSRFToken": ")[^"]+"')
#: Headers whose values differ from one request to the next whatever was asked.
CLOCK_HEADERS = {"Date", "X-RateLimit-Reset", "Retry-After"}


def strip_csrf(text):
    """``text`` without its CSRF tokens (each session has its own)."""
    return CSRF_VALUE.sub(r'\1"', text)


def _cookies(response):
    """Each cookie set, with its attributes but not its value (signed per session)."""
    return sorted(re.sub(r"^([^=]+)=[^;]*", r"\1=…", c)
                  for c in response.headers.getlist("Set-Cookie"))


def answer(client, response):
    """What the visitor can observe of an answer: status, headers, cookies, body, and the
    page it leads to (with its flashed message)."""
    headers = sorted((k, v) for k, v in response.headers.items()
                     if k not in CLOCK_HEADERS and k != "Set-Cookie")
    landing = client.get(response.headers["Location"]) if response.status_code == 302 else None
    return (response.status_code, headers, _cookies(response),
            strip_csrf(response.get_data(as_text=True)),
            landing and (landing.status_code, strip_csrf(landing.get_data(as_text=True))))


class Spy:
    """The SQL statements this thread runs, and the calls of the costly functions."""

    def __init__(self, monkeypatch, *more):
        """Count the password hasher's calls, and those of each ``(module, name)`` of
        ``more``."""
        self.statements, self.calls = [], []
        self._thread = threading.get_ident()
        for module, name in ((passwords, "hash_password"), (passwords, "verify_password"),
                             *more):
            monkeypatch.setattr(module, name, self._counting(name, getattr(module, name)))

    def _counting(self, name, real):
        def counted(*args, **kwargs):
            self.calls.append(name)
            return real(*args, **kwargs)
        return counted

    def _statement(self, _conn, _cursor, statement, _parameters, _context, _many):
        if threading.get_ident() == self._thread:
            self.statements.append(" ".join(statement.split()))

    def post(self, client, url, data):
        """POST ``data`` (with the page's CSRF token, fetched first, unrecorded) and record
        what the request alone ran."""
        token = csrf_from(client.get(url).get_data(as_text=True))
        self.statements.clear()
        self.calls.clear()
        event.listen(db.engine, "before_cursor_execute", self._statement)
        try:
            response = client.post(url, data={"csrf_token": token, **data})
        finally:
            event.remove(db.engine, "before_cursor_execute", self._statement)
        return response, list(self.statements), list(self.calls)
