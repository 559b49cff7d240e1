"""A member's watch of a listing counts for the rankings once (RANK-2): the pairs that counted

Revision ID: 7e4b9d2c1a56
Revises: 5c1d2e7a9b30
Create Date: 2026-11-23 03:40:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e4b9d2c1a56'
down_revision = '5c1d2e7a9b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'listing_watches_counted',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'],
                                name=op.f('fk_listing_watches_counted_listing_id_listings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_listing_watches_counted_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_watches_counted')),
        sa.UniqueConstraint('user_id', 'listing_id', name='uq_listing_watches_counted_pair'))
    op.create_index(op.f('ix_listing_watches_counted_listing_id'), 'listing_watches_counted',
                    ['listing_id'], unique=False)
    # Today's watches have counted already.
    op.execute("INSERT INTO listing_watches_counted (user_id, listing_id) "
               "SELECT user_id, listing_id FROM listing_watches")


def downgrade():
    op.drop_index(op.f('ix_listing_watches_counted_listing_id'),
                  table_name='listing_watches_counted')
    op.drop_table('listing_watches_counted')
