"""The buyer may correct an order's delivery address until it ships (SHOP-10); when they did
is kept, so the people packing it see that the address changed

Revision ID: 2f6a9c4e8b17
Revises: 8b3d5f1a7c20
Create Date: 2026-11-24 23:30:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2f6a9c4e8b17'
down_revision = '8b3d5f1a7c20'
branch_labels = None
depends_on = None


def upgrade():
    # (a plain ADD COLUMN of a nullable column: no table rebuild on SQLite)
    op.add_column('orders', sa.Column('ship_address_changed_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    op.drop_column('orders', 'ship_address_changed_at')
