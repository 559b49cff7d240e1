"""Migrations: they build the schema the models describe, and they can be reversed."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def test_migrations_match_the_models(app):
    """A schema change without a migration fails here."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_upgrade_again(app):
    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    with db.engine.connect() as connection:
        assert "users" in db.inspect(connection).get_table_names()
