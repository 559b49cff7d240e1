"""Route sweep: every rule of ``app.url_map``, in every role (visitor, member, moderator,
admin), with ids of real rows, ids that do not exist, huge ids and hostile query strings and
form fields. No answer may be a 5xx, nothing hostile may come back unescaped, and no POST
without a CSRF token may get through or change anything.

The routes are read from the url_map when the test runs, so a new route is swept the day it is
added; a route whose URL the sweep cannot build (a new argument name or converter) fails the
test instead of being skipped.
"""
import contextvars
import hashlib
import io
import re
import traceback
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import AnyConverter, IntegerConverter, UnicodeConverter

from app.database import utcnow
from app.extensions import db
from app.urls import MAX_ID
from tests.conftest import CSRF_RE

ROLES = ("visitor", "member", "moderator", "admin")
SCRIPT = "<script>alert(1)</script>"
#: 5,000 characters: mostly ASCII, since Thai takes nine bytes each in a URL and the sweep
#: would spend its time decoding them.
HOSTILE = (SCRIPT, "\x00", "x" * 4900 + "ก" * 100, "' OR 1=1 --", "พระสมเด็จวัดระฆัง ๒๕๖๙",
           "-1", "abc", "99999999999999999999")
#: In a form every field takes the same value, so "abc" adds nothing to the SQL text (both
#: are words where a number is wanted), and the Thai text rides along with it. "²" is a digit
#: to str.isdigit() but not to int().
HOSTILE_FORM = (SCRIPT, "\x00", HOSTILE[2], "' OR 1=1 -- พระสมเด็จวัดระฆัง ๒๕๖๙", "-1",
                "99999999999999999999", "²")
MISSING_ID = MAX_ID  # fits every id column, names no row
HUGE_ID = 99999999999999999999  # past any id column (the converter must answer 404)
HTMX = {"HX-Request": "true"}
#: Rules not swept: the static files (no rows, no parameters of ours).
SKIPPED = {"static"}
#: Answers to a POST without a CSRF token that count as refused.
REFUSED = {400}
#: Tables that a refused request may still write to: the traffic log records every
#: state-changing request, refused ones included (ACC-6).
NOISY_TABLES = {"traffic_log"}
#: POSTs that end the client's session or delete what later routes need: swept last.
LAST = ("accounts.logout", "accounts.delete_account", "shops.delete", "auctions.end")
APP_DIR = str(Path(__file__).parents[1] / "app") + "/"
ARG_NAME_RE = re.compile(r"""(?:args\.get(?:list)?|int_arg|text_arg)\(\s*["'](\w+)["']""")
FORM_GET_RE = re.compile(r"""form\.get(?:list)?\(\s*["'](\w+)["']""")


# --- the world the sweep walks through -----------------------------------------------------

def _first(model, *where, order=None):
    """The id of the first row of ``model`` matching ``where`` (ordered by id)."""
    query = sa.select(model).where(*where).order_by(order if order is not None else model.id)
    row = db.session.scalars(query.limit(1)).first()
    assert row is not None, f"the sweep's world has no {model.__name__} ({where})"
    return row


def build_world(runner):
    """The demo data (shops, listings with photos, auctions, a sale, signs, reports, a
    sanction with an appeal, complaints with evidence, an IP-address request), plus the rows
    the demo does not make; returns the values the routes' arguments take."""
    from app.blueprints.accounts.reset_requests import send_reset_link
    from app.blueprints.moderation.responses import submit_explanation
    from app.demo.images import demo_photo
    from app.models import (
        Auction, AuctionPhoto, BoardPost, ComplainantRestriction, Complaint, ComplaintEvidence,
        ComplaintTarget, Conversation, EmailMessage, EvidenceFile, IpRequest, Listing,
        ListingPhoto, LoginBlock, Order, ProhibitedTerm, ReviewItem, Sale, Sanction, Shop,
        ShopCircle, ShopStaff, StopSign, User)

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    users = {u.email.split("@")[0]: u for u in db.session.scalars(sa.select(User))}
    member, subject = users["member"], users["muang-kao"]
    shop = _first(Shop, Shop.owner_id == member.id)
    listing = _first(Listing, Listing.shop_id == shop.id, Listing.status == "active")
    db.session.add_all([
        LoginBlock(ip="192.0.2.200", created_at=now, blocked_until=now + timedelta(hours=1),
                   failures=11),
        ComplainantRestriction(email="vexatious@talat.example", reason="unfounded",
                               created_by_id=users["admin"].id, created_at=now),
        ShopStaff(shop_id=shop.id, user_id=users["sneakers"].id, added_at=now),
        ShopCircle(shop_id=shop.id, user_id=users["books"].id),
    ])
    db.session.flush()
    fake = _first(StopSign, StopSign.kind == "fake")
    submit_explanation(fake, db.session.get(User, fake.owner_id),
                       "The stitching matches the maker's own photos.",
                       [("proof.jpg", demo_photo(7, 200))], now=now)
    token = send_reset_link(subject.email, now=now)
    db.session.commit()
    complaint = _first(Complaint)
    values = {
        "block_id": _first(LoginBlock).id,
        "user_id": subject.id,
        "message_id": _first(EmailMessage).id,
        "term_id": _first(ProhibitedTerm).id,
        "section": "listings",
        "auction_id": _first(Auction, Auction.ends_at > now, Auction.stop_sign.is_(None)).id,
        "sale_id": _first(Sale).id,
        "post_id": _first(BoardPost).id,
        "evidence_id": _first(ComplaintEvidence).id,
        "restriction_id": _first(ComplainantRestriction).id,
        "request_id": _first(IpRequest).id,
        "listing_id": listing.id,
        "photo_id": _first(ListingPhoto, ListingPhoto.listing_id == listing.id).id,
        "conversation_id": _first(Conversation).id,
        "item_id": _first(ReviewItem, ReviewItem.status == "open").id,
        "sanction_id": _first(Sanction).id,
        "sign_id": _first(StopSign).id,
        "order_id": _first(Order).id,
        "token": token,
        "slug": shop.slug,
        "circle_id": _first(ShopCircle).id,
        "staff_id": _first(ShopStaff).id,
        "code": complaint.code,
        # Per route, where one argument name means different things:
        ("auctions.photo", "key"): _first(AuctionPhoto).key,
        ("shops.photo", "key"): _first(ListingPhoto, ListingPhoto.listing_id == listing.id).key,
        ("moderation.evidence", "key"): _first(EvidenceFile).key,
        ("complaints.counter", "target_id"): _first(ComplaintTarget).id,
        ("moderation.report", "target_type"): "listing",
        ("moderation.report", "target_id"): _first(
            Listing, Listing.shop_id != shop.id, Listing.status == "active").id,
        ("moderation.sign_box", "target_id"): {"listing": listing.id,
                                               "auction": _first(Auction).id},
        ("help.article", "slug"): sorted(
            p.stem for p in (Path(__file__).parents[1] / "app/help/articles/en").glob("*.md"))[0],
        "size": "thumb",
    }
    return values


def _value(values, rule, name):
    """What the argument ``name`` of ``rule`` takes for a real row; None when unknown."""
    for key in ((rule.endpoint, name), name):
        if key in values:
            return values[key]
    return None


def real_urls(app, values):
    """Every swept rule as (rule, url with real ids, urls with missing and huge ids); fails
    for a rule whose URL cannot be built."""
    adapter = app.url_map.bind("localhost")
    unbuildable, built = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIPPED:
            continue
        choices = [{}]
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                options = sorted(converter.items)
                choices = [dict(c, **{name: o}) for c in choices for o in options]
                continue
            value = _value(values, rule, name)
            if value is None or not isinstance(converter, (IntegerConverter, UnicodeConverter)):
                unbuildable.append(f"{rule.endpoint} {rule.rule}: no value for <{name}> "
                                   f"({type(converter).__name__})")
                break
            choices = [dict(c, **{name: value}) for c in choices]
        else:
            for args in choices:
                args = {k: (v[args["target_type"]] if isinstance(v, dict) else v)
                        for k, v in args.items()}
                ints = [n for n, c in rule._converters.items()
                        if isinstance(c, IntegerConverter)]
                wrong = [adapter.build(rule.endpoint, dict(args, **{n: bad for n in ints}),
                                       force_external=False)
                         for bad in (MISSING_ID, HUGE_ID)] if ints else []
                url = adapter.build(rule.endpoint, args, force_external=False)
                built.append((rule, url, wrong))
    assert not unbuildable, "routes the sweep cannot build a URL for:\n" + "\n".join(unbuildable)
    return built


# --- what the sweep sends ----------------------------------------------------------------

def _app_source():
    root = Path(__file__).parents[1] / "app"
    return "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))


def query_names(source):
    """Every query parameter a view reads by name."""
    return sorted(set(ARG_NAME_RE.findall(source)) | {"page", "q", "next"})


def form_fields():
    """Every field of every form class, and the fields views read by hand: (text, files)."""
    from flask_wtf.file import FileField, MultipleFileField
    from wtforms import Form
    from wtforms.fields.core import UnboundField

    texts, files, seen, todo = set(), set(), set(), [Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
        for klass in cls.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField):
                    is_file = issubclass(value.field_class, (FileField, MultipleFileField))
                    (files if is_file else texts).add(name)
    texts |= set(FORM_GET_RE.findall(_app_source()))
    texts.discard("csrf_token")
    return sorted(texts), sorted(files - texts)


class _GetForms(HTMLParser):
    """The names of the fields of the page's GET forms that come back to the page itself (its
    filters; not the search box in the header, which goes to /search)."""

    def __init__(self, path):
        super().__init__()
        self.path, self.names, self._in_form = path, set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.path).path or self.path
            self._in_form = ((attrs.get("method") or "get").lower() == "get"
                             and action == self.path)
        elif self._in_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def get_form_names(html, url):
    """The query names the page's own GET forms send."""
    parser = _GetForms(urlsplit(url).path)
    parser.feed(html)
    return parser.names


# --- requests -----------------------------------------------------------------------------

class Sweep:
    """Sends requests, never raises: crashes, 5xx answers and reflections are collected."""

    def __init__(self, app):
        self.problems = []
        self.count = 0
        self.keys_read = set()
        sweep = self

        class RecordingDict(ImmutableMultiDict):
            """Query and form parameters that note which names the view asks for ("*": all)."""

            def __contains__(self, key):
                sweep.keys_read.add(key)
                return super().__contains__(key)

            def getlist(self, key, type=None):  # noqa: A002 (werkzeug's name)
                sweep.keys_read.add(key)
                return super().getlist(key, type)

            def __getitem__(self, key):
                sweep.keys_read.add(key)
                return super().__getitem__(key)

            def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's name)
                sweep.keys_read.add(key)
                return super().get(key, default, type)

            def to_dict(self, flat=True):
                sweep.keys_read.add("*")
                return super().to_dict(flat)

        class RecordingRequest(app.request_class):
            parameter_storage_class = RecordingDict

        app.request_class = RecordingRequest

    def send(self, client, role, method, url, **kwargs):
        """One request; returns (status, body, location), (None, "", None) after a crash."""
        self.count += 1
        self.keys_read = set()
        what = f"{method} {url[:150]} as {role}"
        if kwargs.get("headers"):
            what += " (htmx)"
        if kwargs.get("query_string"):
            sample = next(iter(kwargs["query_string"].values()))
            what += f" query={sample[:40]!r}"
        if kwargs.get("data"):
            sample = [v for k, v in kwargs["data"].items() if k != "csrf_token"]
            what += f" form={(sample[0] if sample else {})!r:.40}"
        try:
            status, body, location = contextvars.Context().run(_open, client, url, method,
                                                               kwargs)
            if has_app_context():  # as IsolatedClient: see what the request committed
                db.session.commit()
        except Exception as error:  # noqa: BLE001 (a crash is what the sweep looks for)
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if f.filename.startswith(APP_DIR)] or frames
            where = f"{ours[-1].filename.removeprefix(APP_DIR)}:{ours[-1].lineno}"
            self.problems.append(f"CRASH {what}: {type(error).__name__}: {str(error)[:200]} "
                                 f"(app/{where})")
            db.session.rollback()
            return None, "", None
        if status >= 500:
            self.problems.append(f"{status} {what}")
        if SCRIPT in body:
            self.problems.append(f"REFLECTED {what}")
        return status, body, location


def _open(client, url, method, kwargs):
    """One request and its body, in the caller's fresh context (as IsolatedClient does); of a
    stream of server-sent events only the first, since a stream runs for minutes."""
    response = FlaskClient.open(client, url, method=method, **kwargs)
    try:
        if response.mimetype == "text/event-stream":
            data = next(iter(response.response), b"")
            data = data if isinstance(data, bytes) else data.encode()
        else:
            data = response.get_data()
    finally:
        response.close()
    return (response.status_code, data.decode("utf-8", "replace"),
            response.headers.get("Location"))


def _csrf(client):
    """A CSRF token of the client's session, from a page with a form or the htmx headers."""
    for page in ("/complaints/new", "/login", "/"):
        html = client.get(page).get_data(as_text=True)
        match = CSRF_RE.search(html) or re.search(r'"X-CSRFToken": "([^"]+)"', html)
        if match:
            return match.group(1)
    raise AssertionError("no CSRF token on any page")


def clients(app):
    """A client per role, logged in as the demo accounts."""
    from app.cli import DEMO_ACCOUNTS

    passwords = {role: (email, password) for email, _n, role, password in DEMO_ACCOUNTS}
    made = {}
    for role in ROLES:
        client = app.test_client()
        if role != "visitor":
            email, password = passwords[role]
            token = _csrf(client)
            response = client.post("/login", data={"csrf_token": token, "email": email,
                                                   "password": password})
            assert response.status_code == 302, (role, response.status_code)
        made[role] = client
    return made


def digest():
    """A fingerprint of every table but the noisy ones, per table."""
    prints = {}
    for table in db.metadata.sorted_tables:
        if table.name in NOISY_TABLES:
            continue
        rows = db.session.execute(table.select().order_by(*table.primary_key.columns)).all()
        prints[table.name] = hashlib.sha1(repr(rows).encode()).hexdigest()
    db.session.rollback()
    return prints


# --- the sweep ----------------------------------------------------------------------------

def _refused(status, location):
    """Whether an answer turned the request away before it read anything (a login redirect,
    403, 404, 405): then one hostile variant stands for all."""
    return status in (403, 404, 405) or (status == 302 and "/login" in (location or ""))


def test_every_route_survives_every_role_and_hostile_input(app, runner):
    """No page or action answers 5xx or echoes ``<script>`` raw, for visitors, members,
    moderators and admins, with real, missing and huge ids, hostile query strings (plain and
    htmx), and hostile or empty forms; a POST without a CSRF token is refused (400) and
    changes nothing."""
    values = build_world(runner)
    routes = real_urls(app, values)
    by_role = clients(app)
    sweep = Sweep(app)
    names = query_names(_app_source())
    gets = [(rule, url, wrong) for rule, url, wrong in routes if "GET" in rule.methods]
    posts = [(rule, url) for rule, url, _ in routes if "POST" in rule.methods]
    posts.sort(key=lambda pair: pair[0].endpoint in LAST)
    for role in ROLES:
        client = by_role[role]
        for _rule, url, wrong in gets:
            status, body, location = sweep.send(client, role, "GET", url)
            read = sweep.keys_read - {"csrf_token"}
            # (a huge id is refused by the URL converter, before any view or role: once)
            for bad in wrong if role == ROLES[0] else wrong[:1]:
                sweep.send(client, role, "GET", bad)
            # The names the view asked for (all it may read, if it took the whole query) and
            # the page's own search fields get every hostile value; a view that reads no
            # query (or refused the role) gets the script alone, in case the URL is echoed.
            params = (set(names) if "*" in read else read - {"*"}) | get_form_names(body, url)
            hostile = HOSTILE if params and not _refused(status, location) else HOSTILE[:1]
            params = sorted(params or {"q"})
            if len(hostile) == 1:  # else half the hostile requests below are htmx ones
                sweep.send(client, role, "GET", url, headers=HTMX)
            for index, value in enumerate(hostile):
                sweep.send(client, role, "GET", url, query_string={n: value for n in params},
                           headers=HTMX if index % 2 else None)

    texts, files = form_fields()
    before = digest()
    refused = []
    for role in ROLES:
        for _rule, url in posts:
            status, _, _ = sweep.send(by_role[role], role, "POST", url,
                                      data={n: SCRIPT for n in texts})
            if status is not None and status not in REFUSED:
                refused.append(f"POST {url} as {role} without CSRF: {status}")
    after = digest()
    changed = sorted(name for name in before if before[name] != after[name])

    for role in ROLES:
        client = by_role[role]
        token = _csrf(client)
        for rule, url in posts:
            status, _, location = sweep.send(client, role, "POST", url,
                                             data={"csrf_token": token})
            # Every field the form asked for gets every hostile value; where it asked for
            # none (or refused the role), every field of every form gets the script.
            read = sweep.keys_read - {"csrf_token", "*"}
            hostile = HOSTILE[:1] if _refused(status, location) or not read else HOSTILE_FORM
            fields = read or set(texts) | set(files)
            for index, value in enumerate(hostile):
                data = {"csrf_token": token, **{n: value for n in fields if n not in files}}
                data.update({n: (io.BytesIO(SCRIPT.encode()), f"{value[:50]}.jpg")
                             for n in fields if n in files})
                sweep.send(client, role, "POST", url, data=data,
                           content_type="multipart/form-data",
                           headers=HTMX if index % 2 else None)
            if rule.endpoint == "accounts.logout":  # the rest of the routes as a visitor
                token = _csrf(client)

    print(f"route sweep: {len(routes)} URLs, {sweep.count} requests")
    assert not sweep.problems, "\n".join(sweep.problems)
    assert not refused, "\n".join(refused)
    assert not changed, f"POSTs without a CSRF token changed: {changed}"
