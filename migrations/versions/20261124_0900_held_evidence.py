"""Evidence files of a refused complaint form are held for the next try (CMP-1)

Revision ID: 7e4c2a9b5d13
Revises: d29778980399
Create Date: 2026-11-24 09:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e4c2a9b5d13'
down_revision = 'd29778980399'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('media', sa.String(length=8), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("media IN ('image', 'pdf')", name=op.f('ck_held_evidence_media')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_evidence')),
        sa.UniqueConstraint('key', name=op.f('uq_held_evidence_key')),
        sa.UniqueConstraint('token', name=op.f('uq_held_evidence_token')))
    op.create_index(op.f('ix_held_evidence_created_at'), 'held_evidence', ['created_at'])
    op.create_index('ix_held_evidence_ip_created', 'held_evidence', ['ip', 'created_at'])


def downgrade():
    op.drop_index('ix_held_evidence_ip_created', table_name='held_evidence')
    op.drop_index(op.f('ix_held_evidence_created_at'), table_name='held_evidence')
    op.drop_table('held_evidence')
