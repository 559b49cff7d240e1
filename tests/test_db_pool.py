"""The database pool fits the worker: one connection per request thread and one per
background thread, so a busy worker does not open and close a connection per request; an
in-memory SQLite database (one shared connection) still starts."""
from app.config import engine_options


def test_the_pool_holds_a_connection_per_thread_and_background_thread(monkeypatch):
    monkeypatch.delenv("DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("DB_MAX_OVERFLOW", raising=False)
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    assert engine_options("postgresql+psycopg://db/talat") == {
        "pool_pre_ping": False, "pool_use_lifo": True,  # checked without it
        "pool_size": 10, "max_overflow": 5}
    monkeypatch.setenv("GUNICORN_THREADS", "790")  # the 1,000-watcher setting: capped
    assert engine_options("postgresql+psycopg://db/talat")["pool_size"] == 40
    monkeypatch.setenv("DB_POOL_SIZE", "12")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "0")
    assert engine_options("sqlite:////var/talat.sqlite3") == {
        "pool_pre_ping": True, "pool_size": 12, "max_overflow": 0}


def test_an_in_memory_sqlite_database_still_starts(monkeypatch):
    from app import create_app
    from app.config import Config
    from app.extensions import db

    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(Config())
    with app.app_context():
        assert db.session.execute(db.text("SELECT 1")).scalar() == 1
