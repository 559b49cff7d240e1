"""The audit log refuses DELETE on SQLite too (MOD-10: append-only; PostgreSQL's trigger
already refused both UPDATE and DELETE)

Revision ID: 5c1d2e7a9b30
Revises: fea29e6cf84d
Create Date: 2026-11-23 03:30:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1d2e7a9b30'
down_revision = 'fea29e6cf84d'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
                   "SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
