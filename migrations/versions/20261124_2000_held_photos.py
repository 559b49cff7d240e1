"""Photos of a refused listing or auction form are held for the next try (SHOP-3, AUC-1)

Revision ID: 8b3d5f1a7c20
Revises: 5c1e9a7d2f60
Create Date: 2026-11-24 20:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b3d5f1a7c20'
down_revision = '5c1e9a7d2f60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'],
                                name=op.f('fk_held_photos_owner_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_photos')),
        sa.UniqueConstraint('key', name=op.f('uq_held_photos_key')))
    op.create_index(op.f('ix_held_photos_created_at'), 'held_photos', ['created_at'])
    op.create_index('ix_held_photos_owner_created', 'held_photos', ['owner_id', 'created_at'])


def downgrade():
    op.drop_index('ix_held_photos_owner_created', table_name='held_photos')
    op.drop_index(op.f('ix_held_photos_created_at'), table_name='held_photos')
    op.drop_table('held_photos')
