"""Configuration read from the environment, with safe embedded defaults for development.

Every variable is documented in README.md. Production (``TALAT_ENV=production``) refuses to
start without a real ``SECRET_KEY``; development keeps a random key in ``instance/secret_key``
so that no default secret ever lives in the code.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("TALAT_INSTANCE_DIR", BASE_DIR / "instance"))

#: Traffic-log retention may never be configured below this many days (ACC-6).
MIN_TRAFFIC_RETENTION_DAYS = 90


class ConfigError(RuntimeError):
    """Raised when the environment does not describe a safe configuration."""


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def engine_options(database_url):
    """Pool settings: the connections each worker keeps (opened only when that many requests
    need one at once) and may open beyond them. A pool smaller than the worker's threads opens
    and closes a connection per request under load (a new PostgreSQL backend each time), so
    by default it holds one per thread and two for the background threads (traffic log,
    e-mail), at most 40; keep workers x (pool + overflow) under the database's limit."""
    if database_url.startswith("sqlite"):
        options = {"pool_pre_ping": True}
    else:  # checked at checkout without a round trip instead (app/connection_checks.py)
        options = {"pool_pre_ping": False, "pool_use_lifo": True}
    if database_url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in database_url:
        return options  # one shared in-memory connection: no pool to size
    threads = _int("GUNICORN_THREADS", 32)
    options["pool_size"] = _int("DB_POOL_SIZE", min(threads + 2, 40))
    options["max_overflow"] = _int("DB_MAX_OVERFLOW", 5)
    return options


def _secret_key(env):
    """Return SECRET_KEY from the environment, or a per-instance random key in development."""
    key = os.environ.get("SECRET_KEY")
    if key:
        if env == "production" and len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set when TALAT_ENV=production")
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        _write_once(key_file, secrets.token_hex(32))
    key = key_file.read_text().strip()
    if not key:
        raise ConfigError(f"{key_file} is empty: delete it, and a new key is made at start")
    return key


def _write_once(path, text):
    """Write ``path`` whole, unless another process has already made it. Processes starting
    together (gunicorn's workers on a new instance folder) each find no key file: written in
    place, one could read another's file while still empty and serve without a key (found
    when the browser tests started gunicorn on a fresh folder), or keep a key the last
    writer replaced. The text goes to a file of its own, linked into place only if the name
    is free, so every process reads the same whole key."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    draft.write_text(text)
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def normalise_database_url(url):
    """Use the psycopg 3 driver for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Settings for running the site; every value can be overridden from the environment."""

    def __init__(self):
        env = os.environ.get("TALAT_ENV", "development")
        self.TALAT_ENV = env
        self.SECRET_KEY = _secret_key(env)
        default_db = "sqlite:///" + str(INSTANCE_DIR / "talat.sqlite3")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL", default_db))
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.REDIS_URL = os.environ.get("REDIS_URL", "")

        # Sessions and cookies. Secure is also set per request when served over HTTPS.
        self.SESSION_COOKIE_NAME = "talat_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", env == "production")
        self.PERMANENT_SESSION_LIFETIME = timedelta(days=_int("REMEMBER_ME_DAYS", 30))
        self.SESSION_IDLE_HOURS = _int("SESSION_IDLE_HOURS", 12)
        self.PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
        self.MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 64) * 1024 * 1024
        # Browse/search/shop pages are kept this long for visitors who are not logged in.
        self.PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 5)
        # Live auction pages (AUC-2): a ping this often; a stream ends (and the browser
        # reconnects) after this long, so no worker thread is held forever.
        self.LIVE_PING_SECONDS = _int("LIVE_PING_SECONDS", 5)
        self.LIVE_STREAM_SECONDS = _int("LIVE_STREAM_SECONDS", 300)
        self.MAX_IMAGE_MB = _int("MAX_IMAGE_MB", 10)
        self.MAX_PDF_MB = _int("MAX_PDF_MB", 10)
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))

        # Language and time.
        self.BABEL_DEFAULT_LOCALE = "th"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Bangkok"
        self.LANGUAGES = ("th", "en")

        # Passwords (argon2id). Defaults are argon2-cffi's RFC 9106 low-memory profile.
        self.ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_COST_KIB = _int("ARGON2_MEMORY_COST_KIB", 65536)
        self.PASSWORD_MIN_LENGTH = 10
        self.PASSWORD_RESET_MINUTES = _int("PASSWORD_RESET_MINUTES", 60)

        # Login lockout (ACC-4).
        self.LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 10)
        self.LOGIN_FAILURE_WINDOW_MINUTES = _int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
        self.LOGIN_BLOCK_MINUTES = _int("LOGIN_BLOCK_MINUTES", 30)

        # Rate limits (ACC-8).
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_STORAGE_URI = os.environ.get(
            "RATELIMIT_STORAGE_URI", self.REDIS_URL or "memory://")
        self.RATELIMIT_PER_IP = os.environ.get("RATELIMIT_PER_IP", "300 per minute;5000 per hour")
        self.RATELIMIT_PER_ACCOUNT = os.environ.get("RATELIMIT_PER_ACCOUNT", "60 per minute")
        self.RATELIMIT_PER_ACCOUNT_READ = os.environ.get("RATELIMIT_PER_ACCOUNT_READ",
                                                         "600 per minute")
        # Listing, shop and auction images: not counted by the limits above (a page loads
        # ~25, and one carrier address serves many phones), but by this one per address.
        self.RATELIMIT_MEDIA_PER_IP = os.environ.get("RATELIMIT_MEDIA_PER_IP",
                                                     "6000 per minute;100000 per hour")
        self.RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "30 per minute")
        # Sign-up mails per address: accepted sign-ups (a link or a warning mailed, alike,
        # ACC-1; a refused sign-up does not count: carrier-grade NAT puts many people behind
        # one address) and "Send the link again" presses, in one bucket; and every sign-up
        # post per address (floods).
        self.RATELIMIT_SIGNUP = os.environ.get("RATELIMIT_SIGNUP", "10 per hour")
        self.RATELIMIT_SIGNUP_ATTEMPTS = os.environ.get("RATELIMIT_SIGNUP_ATTEMPTS",
                                                        "60 per hour")
        self.RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "10 per hour")
        # Wrong passwords typed on one sign-up link's activation page (on top of the
        # address's RATELIMIT_RESET on that page).
        self.RATELIMIT_SIGNUP_LINK = os.environ.get("RATELIMIT_SIGNUP_LINK", "5 per hour")
        # Complaints filed per address (a form refused for its errors does not count), every
        # post of the complaint form per address, and status-page lookups (against guessing).
        self.RATELIMIT_COMPLAINT = os.environ.get("RATELIMIT_COMPLAINT", "10 per hour")
        self.RATELIMIT_COMPLAINT_POSTS = os.environ.get("RATELIMIT_COMPLAINT_POSTS",
                                                        "60 per hour")
        self.RATELIMIT_COMPLAINT_STATUS = os.environ.get("RATELIMIT_COMPLAINT_STATUS",
                                                         "10 per minute;50 per hour")
        self.RATELIMIT_HEADERS_ENABLED = True

        # E-mail (ACC-7). Without MAIL_SERVER, mail stays in the admin's outbox.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = _int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS")
        self.MAIL_USE_SSL = _bool("MAIL_USE_SSL")
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_DEFAULT_SENDER = os.environ.get(
            "MAIL_DEFAULT_SENDER", "Talat <no-reply@talat.local>")
        self.MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 10)
        self.MAIL_HOURLY_CAP = _int("MAIL_HOURLY_CAP", 60)
        self.MAIL_MAX_WAIT_HOURS = _int("MAIL_MAX_WAIT_HOURS", 24)
        self.MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)
        # "thread": pages never wait for SMTP, and a password reset link is made after the
        # answer by a background thread (accounts/reset_requests.py); "inline": both done
        # before the response (tests).
        self.MAIL_DELIVERY = os.environ.get("MAIL_DELIVERY", "thread")

        # Traffic log (ACC-6). Entries are written in batches this often (0: each at once).
        self.TRAFFIC_LOG_FLUSH_SECONDS = _float("TRAFFIC_LOG_FLUSH_SECONDS", 1.0)
        self.TRAFFIC_RETENTION_DAYS = max(
            MIN_TRAFFIC_RETENTION_DAYS, _int("TRAFFIC_RETENTION_DAYS", MIN_TRAFFIC_RETENTION_DAYS))

        # The site's public address, for links in e-mails. Never taken from the request's Host
        # header, which a client controls.
        site_url = os.environ.get("SITE_URL", "")
        if not site_url:
            if env == "production":
                raise ConfigError("SITE_URL must be set when TALAT_ENV=production")
            site_url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        self.SITE_URL = site_url.rstrip("/")

        # Orders (SHOP-10): hours a buyer has to pay before the order expires and the
        # reserved quantity is released.
        self.ORDER_PAYMENT_HOURS = max(1, _int("ORDER_PAYMENT_HOURS", 24))

        self.WTF_CSRF_TIME_LIMIT = _int("CSRF_TIME_LIMIT_SECONDS", 8 * 3600)


class TestConfig(Config):  # noqa: D101
    __test__ = False  # not a pytest test class

    """Fast, isolated settings for the test suite; the database URL is given by the fixture."""

    def __init__(self, database_url, **overrides):
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST_KIB = 1024
        self.RATELIMIT_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.MAIL_SERVER = ""
        self.SERVER_NAME = None
        self.SITE_URL = "http://localhost"
        self.MAIL_DELIVERY = "inline"
        self.PAGE_CACHE_SECONDS = 0
        self.REDIS_URL = ""  # the in-process event bus; tests of Redis pass REDIS_URL
        self.LIVE_PING_SECONDS = 1
        self.TRAFFIC_LOG_FLUSH_SECONDS = 0  # each entry at once; test_traffic_log tests batches
        for key, value in overrides.items():
            setattr(self, key, value)
        if "TRAFFIC_RETENTION_DAYS" in overrides:
            self.TRAFFIC_RETENTION_DAYS = max(MIN_TRAFFIC_RETENTION_DAYS,
                                              self.TRAFFIC_RETENTION_DAYS)
