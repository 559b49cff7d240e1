"""A complaint target remembers that its page stayed hidden by another upheld complaint when
the owner's answer was accepted (``held_by_other``), so its complainant is told when the last
such hold lifts (new status step ``released``, CMP-5)

Revision ID: 4b8d2e6f0a17
Revises: 2f7a4c9e1b68
Create Date: 2026-11-23 08:00:00+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b8d2e6f0a17'
down_revision = '2f7a4c9e1b68'
branch_labels = None
depends_on = None

STEPS = ('received', 'info_requested', 'info_added', 'upheld', 'rejected', 'counter_statement',
         'restored', 'kept_hidden', 'overdue', 'restored_held')


def _steps(steps):
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaint_events_step'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_complaint_events_step'),
            "step IN (" + ", ".join(f"'{step}'" for step in steps) + ")")


def upgrade():
    # (a plain ADD COLUMN: SQLite takes it with its default, no table rebuild)
    op.add_column('complaint_targets', sa.Column('held_by_other', sa.Boolean(),
                                                 server_default=sa.false(), nullable=False))
    # Restored while another upheld complaint that hid the page before it is still in force:
    # that complainant was told "stays suspended for now" and is still waiting.
    op.execute("""
        UPDATE complaint_targets SET held_by_other = true
        WHERE outcome = 'restored' AND restored_at IS NOT NULL AND EXISTS (
            SELECT 1 FROM complaint_targets AS other
            WHERE other.target_type = complaint_targets.target_type
              AND other.target_id = complaint_targets.target_id
              AND other.id <> complaint_targets.id
              AND other.outcome IN ('hidden', 'kept')
              AND other.hidden_at <= complaint_targets.restored_at)
    """)
    _steps(STEPS + ('released',))


def downgrade():
    # Before this step existed the complainant was not told; keep the step as "restored".
    op.execute("UPDATE complaint_events SET step = 'restored' WHERE step = 'released'")
    _steps(STEPS)
    with op.batch_alter_table('complaint_targets') as batch_op:
        batch_op.drop_column('held_by_other')
