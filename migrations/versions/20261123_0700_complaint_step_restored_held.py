"""A complaint's status page can show that the owner's response was accepted while another
upheld complaint keeps the page hidden (step ``restored_held``, CMP-5)

Revision ID: 7e3b9c1d5a42
Revises: 6c3e9a2b5f40
Create Date: 2026-11-23 07:00:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7e3b9c1d5a42'
down_revision = '6c3e9a2b5f40'
branch_labels = None
depends_on = None

STEPS = ('received', 'info_requested', 'info_added', 'upheld', 'rejected', 'counter_statement',
         'restored', 'kept_hidden', 'overdue')


def _steps(steps):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_step'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_complaint_events_step'),
            "step IN (" + ", ".join(f"'{step}'" for step in steps) + ")")


def upgrade():
    _steps(STEPS + ('restored_held',))


def downgrade():
    # Before this step existed such an answer was recorded as "restored".
    op.execute("UPDATE complaint_events SET step = 'restored' WHERE step = 'restored_held'")
    _steps(STEPS)
