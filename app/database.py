"""Database plumbing shared by every domain: UTC timestamps, SQLite transaction control,
and side effects that run only after a successful commit."""
import weakref
from datetime import datetime, timezone

from flask import current_app, has_request_context, request
from sqlalchemy import DateTime, String, event, inspect, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def utcnow():
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, so naive values read back are UTC by construction; naive values
    are refused on the way in so a local time can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class lower_text(FunctionElement):
    """``lower(text)`` that folds every letter with a case on both databases, as Python's
    ``str.lower`` does, so a search compares it with a pattern lowered in Python: "Café
    ÉCLAIR" is found by "éclair". PostgreSQL's own lower() does so (its UTF-8 locales);
    SQLite's folds only A-Z, so there it is :func:`_sqlite_lower`, registered on each of its
    connections (:func:`configure_sqlite`). Thai has no letter case: it is left as it is."""

    type = String()
    name = "lower_text"
    inherit_cache = True


@compiles(lower_text)
def _lower_text(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lower_text, "sqlite")
def _lower_text_sqlite(element, compiler, **kw):
    return f"talat_lower({compiler.process(element.clauses, **kw)})"


def _sqlite_lower(value):
    return value.lower() if isinstance(value, str) else value


#: How much of an SQLite database file is memory-mapped (PRAGMA mmap_size).
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def configure_sqlite(engine):
    """Give SQLite real transactions: WAL, a busy timeout, and BEGIN emitted by SQLAlchemy.

    Python's sqlite3 driver does not emit BEGIN before a SELECT, so we take transaction control
    ourselves (see ARCHITECTURE.md, known traps). A transaction begun while serving a POST (or
    any method that changes state) is ``BEGIN IMMEDIATE``: it reads and writes as one writer,
    so it cannot fail at its first write because another writer committed in between. Other
    write paths (jobs, CLI) call :func:`begin_immediate`.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Read the file through a shared memory map instead of a 2 MB page cache per
        # connection: a broad search touches more pages than that (the newest thousand
        # matching listings), which then cost a read() each (as Rails 8 defaults to).
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()
        # lower() beyond A-Z, for searches that fold letter case (:class:`lower_text`)
        dbapi_connection.create_function("talat_lower", 1, _sqlite_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin") or _request_mode()
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def _request_mode():
    """Requests that change state write as they go: their transactions start as writers."""
    if has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS"):
        return "IMMEDIATE"
    return ""


def one_at_a_time(session, key):
    """Until the session's transaction ends, other transactions asking with the same ``key``
    wait: a form sent twice at once then finds what the first one wrote. PostgreSQL: a
    transaction-level advisory lock on the key's hash. SQLite: nothing to do, since requests
    that write start as the one writer (:func:`begin_immediate`)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def begin_immediate(session):
    """Start the session's transaction as a writer (SQLite BEGIN IMMEDIATE; no-op elsewhere).

    Call it first thing on a write path that reads before it writes, so two writers queue on
    the busy timeout instead of failing with "database is locked" at commit time. A read-only
    transaction already open (loading the current user, say) is ended first.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get("talat_wrote"):
            raise RuntimeError("begin_immediate() called after changes were made")
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def commit_keeping_loaded(session):
    """Commit without expiring the objects loaded in the transaction, for a response drawn
    from exactly what it wrote (a bid's answer), saving a re-read of each of them."""
    if isinstance(session, scoped_session):
        session = session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def rollback_keeping_loaded(session, *objects):
    """Roll back a transaction that wrote nothing, keeping what ``objects`` had loaded instead
    of expiring it: a request that lets go of a lock and goes on answering (a bid refused or
    asked to confirm again) would otherwise read the member again for its reply. After any
    write it is a plain rollback: changes pending or flushed, statements run through
    ``session.execute`` (:func:`_note_statement_write`) and writes on the session's connection
    that mark the session themselves (the bid path's table statements); one that marks
    nothing would go unseen."""
    if isinstance(session, scoped_session):
        session = session()
    wrote = session.info.get("talat_wrote") or session.new or session.dirty or session.deleted
    kept = []
    for obj in () if wrote else objects:
        state = inspect(obj)
        if state.session is session:
            kept.append((obj, {key: state.dict[key] for key in state.mapper.column_attrs.keys()
                               if key in state.dict}))
    session.rollback()
    for obj, values in kept:
        for key, value in values.items():
            set_committed_value(obj, key, value)


def after_commit(session, effect):
    """Run ``effect()`` once the session's current transaction has committed.

    E-mails, live events and webhooks go through here so that nothing leaves the building for
    a change that was rolled back. Effects must not use ``session`` (use the engine directly).
    """
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.connection()  # begin now, so the next commit is the one that runs the effect
    session.info.setdefault("talat_effects", []).append(effect)


def after_rollback(session, undo):
    """Run ``undo()`` if the session's current transaction rolls back (e.g. delete files
    written for a change that did not happen)."""
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.connection()  # begin now, so commit or rollback is sure to end this transaction
    session.info.setdefault("talat_undo", []).append(undo)


@event.listens_for(Session, "after_flush")
def _note_write(session, _flush_context):
    session.info["talat_wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_write(state):
    """An INSERT, UPDATE or DELETE run through ``session.execute`` writes too."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["talat_wrote"] = True


@event.listens_for(Session, "after_commit")
def _run_effects(session):
    if session.in_nested_transaction():
        # A savepoint was released (``begin_nested``): the real commit is still to come, and
        # mail, live events and files must wait for it.
        return
    session.info.pop("talat_wrote", None)
    session.info.pop("talat_undo", None)
    effects = session.info.pop("talat_effects", [])
    for effect in effects:
        try:
            effect()
        except Exception:  # an effect's failure must never undo a committed change
            current_app.logger.exception("post-commit effect failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_effects(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop("talat_wrote", None)
        session.info.pop("talat_effects", None)
        for undo in session.info.pop("talat_undo", []):
            try:
                undo()
            except Exception:  # cleaning up must never mask the original error
                current_app.logger.exception("rollback clean-up failed")


def register_engine_hooks(app, db):
    """Attach SQLite's transaction hooks, or PostgreSQL's connection checks, to the app's
    engine once it exists."""
    from app.connection_checks import check_connections

    with app.app_context():
        engine = db.engine
        if engine in _HOOKED_ENGINES:  # (apps that share an engine, as the tests' do)
            return
        _HOOKED_ENGINES.add(engine)
        configure_sqlite(engine)
        check_connections(engine)


#: Engines whose hooks are attached: once each, however many apps use one.
_HOOKED_ENGINES = weakref.WeakSet()

