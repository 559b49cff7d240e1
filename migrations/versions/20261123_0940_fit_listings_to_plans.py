"""Shops already over their plan's listing count show only as many as it allows (SHOP-2)

Revision ID: 3e8d5a7c9f14
Revises: 7c3e9a1d5b20
Create Date: 2026-11-23 09:40:00+00:00

A shop moved to a smaller plan before ``over_plan_since`` existed kept every listing shown;
the listings beyond the plan's count (those posted last; FAKE ones stay shown, SHOP-7) are
hidden from buyers now, as ``plans.fit_listings_to_plan`` does on a plan change.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e8d5a7c9f14'
down_revision = '7c3e9a1d5b20'
branch_labels = None
depends_on = None

#: Each plan's listing count as it was when this migration was written (app/models/shops.py).
MAX_LISTINGS = {"starter": 5, "standard": 500, "professional": 2000, "premium": 5000,
                "premium_plus": 15000}


def upgrade():
    limit = "CASE ranked.plan " + " ".join(
        f"WHEN '{plan}' THEN {count}" for plan, count in MAX_LISTINGS.items()) + " END"
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps UTC without the offset
    bind.execute(sa.text(f"""
        UPDATE listings SET over_plan_since = :now
        WHERE over_plan_since IS NULL AND id IN (
            SELECT ranked.id FROM (
                SELECT listings.id, listings.status, shops.plan,
                       ROW_NUMBER() OVER (PARTITION BY listings.shop_id
                                          ORDER BY listings.created_at, listings.id) AS n
                FROM listings JOIN shops ON shops.id = listings.shop_id
                WHERE listings.status <> 'deleted') AS ranked
            WHERE ranked.status <> 'fake' AND ranked.n > {limit})
    """).bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True))), {"now": now})


def downgrade():
    # The column itself goes with the previous revision's downgrade.
    pass
