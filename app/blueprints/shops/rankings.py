"""Ranking lists (RANK-2), computed from recorded views, watch-adds and sales per day.

Each list says in one line how it is ranked. "The current window" is the last three Bangkok
days including today; the weekly chart looks at the last seven. A listing its shop has
paused is on no list (:func:`listed_listings`).
"""
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.blueprints.shops.visibility import listed_listings
from app.extensions import db
from app.i18n import bangkok_today
from app.models import Listing, ListingActivity

WINDOW_DAYS = 3
WEEK_DAYS = 7
RISING_AGE_DAYS = 14
SALE_WEIGHT, WATCH_WEIGHT, VIEW_WEIGHT = 10, 3, 1
SIZE = 24


@dataclass(frozen=True)
class Ranking:
    """One list: its name and the sentence that says how it is ranked."""

    key: str
    title: object
    how: object


RANKINGS = [
    Ranking("rising", _l("Rising"), _l("Listed in the last 14 days, ranked by sales (×10), "
                                       "watch-adds (×3) and views in the last 3 days.")),
    Ranking("hits", _l("Hits"), _l("Ranked by sales (×10), watch-adds (×3) and views in the "
                                   "last 3 days.")),
    Ranking("best-sellers", _l("Best sellers"), _l("Ranked by the number sold in the last 3 "
                                                   "days.")),
    Ranking("new", _l("New arrivals"), _l("The newest listings first.")),
    Ranking("updated", _l("Updated"), _l("The most recently changed listings first.")),
    Ranking("completed", _l("Recently completed"), _l("Listings that sold out most recently "
                                                      "first.")),
    Ranking("weekly", _l("Weekly top chart"), _l("Ranked by sales (×10), watch-adds (×3) and "
                                                 "views over the last 7 days.")),
]
BY_KEY = {ranking.key: ranking for ranking in RANKINGS}


def _scored(viewer, now, days, score, *, extra=()):
    since = bangkok_today(now) - timedelta(days=days - 1)
    totals = (select(ListingActivity.listing_id, score.label("score"))
              .where(ListingActivity.day >= since)
              .group_by(ListingActivity.listing_id).subquery())
    return (select(Listing).join(totals, totals.c.listing_id == Listing.id)
            .where(listed_listings(viewer, now), totals.c.score > 0, *extra)
            .order_by(totals.c.score.desc(), Listing.id.desc()).limit(SIZE))


def _mixed_score():
    return (func.sum(ListingActivity.sales) * SALE_WEIGHT
            + func.sum(ListingActivity.watch_adds) * WATCH_WEIGHT
            + func.sum(ListingActivity.views) * VIEW_WEIGHT)


def ranked(key, viewer, now):
    """The listings of ranking ``key`` that ``viewer`` may see, best first."""
    visible = listed_listings(viewer, now)
    if key == "rising":
        query = _scored(viewer, now, WINDOW_DAYS, _mixed_score(), extra=(
            Listing.created_at >= now - timedelta(days=RISING_AGE_DAYS),))
    elif key == "hits":
        query = _scored(viewer, now, WINDOW_DAYS, _mixed_score())
    elif key == "best-sellers":
        query = _scored(viewer, now, WINDOW_DAYS, func.sum(ListingActivity.sales))
    elif key == "weekly":
        query = _scored(viewer, now, WEEK_DAYS, _mixed_score())
    elif key == "new":
        query = (select(Listing).where(visible, Listing.status == "active")
                 .order_by(Listing.created_at.desc(), Listing.id.desc()).limit(SIZE))
    elif key == "updated":
        query = (select(Listing).where(visible, Listing.status == "active")
                 .order_by(Listing.updated_at.desc(), Listing.id.desc()).limit(SIZE))
    elif key == "completed":
        query = (select(Listing).where(visible, Listing.status == "sold_out",
                                       Listing.sold_out_at.is_not(None))
                 .order_by(Listing.sold_out_at.desc(), Listing.id.desc()).limit(SIZE))
    else:
        raise KeyError(key)
    return db.session.scalars(query.options(selectinload(Listing.photos))).all()
