"""Listings beyond a smaller plan's limit are hidden from buyers (``over_plan_since``, SHOP-2)

Revision ID: 7c3e9a1d5b20
Revises: 6c5b6873aee8
Create Date: 2026-11-23 09:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9a1d5b20'
down_revision = '6c5b6873aee8'
branch_labels = None
depends_on = None


def upgrade():
    # (a plain ADD COLUMN of a nullable column: no table rebuild on SQLite)
    op.add_column('listings', sa.Column('over_plan_since', sa.DateTime(timezone=True),
                                        nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of listings would drop its search
    # triggers.
    op.drop_column('listings', 'over_plan_since')
