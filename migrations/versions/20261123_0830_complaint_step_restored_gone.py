"""A complaint's status page can show that the owner's response was accepted about a page its
owner had deleted while it was hidden, so it is not published again (step ``restored_gone``,
CMP-5)

Revision ID: 9c4f1a7e2d35
Revises: 4b8d2e6f0a17
Create Date: 2026-11-23 08:30:00+00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c4f1a7e2d35'
down_revision = '4b8d2e6f0a17'
branch_labels = None
depends_on = None

STEPS = ('received', 'info_requested', 'info_added', 'upheld', 'rejected', 'counter_statement',
         'restored', 'kept_hidden', 'overdue', 'restored_held', 'released')


def _steps(steps):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_step'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_complaint_events_step'),
            "step IN (" + ", ".join(f"'{step}'" for step in steps) + ")")


def upgrade():
    _steps(STEPS + ('restored_gone',))


def downgrade():
    # Before this step existed such an answer was recorded as "restored".
    op.execute("UPDATE complaint_events SET step = 'restored' WHERE step = 'restored_gone'")
    _steps(STEPS)
