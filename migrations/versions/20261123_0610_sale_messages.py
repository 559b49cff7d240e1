"""Messages between the buyer and the seller of an auction sale (payment, address, shipping)

Revision ID: 6c3e9a2b5f40
Revises: 4d8a1f7c2e93
Create Date: 2026-11-23 06:10:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c3e9a2b5f40'
down_revision = '4d8a1f7c2e93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sale_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sale_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['sale_id'], ['sales.id'],
                                name=op.f('fk_sale_messages_sale_id_sales'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'],
                                name=op.f('fk_sale_messages_sender_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_messages')))
    op.create_index('ix_sale_messages_sale', 'sale_messages', ['sale_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_sale_messages_sale', table_name='sale_messages')
    op.drop_table('sale_messages')
