"""Members record when their password last changed (a change form sent twice is recognised)

Revision ID: 6c5b6873aee8
Revises: 9c4f1a7e2d35
Create Date: 2026-11-23 08:52:53.550229+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c5b6873aee8'
down_revision = '9c4f1a7e2d35'
branch_labels = None
depends_on = None


def upgrade():
    # (a plain ADD COLUMN, nullable: SQLite takes it without a table rebuild)
    op.add_column('users', sa.Column('password_changed_at', sa.DateTime(timezone=True),
                                     nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('password_changed_at')
