"""Orders keep when the slip was sent and when the seller refused it (SHOP-10)

Revision ID: 6c1a9e3f5b27
Revises: 9d4e2b7a6c31
Create Date: 2026-11-24 03:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c1a9e3f5b27'
down_revision = '9d4e2b7a6c31'
branch_labels = None
depends_on = None

COLUMNS = ('slip_sent_at', 'slip_refused_at')


def upgrade():
    # (plain nullable ADD COLUMNs: no table rebuild on SQLite; earlier orders have no times,
    # and their timelines show the step without one)
    for name in COLUMNS:
        op.add_column('orders', sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for name in reversed(COLUMNS):
        op.drop_column('orders', name)
