"""A shop can pause a listing and resume it (``paused_at``): off sale and off every list,
its page, photos, reviews and link kept

Revision ID: 3b8d5f1e6a42
Revises: 7e4c2a9b5d13
Create Date: 2026-11-24 10:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b8d5f1e6a42'
down_revision = '7e4c2a9b5d13'
branch_labels = None
depends_on = None


def upgrade():
    # (a plain ADD COLUMN of a nullable column: no table rebuild on SQLite)
    op.add_column('listings', sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of listings would drop its search
    # triggers.
    op.drop_column('listings', 'paused_at')
