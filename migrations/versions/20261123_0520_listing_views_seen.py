"""A listing's view counts for the rankings once a viewer a Bangkok day (RANK-2): who has viewed
today, as a keyed hash

Revision ID: 9b2f6c4e8d17
Revises: 7e4b9d2c1a56
Create Date: 2026-11-23 05:20:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b2f6c4e8d17'
down_revision = '7e4b9d2c1a56'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'listing_views_seen',
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('viewer', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'],
                                name=op.f('fk_listing_views_seen_listing_id_listings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('listing_id', 'day', 'viewer', name=op.f('pk_listing_views_seen')))
    op.create_index('ix_listing_views_seen_day', 'listing_views_seen', ['day'], unique=False)


def downgrade():
    op.drop_index('ix_listing_views_seen_day', table_name='listing_views_seen')
    op.drop_table('listing_views_seen')
