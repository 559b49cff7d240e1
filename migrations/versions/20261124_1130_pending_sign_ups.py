"""A sign-up waits for its e-mail address to be confirmed (ACC-1): ``pending_sign_ups``

Revision ID: 5c1f0a7d2e94
Revises: 3b8d5f1e6a42
Create Date: 2026-11-24 11:30:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1f0a7d2e94'
down_revision = '3b8d5f1e6a42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_sign_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('display_name', sa.String(length=40), nullable=False),
        sa.Column('birth_date', sa.Date(), nullable=False),
        sa.Column('guardian_name', sa.String(length=100), nullable=True),
        sa.Column('guardian_email', sa.String(length=254), nullable=True),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_ups')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_pending_sign_ups_token_hash')))
    op.create_index(op.f('ix_pending_sign_ups_email'), 'pending_sign_ups', ['email'])
    op.create_index(op.f('ix_pending_sign_ups_expires_at'), 'pending_sign_ups', ['expires_at'])


def downgrade():
    op.drop_index(op.f('ix_pending_sign_ups_expires_at'), table_name='pending_sign_ups')
    op.drop_index(op.f('ix_pending_sign_ups_email'), table_name='pending_sign_ups')
    op.drop_table('pending_sign_ups')
