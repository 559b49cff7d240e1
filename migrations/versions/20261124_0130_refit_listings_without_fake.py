"""Shops re-fitted to their plans with FAKE-signed listings taking no place (SHOP-2, SHOP-7)

Revision ID: 9d4e2b7a6c31
Revises: 5b2f8c1e7a93
Create Date: 2026-11-24 01:30:00+00:00

Until now a FAKE-signed listing took one of its plan's places (the owner may not delete it,
so it held that place for good), and the listing posted last beyond the count was hidden. A
FAKE listing now takes no place (``plans.counted_listings``); this shows again every listing
that is within its plan's count once FAKE and deleted ones are left out, and hides any beyond
it, as ``plans.fit_listings_to_plan`` does from now on (FAKE listings are left as they are).
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4e2b7a6c31'
down_revision = '5b2f8c1e7a93'
branch_labels = None
depends_on = None

#: Each plan's listing count as it was when this migration was written (app/models/shops.py).
MAX_LISTINGS = {"starter": 5, "standard": 500, "professional": 2000, "premium": 5000,
                "premium_plus": 15000}


def upgrade():
    limit = "CASE ranked.plan " + " ".join(
        f"WHEN '{plan}' THEN {count}" for plan, count in MAX_LISTINGS.items()) + " END"
    ranked = """
        SELECT listings.id, shops.plan,
               ROW_NUMBER() OVER (PARTITION BY listings.shop_id
                                  ORDER BY listings.created_at, listings.id) AS n
        FROM listings JOIN shops ON shops.id = listings.shop_id
        WHERE listings.status NOT IN ('deleted', 'fake')"""
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps UTC without the offset
    bind.execute(sa.text(f"""
        UPDATE listings SET over_plan_since = NULL
        WHERE over_plan_since IS NOT NULL AND id IN (
            SELECT ranked.id FROM ({ranked}) AS ranked WHERE ranked.n <= {limit})"""))
    bind.execute(sa.text(f"""
        UPDATE listings SET over_plan_since = :now
        WHERE over_plan_since IS NULL AND id IN (
            SELECT ranked.id FROM ({ranked}) AS ranked WHERE ranked.n > {limit})
    """).bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True))), {"now": now})


def downgrade():
    # The earlier counting is restored by the next plan change of each shop.
    pass
