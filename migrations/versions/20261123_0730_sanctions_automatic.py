"""Sanctions say whether a rule's count imposed them (CMP-4), so only those end with the count

Revision ID: 2f7a4c9e1b68
Revises: 7e3b9c1d5a42
Create Date: 2026-11-23 07:30:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2f7a4c9e1b68'
down_revision = '7e3b9c1d5a42'
branch_labels = None
depends_on = None


def upgrade():
    # (a plain ADD COLUMN: SQLite takes it with its default, no table rebuild)
    op.add_column('sanctions', sa.Column('automatic', sa.Boolean(), server_default=sa.false(),
                                         nullable=False))


def downgrade():
    with op.batch_alter_table('sanctions') as batch_op:
        batch_op.drop_column('automatic')
