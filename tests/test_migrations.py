"""Migrations: they build the schema the models describe, and they can be reversed."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from sqlalchemy import text

from app.extensions import db
from app.search.schema import is_search_object


def test_migrations_match_the_models(app):
    """A schema change without a migration fails here."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, *_: not is_search_object(name, type_)})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_upgrade_again(app):
    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()  # search tables and triggers included
    upgrade()
    with db.engine.connect() as connection:
        assert "users" in db.inspect(connection).get_table_names()


def test_stepping_back_one_migration_keeps_the_search_machinery(app):
    """SQLite rebuilds a table to drop columns; the search triggers (SQLite) and trigram
    indexes (PostgreSQL) must survive stepping back and forth."""
    downgrade(revision="-1")
    upgrade()
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            names = set(connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            wanted = {"shop_search_insert", "shop_search_update", "listing_search_insert"}
        else:
            names = set(connection.execute(text(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm'")).scalars())
            wanted = {"ix_shops_name_trgm", "ix_listings_title_trgm"}
    assert wanted <= names


def test_won_and_sold_notices_written_before_name_their_sale_after_the_upgrade(app, board):
    """The migration that has won and sold notices name their sale fills in the notices
    written before it (they were linked through a query each)."""
    from sqlalchemy import select

    from app.blueprints.auctions import bidding, lifecycle
    from app.database import utcnow
    from app.models import Auction, Notification, Sale

    bidding.place_bid(board.auction.id, board.alice, 20_000, proxy=False)
    db.session.commit()
    auction = db.session.get(Auction, board.auction.id, populate_existing=True)
    auction.ends_at = utcnow()
    lifecycle.settle(auction, utcnow())
    db.session.commit()
    sale_id = db.session.scalar(select(Sale.id))

    def targets():
        db.session.expire_all()
        rows = db.session.execute(select(Notification.kind, Notification.target_type,
                                         Notification.target_id)
                                  .where(Notification.kind.in_(("won", "sold"))))
        result = sorted(tuple(row) for row in rows)
        db.session.commit()
        return result

    assert targets() == [("sold", "sale", sale_id), ("won", "sale", sale_id)]
    db.session.remove()
    downgrade(revision="9b2f6c4e8d17")
    assert targets() == [("sold", None, None), ("won", None, None)]
    db.session.remove()
    upgrade()
    assert targets() == [("sold", "sale", sale_id), ("won", "sale", sale_id)]


def _starter_shop_with_seven_listings(make_shop, make_listing):
    """A Starter shop (5 places) with 7 listings posted an hour apart; their ids, oldest
    first."""
    from datetime import timedelta

    from app.database import utcnow

    shop = make_shop(plan="starter")
    start = utcnow() - timedelta(days=10)
    ids = []
    for n in range(7):
        listing = make_listing(shop=shop, title=f"พระ ลำดับ {n}")
        listing.created_at = start + timedelta(hours=n)
        ids.append(listing.id)
    return ids


def test_listings_over_a_plan_before_the_upgrade_are_fitted_to_it_shop_2(
        app, make_shop, make_listing):
    """SHOP-2 (found in review): a shop already over its plan's listing count when hiding
    over-plan listings came in kept every listing shown; the upgrade hides those posted last
    (a FAKE one stays shown), as a plan change does."""

    from sqlalchemy import select

    from app.models import Listing

    ids = _starter_shop_with_seven_listings(make_shop, make_listing)
    db.session.get(Listing, ids[6]).status = "fake"
    db.session.commit()
    db.session.remove()
    downgrade(revision="7c3e9a1d5b20")
    upgrade()
    hidden = db.session.scalars(select(Listing.id).where(
        Listing.over_plan_since.is_not(None)).order_by(Listing.id)).all()
    assert hidden == [ids[5]]
    db.session.commit()


def test_listings_hidden_for_a_fake_ones_place_are_shown_after_the_upgrade_shop_2_shop_7(
        app, make_shop, make_listing):
    """SHOP-2, SHOP-7 (found in review): a FAKE listing took a plan place until now, so a
    Starter shop with one FAKE and five other listings hid the fifth. The upgrade re-fits
    shops with FAKE listings taking no place: that listing shows again, a sixth stays hidden."""

    from sqlalchemy import select, update

    from app.database import utcnow
    from app.models import Listing

    ids = _starter_shop_with_seven_listings(make_shop, make_listing)
    db.session.get(Listing, ids[0]).status = "fake"
    db.session.commit()
    db.session.remove()
    downgrade(revision="5b2f8c1e7a93")
    # As the old counting left it: the FAKE one took a place, so the last two were hidden.
    db.session.execute(update(Listing).where(Listing.id.in_(ids[5:]))
                       .values(over_plan_since=utcnow()))
    db.session.commit()
    upgrade()
    hidden = db.session.scalars(select(Listing.id).where(
        Listing.over_plan_since.is_not(None)).order_by(Listing.id)).all()
    assert hidden == [ids[6]]
    db.session.commit()
