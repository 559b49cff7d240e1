"""Database plumbing the bid path leans on: rolling back without re-reading the member, and
table writes that count as writes."""
import pytest
from sqlalchemy import event, func, insert, inspect, select, update

from app.database import begin_immediate, rollback_keeping_loaded
from app.extensions import db
from app.models import Notification, User


@pytest.fixture
def statements(app):
    """The SQL statements run from now on (BEGIN, ROLLBACK and COMMIT left out)."""
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    yield seen
    event.remove(db.engine, "before_cursor_execute", before)


def test_a_member_loaded_before_a_rollback_is_answered_without_reading_again(
        make_member, statements):
    member = make_member(display_name="Somchai")
    db.session.commit()
    name, locale = member.display_name, member.locale  # loaded in this transaction
    statements.clear()
    rollback_keeping_loaded(db.session, member)
    assert (member.display_name, member.locale, member.id) == (name, locale, member.id)
    assert statements == []
    assert not inspect(member).expired_attributes


def test_a_member_changed_before_the_rollback_is_restored_from_the_database(app, make_member):
    member = make_member(display_name="Somchai")
    db.session.commit()
    member.locale = "en" if member.locale == "th" else "th"
    stored = db.session.scalar(select(User.locale).where(User.id == member.id))  # autoflush
    assert stored == member.locale
    rollback_keeping_loaded(db.session, member)
    assert member.locale != stored  # the change was rolled back, not kept


def test_a_table_write_counts_as_a_write_for_begin_immediate(app, make_member):
    member = make_member()
    db.session.commit()
    db.session.execute(insert(Notification.__table__), dict(
        user_id=member.id, kind="outbid", data="{}", created_at=member.created_at))
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(RuntimeError):
            begin_immediate(db.session)
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == member.id)) == 1


def test_a_statement_write_before_the_rollback_is_not_kept(app, make_member):
    """An UPDATE run through the session changes the loaded member without making it dirty;
    the rollback must still undo it, not keep it."""
    member = make_member()
    db.session.commit()
    stored = member.locale
    db.session.execute(update(User).where(User.id == member.id).values(
        locale="en" if stored == "th" else "th"))
    assert member.locale != stored  # synchronised in memory
    rollback_keeping_loaded(db.session, member)
    assert member.locale == stored
