"""Auction search: the same trigram matching as listings (app/search/service.py), over
auction titles and descriptions."""
from sqlalchemy import select

from app.extensions import db
from app.models import Auction
from app.search import service  # the module, not its names: it imports the blueprints


#: The most matches one search returns.
MATCH_LIMIT = 1000


def match_auction_ids(query, conditions=(), limit=None):
    """Ids of auctions matching every word of ``query`` and ``conditions`` (best matches
    first), at most ``limit``; an empty list for an empty query. The board passes its own
    conditions (open now): cut to the best matches of the whole history, the open auctions
    of a common word (สมเด็จ) would be crowded out by thousands of ended ones."""
    terms = service.query_terms(query)
    if not terms:
        return []
    match = service._match(terms, "auction_search", Auction.id,
                           [Auction.title, Auction.description], (10.0, 1.0))
    statement = select(Auction.id)
    if match.hits is not None:
        statement = statement.join(match.hits, match.hits.c.id == Auction.id)
    statement = statement.where(*match.conditions, *conditions).order_by(*match.relevance) \
        .limit(limit or MATCH_LIMIT)
    return list(db.session.scalars(statement))
