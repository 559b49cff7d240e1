"""Auctions count the lines of their bid history (a bid numbers its lines from the locked row)

Revision ID: fea29e6cf84d
Revises: 8a585e698798
Create Date: 2026-11-22 21:00:22.765477+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fea29e6cf84d'
down_revision = '8a585e698798'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auctions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('history_lines', sa.Integer(), server_default='0', nullable=False))
    # Auctions that already have bids carry on numbering after their last line.
    op.execute("UPDATE auctions SET history_lines = (SELECT COALESCE(MAX(bids.sequence), 0) "
               "FROM bids WHERE bids.auction_id = auctions.id)")


def downgrade():
    with op.batch_alter_table('auctions', schema=None) as batch_op:
        batch_op.drop_column('history_lines')
