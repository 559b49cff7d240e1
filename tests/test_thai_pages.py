"""Every page reads in the reader's language: no English left in the interface of a Thai page,
no Thai left in the interface of an English one, no stored code ("fake", "awaiting_payment")
shown instead of its name.

The route sweep's world (the demo data and the rows it lacks) and its URLs are reused. Every
GET route it builds, in every role (visitor, member, moderator, admin), with real ids and with
a missing one (404), is requested in Thai (cookie ``lang=th``) and in English, as a page and as
its htmx fragment; then every POST route with an empty form (its 422 errors, or the page it
leads to with its flashed message), and the 400 and 405 pages. The visible text is what a
reader sees: text nodes (not script, style, code or kbd), and the placeholder, title, alt,
aria-label of any element, the value of buttons, the question of an ``hx-confirm`` and the
words the page's script shows (``data-text-*``). What members and staff wrote (titles, names,
descriptions, reasons: the strings the world holds in the columns they write) is theirs, in
whatever language they wrote it, and is left alone.

To stay under a minute a database, the English pass skips what the Thai pass showed to be
a repeat (see :class:`Reader`); each page is still read in both languages for every role that
sees something different on it.
"""
import contextvars
import re
import time
from functools import partial
from html.parser import HTMLParser
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from app.extensions import db
from tests.test_route_sweep import HTMX, LAST, ROLES, _csrf, build_world, clients, real_urls

LATIN_WORD = r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*"
#: Two or more Latin-alphabet words in a row (spaces and light punctuation between them);
#: a single letter is not a word (key names: "j / k"), save English's own "a" and "I".
LATIN_RUN_RE = re.compile(rf"{LATIN_WORD}(?:[ \t\n,.:;/&()-]+{LATIN_WORD})+")
SHORT_WORDS = {"a", "I"}
#: A Thai term followed by its English name in brackets, as the stop signs are named
#: ("ของปลอม (FAKE)": the sign's English name is part of its Thai name, as in the help).
GLOSS_RE = re.compile(r"[\u0e01-\u0e5b]\s*\(([A-Z][A-Z -]+)\)")
#: A stored code shown as it is stored ("awaiting_payment", "sold_out").
CODE_RE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
WORD_RE = re.compile(r"\b[a-z_]+\b")
#: What a stored code looks like (a status, a kind, a role: "open", "fake", "awaiting_payment").
STORED_CODE_RE = re.compile(r"[a-z]{3,}(?:_[a-z]+)*")
#: Thai letters (the baht sign ฿, U+0E3F, is in the Thai block but is money, not language).
THAI = r"[\u0e01-\u0e3a\u0e40-\u0e5b]"
THAI_RUN_RE = re.compile(rf"{THAI}+(?:[\s\d.,]*{THAI}+)*")
#: Technical tokens that read the same in both languages; cut out before looking for words.
TECHNICAL_RE = re.compile(
    r"https?://\S+"                          # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"         # e-mail addresses
    r"|\b[A-Z]{2,5}-\d+[a-z]?\b"             # rule IDs (AUC-4, MOD-10)
    r"|\bTC-[A-Z0-9]{4}-[A-Z0-9]{4}\b"       # complaints' tracking codes
    r"|(?<![\w/])/[\w./?=&%-]+"               # paths (/shops/new, in logs and hints)
    r"|\b[a-z_]+(?:\.[a-z_]+)+\b"             # endpoint and action names (accounts.login)
)
#: Names that read the same in Thai and English, where they stand next to each other (one alone
#: is one word, not a run); kept to what the pages need.
ALLOWED_LATIN = {
    "JPEG", "PNG", "WebP", "GIF", "MB",  # file formats and sizes ("รูปละไม่เกิน 10 MB: JPEG, PNG")
    "Premium Plus",  # a plan's name: the plans keep their English names in Thai (the catalogue)
}
ALLOWED_LATIN_RE = re.compile(
    r"\b(?:" + "|".join(map(re.escape, sorted(ALLOWED_LATIN, key=len, reverse=True))) + r")\b")
#: Thai that an English page shows on purpose.
ALLOWED_THAI = {
    "ไทย",  # the language switch names Thai in Thai, as switches do
}
HTML_TYPES = ("text/html", "text/event-stream")
TEXT_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label", "hx-confirm")
#: Words the page's script shows (a countdown's "{time} left", a failed bid's message).
SCRIPT_TEXT_ATTRIBUTE = "data-text-"
#: Elements whose content is not prose: code (ids, addresses, action codes a filter takes)
#: and keys (the letters on the keyboard).
TECHNICAL_TAGS = ("script", "style", "code", "kbd")
BUTTON_INPUTS = ("submit", "button", "reset")


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script, style, code and kbd, and the
    attributes that show as words (placeholders, tooltips, alternative text, labels, button
    values), as (text, attribute name or "")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.main, self._hidden, self._in_main = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in TECHNICAL_TAGS:
            self._hidden += 1
        if tag == "main":
            self._in_main += 1
        before = len(self.texts)
        self.texts.extend((value, name) for name, value in attrs.items() if value and (
            name in TEXT_ATTRIBUTES or name.startswith(SCRIPT_TEXT_ATTRIBUTE)))
        is_button = tag == "button" or (tag == "input"
                                        and (attrs.get("type") or "").lower() in BUTTON_INPUTS)
        if is_button and attrs.get("value"):
            self.texts.append((attrs["value"], "value"))
        if self._in_main:
            self.main.extend(self.texts[before:])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in TECHNICAL_TAGS:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in TECHNICAL_TAGS and self._hidden:
            self._hidden -= 1
        if tag == "main" and self._in_main:
            self._in_main -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append((data, ""))
            if self._in_main:
                self.main.append((data, ""))


def visible_texts(html):
    """The pieces of text a reader sees on ``html``, each as (text with its whitespace
    folded, the attribute it came from or ""), and a fingerprint of those in its ``<main>``
    (all of them in a fragment): what a page says, without the header and footer around
    it."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    texts = [(" ".join(text.split()), attribute) for text, attribute in parser.texts]
    return texts, hash(tuple(parser.main or texts))


def event_html(stream):
    """The HTML an SSE event carries (its ``data:`` lines), without the wire format."""
    return "\n".join(line[6:] for line in stream.splitlines() if line.startswith("data: "))


#: Columns whose strings members and staff write (or the world's data gives them): shown as
#: written, in any language. Codes (status, kind) and the site's own words are not here.
USER_COLUMNS = {
    "users": ("email", "display_name", "guardian_name", "guardian_email"),
    "shops": ("name", "slug", "description", "bank_name", "bank_account_name"),
    "listings": ("title", "description", "hold_reason", "certificate_issuer",
                 "certificate_number"),
    "auctions": ("title", "description"),
    "board_posts": ("title", "body"),
    "messages": ("body",), "sale_messages": ("body",), "reviews": ("comment",),
    "feedback": ("comment",), "orders": ("carrier", "tracking_number", "ship_name", "ship_address"),
    "complaints": ("name", "organisation", "email", "phone", "description", "original_url",
                   "signature", "decision_reason"),
    "complaint_events": ("note",), "complaint_targets": ("url",),
    "complaint_evidence": ("original_name",), "evidence_files": ("original_name",),
    "counter_statements": ("body", "decision"),
    "complainant_restrictions": ("email", "reason"),
    "ip_requests": ("report_name", "case_number", "police_station", "description", "reason"),
    "review_items": ("summary", "decision_note"),
    "reports": ("detail",),
    "sanctions": ("facts", "limits", "lift_reason"),
    "appeals": ("body", "decision"), "lift_requests": ("body", "decision"),
    "stop_signs": ("reason", "expert_body", "expert_verdict", "end_reason"),
    "sign_explanations": ("body",), "strikes": ("withdrawn_reason",),
    "audit_log": ("note",),
    "prohibited_terms": ("term",),
    # What was sent, in the language it was sent in (the admin's outbox shows it as it went)
    "email_messages": ("to_address", "subject", "body_text"),
    "traffic_log": ("target", "user_agent"), "login_sessions": ("user_agent", "device"),
    "login_failures": ("email_tried",),
}


class Written:
    """What the world holds: ``text``, every string members and staff wrote (one text to look
    words up in), and ``codes``, the codes stored in the other columns ("fake", "open",
    "awaiting_payment"), which a page shows by their names, never as they are stored."""

    def __init__(self):
        strings, codes = [], set()
        for table in db.metadata.sorted_tables:
            mine = USER_COLUMNS.get(table.name, ())
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            for row in db.session.execute(sa.select(*columns)) if columns else ():
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str):
                        continue
                    if column.name in mine:
                        strings.append(" ".join(value.split()))
                    elif STORED_CODE_RE.fullmatch(value):
                        codes.add(value)
        db.session.rollback()
        self.text, self.codes = "\n".join(strings), codes

    def __contains__(self, words):
        return words in self.text


def english_left(text, attribute, written):
    """Runs of English words in ``text`` that neither a member wrote nor a name allows, and
    stored codes shown as they are stored (save in a tooltip: the audit log keeps the code
    there, beside the name it shows)."""
    found = []
    bare = ALLOWED_LATIN_RE.sub(" ", GLOSS_RE.sub(" ", TECHNICAL_RE.sub(" ", text)))
    for match in LATIN_RUN_RE.finditer(bare):
        run = match.group(0).strip(" ,.:;/&()-")
        words = [w for w in re.findall(LATIN_WORD, run) if len(w) > 1 or w in SHORT_WORDS]
        if len(words) >= 2 and run not in written:
            found.append(run)
    if attribute != "title":
        found.extend(code for code in WORD_RE.findall(bare)
                     if (code in written.codes or CODE_RE.fullmatch(code)) and code not in written)
    return sorted(set(found))


def thai_left(text, attribute, written):
    """Runs of Thai in ``text`` that no member wrote and no rule allows, and stored codes
    shown as they are stored (a text that is one code, or a code_with_underscores)."""
    found = [run for run in THAI_RUN_RE.findall(text)
             if run not in ALLOWED_THAI and run not in written]
    if attribute != "title":
        codes = set(CODE_RE.findall(TECHNICAL_RE.sub(" ", text)))
        codes.update([text] if text in written.codes else [])
        found.extend(code for code in codes if code not in written)
    return sorted(set(found))


def _send(client, method, url, headers=None, data=None):
    """One request in a fresh context, as the route sweep sends it: (status, body, location),
    the body empty unless it is HTML (of a stream of server-sent events, the HTML of the first
    event)."""
    def fetch():
        kwargs = {"data": data, "content_type": "multipart/form-data"} if data else {}
        response = FlaskClient.open(client, url, method=method, headers=headers, **kwargs)
        status, location = response.status_code, response.headers.get("Location")
        try:
            if response.mimetype not in HTML_TYPES:
                return status, "", location
            if response.mimetype == "text/event-stream":
                chunk = next(iter(response.response), b"")
                chunk = chunk if isinstance(chunk, bytes) else chunk.encode()
                return status, event_html(chunk.decode("utf-8", "replace")), location
            return status, response.get_data(as_text=True), location
        finally:
            response.close()

    answer = contextvars.Context().run(fetch)
    if has_app_context():
        db.session.commit()
    return answer


def _refusal(status, location):
    """What refused the request before its view drew anything, or None: one of the error
    pages every view shares (400, 403, 404, 405), or the way to the login form."""
    if status in (400, 403, 404, 405):
        return status
    if 300 <= status < 400 and urlsplit(location or "").path == "/login":
        return "login"
    return None


class Reader:
    """Reads every answer it is sent in one language and notes the text in the other.

    To keep the sweep quick, what another request already showed is not asked for again: a
    refusal (an error page, the way to the login form) is read once per role, as a page and
    as htmx; ``thai`` (the Thai reader, when this one reads English) tells which requests
    were refused, which had an htmx answer different from the page (only those are sent as
    htmx) and which showed a role the same words as a role before it (those are not sent:
    the header and footer of each role are read on its other pages)."""

    def __init__(self, lang, written, thai=None):
        self.lang, self.written, self.count, self.thai = lang, written, 0, thai
        self.left = english_left if lang == "th" else thai_left
        self.problems = set()
        self.differed = set()  # (role, method, url) whose htmx answer was not the page
        self.refused = {}  # (role, method, url): what refused it
        self.refusals = set()  # (role, refusal, htmx) already read
        self.said = {}  # (method, url, htmx): the fingerprints of what the roles were shown
        self.repeated = set()  # (role, method, url, htmx) shown what a role before was shown

    def read(self, client, role, method, url, htmx=True, **kwargs):
        """Send one request (as a page, then as htmx where the answer differs) and read what
        comes back; a redirect is followed, as a browser and htmx follow it, and the page it
        leads to read (where a flashed message shows), not its own body."""
        key = (role, method, url)
        if self.thai:
            refusal = self.thai.refused.get(key)
            if refusal and (role, refusal, False) in self.refusals:
                return
            htmx = htmx and key in self.thai.differed
        page = None
        for headers in (None, HTMX) if htmx else (None,):
            if self.thai and (role, method, url, bool(headers)) in self.thai.repeated:
                continue
            status, body, location = _send(client, method, url, headers=headers, **kwargs)
            self.count += 1
            refusal = _refusal(status, location)
            if refusal:
                self.refused[key] = refusal
                if (role, refusal, bool(headers)) in self.refusals:
                    break
                self.refusals.add((role, refusal, bool(headers)))
            where = f"{self.lang} {method} {url}"
            if 300 <= status < 400 and location and urlsplit(location).netloc in ("", "localhost"):
                where += f" → {location}"
                status, body, _ = _send(client, "GET", location, headers=headers)
                self.count += 1
            if body == page or 300 <= status < 400:
                continue
            if headers:
                self.differed.add(key)
            page = body
            where += f" as {role}{' (htmx)' if headers else ''} [{status}]"
            texts, fingerprint = visible_texts(body)
            said = self.said.setdefault((method, url, bool(headers)), set())
            if fingerprint in said:
                self.repeated.add((role, method, url, bool(headers)))
            said.add(fingerprint)
            for text, attribute in texts:
                for bad in self.left(text, attribute, self.written):
                    self.problems.add(f"{where}: {bad!r} in {text[:120]!r}")


def _clients(app, lang):
    """The route sweep's logged-in clients, reading ``lang`` (the message of the login itself,
    flashed in the account's language, read first)."""
    made = clients(app)
    for client in made.values():
        _send(client, "GET", "/")
        client.set_cookie("lang", lang)
    return made


def _read_pages(reader, client, role, gets, post_only):
    """Every GET route with its real ids, and with a missing id (the 404 page), then the error
    pages no GET route shows: a GET of a form's action (405) and a form sent without its CSRF
    token (400)."""
    for url, missing in gets:
        for each in (url, *missing):
            reader.read(client, role, "GET", each)
    reader.read(client, role, "GET", post_only)
    reader.read(client, role, "POST", post_only, data={"csrf_token": ""})


def _read_forms(reader, client, role, posts):
    """Every POST route with an empty form and a CSRF token: its errors (422), or the page it
    leads to and the message it flashes."""
    token = _csrf(client)
    for rule, url in posts:
        reader.read(client, role, "POST", url, data={"csrf_token": token})
        if rule.endpoint == "accounts.logout":  # the rest as a visitor
            token = _csrf(client)


def test_every_page_reads_in_the_readers_language(app, runner):
    """Thai pages carry no English interface text and English pages no Thai: every GET route
    the route sweep builds, with real ids and with a missing one (404), every POST route with
    an empty form (its errors, 422, or the page it leads to with its message), and the 400 and
    405 pages, for visitors, members, moderators and admins, as pages and htmx fragments."""
    started = time.monotonic()
    values = build_world(runner)
    routes = real_urls(app, values)
    gets = [(url, wrong[:1]) for rule, url, wrong in routes if "GET" in rule.methods]
    posts = sorted(((rule, url) for rule, url, _ in routes if "POST" in rule.methods),
                   key=lambda pair: pair[0].endpoint in LAST)
    post_only = next(url for rule, url in posts if "GET" not in rule.methods)
    written = Written()
    thai = Reader("th", written)
    english = Reader("en", written, thai=thai)
    # Empty forms last: they change the world (a watch, a follow, a logout).
    for read in (partial(_read_pages, gets=gets, post_only=post_only),
                 partial(_read_forms, posts=posts)):
        for reader in (thai, english):
            by_role = _clients(app, reader.lang)
            for role in ROLES:
                read(reader, by_role[role], role)
    problems = sorted(thai.problems | english.problems)
    count = thai.count + english.count
    print(f"language sweep: {count} requests in {time.monotonic() - started:.1f} s")
    assert not problems, (f"{len(problems)} texts in the wrong language (language, request, "
                          "role, status: the words, in the text they are in):\n"
                          + "\n".join(problems))
