"""Won and sold notices name their sale, where they lead (instead of a query for each notice
when a member's notices are shown)

Revision ID: 4d8a1f7c2e93
Revises: 9b2f6c4e8d17
Create Date: 2026-11-23 06:00:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4d8a1f7c2e93'
down_revision = '9b2f6c4e8d17'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE notifications SET target_type = 'sale', target_id = "
        "(SELECT sales.id FROM sales WHERE sales.auction_id = notifications.auction_id) "
        "WHERE kind IN ('won', 'sold') AND target_type IS NULL AND EXISTS "
        "(SELECT 1 FROM sales WHERE sales.auction_id = notifications.auction_id)")


def downgrade():
    op.execute("UPDATE notifications SET target_type = NULL, target_id = NULL "
               "WHERE kind IN ('won', 'sold') AND target_type = 'sale'")
