"""Fixtures: every test that uses ``app`` runs once on SQLite and once on PostgreSQL.

The schema is built by the real migrations, once per database per session; after each test
every table is emptied. PostgreSQL is required when ``REQUIRE_POSTGRES=1`` (CI): a failed
connection then fails the run instead of skipping.
"""
import contextvars
import os
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from app import create_app
from app.config import TestConfig
from app.database import utcnow
from app.extensions import db

def _share_url_builders():
    """Every test builds a fresh app, and werkzeug compiles two URL-builder functions for each
    of its routes (about 1.5 ms a route, 180 ms an app). A builder depends only on the rule's
    parsed parts and defaults, so tests reuse one per distinct rule instead of compiling it
    again. Production builds its app once and is left as it is."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders = {}

    def shared(self, append_unknown=True):
        key = (tuple(self._trace), repr(sorted((self.defaults or {}).items())),
               append_unknown, self.rule)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


_share_url_builders()

#: The files that take longest (a minute or two each), run first: ``make test`` hands whole
#: files to its two processes in collection order, and these two, collected near the end,
#: left one process working alone for the last minutes while the other had finished.
SLOWEST_FILES = ("tests/test_route_sweep.py", "tests/test_thai_pages.py")


def pytest_collection_modifyitems(items):
    """Start with :data:`SLOWEST_FILES`; every other test keeps its order."""
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in SLOWEST_FILES)


# One schema per test run, so runs on the same machine never truncate each other's tables.
PG_SCHEMA = f"talat_test_{os.getpid()}"
POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# The tests' connections do not wait for each commit to reach the disk (synchronous_commit=off,
# for these sessions alone): the suite's data dies with its schema, and the fsync was about a
# fifth of the PostgreSQL half's time. Production keeps the server's setting.
POSTGRES_URL = (f"{POSTGRES_SERVER}?options=-csearch_path%3D{PG_SCHEMA},public"
                "%20-csynchronous_commit%3Doff")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "kite-mango-river-42"
#: Seeded by migrations; restored after each test instead of left empty.
REFERENCE_TABLES = ("categories", "prohibited_terms")


class _CompiledTemplates(BytecodeCache):
    """Every test builds its own app, whose Jinja environment would compile each template
    it renders again (about 100 ms of a test's first login and page). The compiled code is
    kept for the whole run instead (Jinja checks it against the template source's checksum
    before using it)."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def _one_engine_per_database(make_engine):
    """Flask-SQLAlchemy's engine factory, wrapped so that apps built with the same engine
    settings share one engine. SQLAlchemy keeps compiled statements per engine (its dialect
    is part of the key): an engine per test compiled every query again (the whole suite ran
    about a tenth faster with one). Each test still gets a disposed pool (``make_app``) and
    emptied tables."""
    engines = {}

    def make(bind_key, options, app):
        key = (bind_key, repr(sorted(options.items(), key=repr)))
        if key not in engines:
            engines[key] = make_engine(bind_key, {"query_cache_size": 5000, **options}, app)
        return engines[key]

    return make


db._make_engine = _one_engine_per_database(db._make_engine)
_reference_rows = {}


def required(name):
    """True when the environment insists that a service-backed test must run."""
    return os.environ.get(name, "") == "1"


def unavailable(name, reason):
    """Fail loudly when the service is required, otherwise skip with the reason."""
    if required(name):
        pytest.fail(f"{reason} (and {name}=1)")
    pytest.skip(reason)


#: The Redis the tests use (a database of its own; pub/sub channels carry a prefix per test).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    """The test Redis, or a skip (a failure with REQUIRE_REDIS=1)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("REQUIRE_REDIS", f"Redis not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


def _postgres_schema(action):
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            if action == "create":
                conn.execute(sa.text(f"CREATE SCHEMA {PG_SCHEMA}"))
                # Shared by every run, so it must not live in (and die with) a run's schema.
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "talat.sqlite3")
    else:
        try:
            _postgres_schema("create")
        except Exception as error:  # noqa: BLE001 (any connection problem)
            unavailable("REQUIRE_POSTGRES", f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
        request.addfinalizer(lambda: _postgres_schema("drop"))
        url = POSTGRES_URL
    from flask_migrate import upgrade

    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            _reference_rows[url] = {
                name: [dict(row._mapping) for row in conn.execute(
                    db.metadata.tables[name].select().order_by(sa.text("id")))]
                for name in REFERENCE_TABLES}
        db.engine.dispose()
    return url


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, ``g`` and database session,
    as in production, instead of sharing the test's. Afterwards the test's session ends its
    transaction so the next read sees what the request committed."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.commit()
        return response


def _empty_all_tables(url):
    """Empty every table, then put the seeded reference data back as the migrations left it."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # TRUNCATE costs milliseconds a table even when empty, and a cascade from the
            # reference tables reaches most of them: one query finds the tables with rows,
            # which are emptied with DELETE (children first; the append-only audit log with
            # TRUNCATE), then every sequence of the schema restarts.
            probe = " UNION ALL ".join(
                f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})" for t in tables)
            filled = set(conn.execute(sa.text(probe)).scalars())
            for table in tables:
                if table.name in filled:
                    conn.execute(sa.text("TRUNCATE audit_log") if table.name == "audit_log"
                                 else table.delete())
            conn.execute(sa.text(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.relkind = 'S' "
                "AND n.nspname = current_schema()"))
        else:
            for table in tables:
                if table.name == "audit_log":
                    # Append-only (MOD-10): its guard is set aside for the emptying alone,
                    # inside this transaction, and put back as the migration made it.
                    guard = conn.execute(sa.text(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                        "AND name = 'audit_log_no_delete'")).scalar()
                    if guard:
                        conn.execute(sa.text("DROP TRIGGER audit_log_no_delete"))
                    conn.execute(table.delete())
                    if guard:
                        conn.execute(sa.text(guard))
                    continue
                conn.execute(table.delete())
            conn.execute(sa.text("INSERT INTO listing_search(listing_search) VALUES('rebuild')"))
            conn.execute(sa.text("INSERT INTO shop_search(shop_search) VALUES('rebuild')"))
        for name in REFERENCE_TABLES:
            rows = _reference_rows[url][name]
            if rows:
                conn.execute(db.metadata.tables[name].insert(), rows)
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"))


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build apps on the test database with config overrides; tables are emptied afterwards."""
    built = []

    def _make(**overrides):
        overrides.setdefault("UPLOAD_DIR", str(tmp_path / "uploads"))
        app = create_app(TestConfig(database_url, **overrides))
        app.test_client_class = IsolatedClient
        app.jinja_env.bytecode_cache = _COMPILED_TEMPLATES
        built.append(app)
        return app

    yield _make
    from app.blueprints.shops.activity import views
    from app.blueprints.shops.categories import clear_cache

    views.clear()  # view counts gathered in memory belong to this test's database
    clear_cache()
    # Rendered auction panels are kept by auction id and version, which repeat once the
    # tables are emptied: forget them with the test's data.
    from app.blueprints.auctions import auction_views, panel

    panel.clear_cache()
    auction_views.clear_shared_panels()
    from app.blueprints.moderation import row_cache

    row_cache.clear()
    if built:
        with built[0].app_context():
            _empty_all_tables(database_url)
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app with test settings, inside an app context."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def english(app):
    """Read service errors raised outside a request in English (``usefixtures("english")``)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def moderator(make_member):
    """A member with the moderator role."""
    return make_member(display_name="Mod", role="moderator")


@pytest.fixture
def client(app):
    """A browser-like test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs ``flask`` commands."""
    return app.test_cli_runner()


def csrf_from(html):
    """The CSRF token in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


#: A shipping address the order form accepts (SHOP-10), to post with a quantity.
SHIP_TO = {"recipient_name": "สมศรี ใจดี", "phone": "081 234 5678",
           "address": "99/1 ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร",
           "postcode": "10110"}


def post_form(client, url, data, form_url=None, **kwargs):
    """Submit a form the way a browser does: load the page, then post with its CSRF token."""
    page = client.get(form_url or url)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def sign_up_link(email):
    """The path of the newest sign-up link mailed to ``email`` (ACC-1), or None."""
    from sqlalchemy import select

    from app.models import EmailMessage

    body = db.session.scalar(select(EmailMessage.body_text).where(
        EmailMessage.to_address == email, EmailMessage.kind == "sign_up_confirm")
        .order_by(EmailMessage.id.desc()))
    match = re.search(r"https?://[^/\s]+(/register/confirm/\S+)", body or "")
    return match.group(1) if match else None


def confirm_sign_up(client, email, display_name=None, password=PASSWORD):
    """Open the link the sign-up of ``email`` was mailed, type the password chosen at sign-up
    and press its button, as the newcomer does (ACC-1): the account opens and ``client`` is
    logged in to it."""
    import html as html_module

    link = sign_up_link(email)
    assert link, f"no sign-up link was mailed to {email}"
    page = client.get(link).get_data(as_text=True)
    if display_name is None:
        typed = re.search(r'<input[^>]*name="display_name"[^>]*value="([^"]*)"', page)
        display_name = html_module.unescape(typed.group(1)) if typed else ""
    return client.post(link, data={"csrf_token": csrf_from(page), "password": password,
                                   "display_name": display_name})


@pytest.fixture
def make_member():
    """Create a member through the service, in the app whose context is pushed (password:
    ``PASSWORD``)."""
    from app.blueprints.accounts.services import register_member

    counter = {"n": 0}

    def _make(email=None, display_name=None, role="member", birth_date=date(1990, 5, 17),
              password=PASSWORD, guardian_agrees=True, **kwargs):
        from app.blueprints.accounts import guardian

        counter["n"] += 1
        n = counter["n"]
        user = register_member(email=email or f"member{n}@talat.example",
                               display_name=display_name or f"Member {n}", password=password,
                               birth_date=birth_date, now=utcnow(), **kwargs)
        if user.guardian_email and guardian_agrees:  # (as the guardian's link does, ACC-3)
            guardian.agree(user, now=utcnow())
        user.role = role
        db.session.commit()
        return user

    return _make


@pytest.fixture
def login(client):
    """Log ``client`` in through the real form."""

    def _login(email, password=PASSWORD, remember=False, target=None):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return post_form(target or client, "/login", data)

    return _login


@pytest.fixture
def make_shop(make_member):
    """Create an open shop (owner made on the fly unless given) on a plan."""
    from app.models import Shop

    counter = {"n": 0}

    def _make(owner=None, plan="standard", name=None, slug=None):
        counter["n"] += 1
        n = counter["n"]
        owner = owner or make_member()
        shop = Shop(owner_id=owner.id, name=name or f"Shop {n}", slug=slug or f"shop-{n}",
                    description="", plan=plan, created_at=utcnow(), updated_at=utcnow())
        db.session.add(shop)
        db.session.commit()
        return shop

    return _make


@pytest.fixture
def make_listing(make_shop):
    """Create an active listing directly (no photos), in the amulets/Phra Somdet category."""
    from app.models import Category, Listing

    def _make(shop=None, title="พระสมเด็จวัดระฆัง พิมพ์ใหญ่", price_satang=150000, quantity=1,
              content_rating="general", status="active", category_slug="phra-somdet", **fields):
        shop = shop or make_shop()
        category = db.session.scalar(sa.select(Category).where(Category.slug == category_slug))
        fields.setdefault("created_at", utcnow())
        fields.setdefault("updated_at", fields["created_at"])
        listing = Listing(shop_id=shop.id, created_by_id=shop.owner_id, category_id=category.id,
                          title=title, description=fields.pop("description", ""),
                          price_satang=price_satang, quantity=quantity,
                          content_rating=content_rating, status=status, **fields)
        db.session.add(listing)
        db.session.commit()
        return listing

    return _make


# --- auctions ---------------------------------------------------------------------------------

@pytest.fixture
def client_for(app, login):
    """A logged-in test client (English pages) for a member; ``None`` for a visitor."""

    def _client(user):
        client = app.test_client()
        client.set_cookie("lang", "en")
        if user is not None:
            login(user.email, target=client)
        return client

    return _client


def category_id(slug="phra-somdet"):
    """The id of a seeded category."""
    from app.models import Category

    return db.session.scalar(sa.select(Category.id).where(Category.slug == slug))


@pytest.fixture
def make_auction(make_member):
    """Start an auction through the service (open now, 7 days, ฿100 start, ฿10 steps)."""
    from app.blueprints.auctions import lifecycle

    def _make(seller=None, now=None, ip="", **fields):
        seller = seller or make_member()
        values = dict(title="พระสมเด็จวัดระฆัง พิมพ์ใหญ่", description="องค์สวย",
                      category_id=category_id(), starting_price_satang=10_000,
                      min_increment_satang=1_000, duration_days=7)
        values.update(fields)
        auction = lifecycle.create_auction(seller, values, now=now or utcnow(), ip=ip)
        db.session.commit()
        return auction

    return _make


@pytest.fixture
def board(make_member, make_auction, client_for):
    """A seller's open auction and two bidders (Alice, Bobby) with logged-in clients."""
    from types import SimpleNamespace

    seller, alice, bob = (make_member(display_name=n) for n in ("Seller", "Alice", "Bobby"))
    auction = make_auction(seller=seller)
    return SimpleNamespace(seller=seller, alice=alice, bob=bob, auction=auction,
                           seller_client=client_for(seller), alice_client=client_for(alice),
                           bob_client=client_for(bob))


@pytest.fixture
def sale(app, board):
    """:func:`board` after Alice won Seller's auction at ฿500 (settled by the job); the sale
    as ``board.sale`` and its page as ``board.url``."""
    from app.blueprints.auctions import bidding
    from app.jobs import JOBS
    from app.models import Auction, Sale

    bidding.place_bid(board.auction.id, board.alice, 50_000, proxy=False, now=utcnow())
    db.session.commit()
    auction = db.session.get(Auction, board.auction.id)
    JOBS["settle-auctions"](app, auction.ends_at + timedelta(seconds=1))
    board.sale = db.session.scalar(sa.select(Sale))
    board.url = f"/auctions/sales/{board.sale.id}"
    return board
