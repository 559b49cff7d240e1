"""Orders keep the listing's title as it was when ordered (SHOP-10)

Revision ID: 3f8b2d6a1c94
Revises: 6c1a9e3f5b27
Create Date: 2026-11-24 06:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f8b2d6a1c94'
down_revision = '6c1a9e3f5b27'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('orders', sa.Column('item_title', sa.String(length=120), server_default='',
                                      nullable=False))
    # Earlier orders: the listing's title now is the best record left of what was bought.
    op.execute("UPDATE orders SET item_title = (SELECT listings.title FROM listings "
               "WHERE listings.id = orders.listing_id)")


def downgrade():
    op.drop_column('orders', 'item_title')
