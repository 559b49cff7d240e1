"""Auctions get a content rating (RANK-1, ACC-3): "general" or "adult" (18+); every
existing auction is general

Revision ID: 5c1e9a7d2f60
Revises: 5c1f0a7d2e94
Create Date: 2026-11-24 12:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e9a7d2f60'
down_revision = '5c1f0a7d2e94'
branch_labels = None
depends_on = None


CHECK = "content_rating IN ('general', 'adult')"


def upgrade():
    if op.get_context().dialect.name == 'sqlite':
        # A plain ADD COLUMN carrying its CHECK: SQLite takes it without rebuilding the table
        # (a batch rebuild of auctions would drop its search triggers), and DROP COLUMN takes
        # it away again with the column.
        op.execute("ALTER TABLE auctions ADD COLUMN content_rating VARCHAR(16) "
                   "DEFAULT 'general' NOT NULL "
                   f"CONSTRAINT ck_auctions_content_rating CHECK ({CHECK})")
        return
    # The server default fills the existing rows: every auction so far is general.
    op.add_column('auctions', sa.Column(
        'content_rating', sa.String(length=16), nullable=False, server_default='general'))
    op.create_check_constraint(op.f('ck_auctions_content_rating'), 'auctions', CHECK)


def downgrade():
    if op.get_context().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_auctions_content_rating'), 'auctions', type_='check')
    op.drop_column('auctions', 'content_rating')
