"""Orders keep who cancelled them and why: the buyer, the shop or the moderators (SHOP-10)

Revision ID: d29778980399
Revises: 3f8b2d6a1c94
Create Date: 2026-11-24 07:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd29778980399'
down_revision = '3f8b2d6a1c94'
branch_labels = None
depends_on = None


def upgrade():
    # (plain ADD COLUMNs with a default: no table rebuild on SQLite)
    op.add_column('orders', sa.Column('cancelled_by', sa.String(length=12), server_default='',
                                      nullable=False))
    op.add_column('orders', sa.Column('cancel_reason', sa.String(length=500), server_default='',
                                      nullable=False))
    # Until now only the buyer and a moderators' sanction cancelled an order, and a sanction
    # always told the other party with an "order_cancelled_mod" notice about the order.
    op.execute("UPDATE orders SET cancelled_by = CASE WHEN EXISTS (SELECT 1 FROM notifications "
               "WHERE notifications.kind = 'order_cancelled_mod' "
               "AND notifications.target_type = 'order' "
               "AND notifications.target_id = orders.id) THEN 'moderation' ELSE 'buyer' END "
               "WHERE status = 'cancelled'")


def downgrade():
    op.drop_column('orders', 'cancel_reason')
    op.drop_column('orders', 'cancelled_by')
