"""Orders say where to ship: recipient name, phone, address and postcode (SHOP-10)

Revision ID: 5b2f8c1e7a93
Revises: 3e8d5a7c9f14
Create Date: 2026-11-24 00:20:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b2f8c1e7a93'
down_revision = '3e8d5a7c9f14'
branch_labels = None
depends_on = None

COLUMNS = (('ship_name', 100), ('ship_phone', 10), ('ship_address', 300),
           ('ship_postcode', 5))


def upgrade():
    # (plain ADD COLUMNs with a default: no table rebuild on SQLite; earlier orders have none)
    for name, length in COLUMNS:
        op.add_column('orders', sa.Column(name, sa.String(length), nullable=False,
                                          server_default=''))


def downgrade():
    # Plain DROP COLUMNs (SQLite 3.35+)
    for name, _ in reversed(COLUMNS):
        op.drop_column('orders', name)
