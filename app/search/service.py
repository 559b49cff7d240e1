"""Search across listings and shops that works for Thai, which has no spaces between words.

Both databases match trigrams, so any run of three or more characters is found inside a word:
SQLite through the FTS5 trigram tables ``listing_search`` / ``shop_search``, PostgreSQL through
pg_trgm GIN indexes, which serve ``ILIKE '%term%'``. A query is split on whitespace into terms
that must all appear (in the title or the description); a term with digits matches them
written in Thai or Arabic digits alike (:func:`spellings`). Terms shorter than three characters have
no trigram; they are matched with LIKE, and a query made only of such terms looks at the
newest ``RESULT_LIMIT`` matching listings only. Counting also stops at ``RESULT_LIMIT``, so a
broad search costs one scan, not two ("more than 1,000 found").

Ranking by relevance costs time for every match (bm25 on SQLite, word similarity on
PostgreSQL), and a broad Thai word such as "สมเด็จ" matches a tenth of the market. When more
than ``RESULT_LIMIT`` visible listings match, relevance therefore ranks the newest
``RANK_CANDIDATES`` of them, which are more than anyone can page through; the other sort orders
still sort every match. A page of results is a list of :class:`ListingCard`, read in one query
with only the columns a card shows, its shop's name and its first photo; shops found are
:class:`ShopCard`.

Every listing query applies :func:`listed_listings` (RANK-1, ACC-3); closed shops and their
listings never appear, nor do listings their shops have paused. Pure service: no ``request``,
no commits.
"""
import math
import unicodedata
from dataclasses import dataclass

from sqlalchemy import (
    Text, and_, bindparam, case, cast, column, func, literal_column, or_, select, table,
    union)

from app.blueprints.shops.categories import with_descendants
from app.blueprints.shops.visibility import listed_listings
from app.digits import to_arabic, to_thai
from app.extensions import db
from app.models import Listing, ListingPhoto, Shop
from app.permissions import is_member

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
TRIGRAM = 3
RESULT_LIMIT = 1000
#: How many of the newest visible matches a broad search ranks by relevance (at least
#: ``RESULT_LIMIT``, so every page that can be reached is ranked).
RANK_CANDIDATES = 1000
MAX_PER_PAGE = 100
SORTS = ("relevance", "price_asc", "price_desc", "newest")


@dataclass(frozen=True, slots=True)
class ListingCard:
    """What a result card shows of a listing: plain data, no lazy loading."""

    id: int
    title: str
    price_satang: int
    condition: str
    status: str
    content_rating: str
    shop_name: str
    photo_key: str | None
    stop_sign: str | None = None


@dataclass(frozen=True, slots=True)
class ShopCard:
    """What the search page shows of a shop found: plain data, no lazy loading."""

    id: int
    name: str
    slug: str
    rating_count: int
    rating_total: int

    @property
    def rating_average(self):
        """Average review score, or None before the first review (as ``Shop``)."""
        return self.rating_total / self.rating_count if self.rating_count else None


SHOP_CARD_COLUMNS = (Shop.id, Shop.name, Shop.slug, Shop.rating_count, Shop.rating_total)


@dataclass(frozen=True)
class ResultPage:
    """One page of listings found, with what pagination needs. ``total`` stops at
    ``RESULT_LIMIT``; ``more`` says that more listings than that match."""

    items: list
    total: int
    page: int
    pages: int
    per_page: int
    more: bool = False

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def normalise_query(query):
    """The query as searched: control characters (NUL...) dropped, whitespace collapsed,
    at most ``MAX_QUERY_LENGTH`` characters."""
    kept = "".join(c for c in (query or "") if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())[:MAX_QUERY_LENGTH].strip()


def query_terms(query):
    """The distinct whitespace-separated terms of ``query``, all of which must match."""
    terms = []
    for term in normalise_query(query).split():
        if term.casefold() not in (t.casefold() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def spellings(term):
    """``term`` and, when it has digits, the same with every digit Thai (๒๔๗๐) and every
    digit Arabic (2470): years and batch numbers of amulets are written either way, and a
    search finds both (any one spelling matches)."""
    found = [term]
    for spell in (to_arabic, to_thai):
        spelt = spell(term)
        if spelt not in found:
            found.append(spelt)
    return found


def like_pattern(term):
    """``%term%`` with LIKE's wildcards and the escape character taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts5_phrase(term):
    """``term`` as an FTS5 phrase: in double quotes, inner quotes doubled, so operators
    (AND, NEAR(, *, ^, :) are ordinary text."""
    return '"' + term.replace('"', '""') + '"'


def _fts5_query(terms):
    """The FTS5 query for the terms of three characters or more: every one as a phrase (one
    of its :func:`spellings`)."""
    def one_of(term):
        phrases = [fts5_phrase(spelt) for spelt in spellings(term)]
        return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"

    return " AND ".join(one_of(t) for t in terms if len(t) >= TRIGRAM)


def _contains(term, columns):
    """Case-insensitive: ``term`` (one of its :func:`spellings`) appears in one of
    ``columns``."""
    return or_(*(col.ilike(like_pattern(spelt), escape="\\")
                 for spelt in spellings(term) for col in columns))


# --- the dialect-specific parts, side by side -------------------------------------------------

@dataclass(frozen=True)
class _Match:
    """How to find rows for a query: an optional FTS subquery to join (``hits``, with ``id``
    and ``rank``), conditions to add, the relevance ORDER BY, and whether every term is too
    short for trigrams (so no index helps and the caller bounds the scan)."""

    hits: object
    conditions: list
    relevance: list
    short_only: bool = False
    newest_first: object = None


def _title_first(terms, title):
    """Relevance without trigrams: rows whose title holds every term come first."""
    return [case((and_(*(_contains(t, [title]) for t in terms)), 0), else_=1)]


def _fts_sqlite(fts_table, weights, query=None):
    """For a flat join with the FTS table (no subquery to build or to plan): the table, its
    MATCH condition and the bm25 rank (title weighted). The FTS5 query text (see
    :func:`_fts5_query`) is the bind parameter ``query``: given at execution for statements
    built once, or bound here as ``query``."""
    name = literal_column(fts_table)
    rank = func.bm25(name, *(literal_column(repr(float(w))) for w in weights))
    text = bindparam("query") if query is None else bindparam("query", query)
    return table(fts_table, column("rowid")), name.op("MATCH")(text), rank


#: Statements built once per process, by shape; their values come as bind parameters.
_PREPARED = {}


def _prepared(shape, build):
    """The statement for ``shape``, built by ``build()`` the first time only. Common searches
    then pay neither for building their statements nor for SQLAlchemy's cache key of them
    (computed once per statement object), which cost about as much as a small query."""
    statement = _PREPARED.get(shape)
    if statement is None:
        statement = _PREPARED.setdefault(shape, build())
    return statement


def _match_sqlite(terms, fts_table, columns, weights):
    """FTS5 trigram MATCH for long terms (ranked by bm25, title weighted), LIKE for short."""
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    short = [_contains(t, columns) for t in terms if len(t) < TRIGRAM]
    if not long_terms:
        return _Match(None, short, _title_first(terms, columns[0]), short_only=True)
    fts, found, rank = _fts_sqlite(fts_table, weights, query=_fts5_query(long_terms))
    hits = (select(fts.c.rowid.label("id"), rank.label("rank")).where(found)
            .subquery(f"{fts_table}_hits"))
    # Newest first by the FTS rowid: FTS5 walks its index backwards instead of sorting.
    return _Match(hits, short, [hits.c.rank.asc()], newest_first=hits.c.id.desc())


def _match_postgresql(terms, id_column, columns):
    """ILIKE per term, ranked by how well the query matches a run of words of the first column
    (the title or the name). A long term becomes ``id IN (title hits UNION description hits)``:
    each arm is served by its pg_trgm GIN index, whereas PostgreSQL answers ``title ILIKE p OR
    description ILIKE p`` with a sequential scan (measured: 240 ms instead of 40 ms on
    100,000 listings)."""
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    short = [_contains(t, columns) for t in terms if len(t) < TRIGRAM]
    if not long_terms:
        return _Match(None, short, _title_first(terms, columns[0]), short_only=True)
    conditions = [id_column.in_(union(*(
        select(id_column).where(col.ilike(like_pattern(spelt), escape="\\"))
        for spelt in spellings(t) for col in columns)))
        for t in long_terms]
    # word_similarity alone: adding similarity() doubled the sorting time on Thai titles. A
    # query with digits is compared in each spelling and the best counts, so "2470" ranks a
    # title with "๒๔๗๐" as high as one with "2470".
    scores = [func.word_similarity(cast(spelt, Text), columns[0])
              for spelt in spellings(" ".join(terms))]
    relevance = scores[0] if len(scores) == 1 else func.greatest(*scores)
    return _Match(None, conditions + short, [relevance.desc()])


def _match(terms, fts_table, id_column, columns, weights, min_id=None):
    """The dialect's way of matching ``terms`` against ``columns`` (from ``min_id`` up: only
    PostgreSQL relevance asks for that; SQLite ranks in :func:`_ranked_by_bm25`)."""
    if db.session.get_bind().dialect.name == "sqlite":
        match = _match_sqlite(terms, fts_table, columns, weights)
    else:
        match = _match_postgresql(terms, id_column, columns)
    if min_id is not None:
        match.conditions.append(id_column >= min_id)
    return match


# --- listings and shops ----------------------------------------------------------------------

def _listing_filters(category_id, min_price_satang, max_price_satang, condition, shop_id):
    conditions = []
    if category_id is not None:
        conditions.append(Listing.category_id.in_(with_descendants(category_id)))
    if min_price_satang is not None:
        conditions.append(Listing.price_satang >= min_price_satang)
    if max_price_satang is not None:
        conditions.append(Listing.price_satang <= max_price_satang)
    if condition:
        conditions.append(Listing.condition == condition)
    if shop_id is not None:
        conditions.append(Listing.shop_id == shop_id)
    return conditions


def _listing_order(sort, relevance):
    newest = [Listing.created_at.desc(), Listing.id.desc()]
    if sort == "price_asc":
        return [Listing.price_satang.asc(), *newest]
    if sort == "price_desc":
        return [Listing.price_satang.desc(), *newest]
    if sort == "relevance" and relevance:
        return [*relevance, *newest]
    return newest


def _not_on_sale(status):
    """An ORDER BY key, false (first) for a listing on sale."""
    return status != "active"


def _on_sale_first(statement, order, offset, limit, *, walk_status_index):
    """The ids of one page of ``statement`` (``SELECT listings.id``): listings on sale first,
    then the sold-out and FAKE-signed ones, each part in ``order``. A sold-out amulet
    stays findable, after every one a buyer can order.

    Two reads rather than one ORDER BY on the status: with "on sale" as a condition, the
    newest-first browse walks the status and created_at index in order and stops after a page
    (0.1 ms on 100,000 listings, against 140 ms to sort them all by status first). Words to
    match (``walk_status_index`` false) hide the status from the index: SQLite would walk the
    listings on sale newest first and ask the full-text index about each (200 ms for "Nike")
    instead of reading the matches."""
    status = Listing.status if walk_status_index else Listing.status.concat("")
    on_sale = statement.where(status == "active")
    ids = db.session.scalars(on_sale.order_by(*order).offset(offset).limit(limit)).all()
    if len(ids) == limit:
        return ids
    # The page runs past the last listing on sale: the others follow from where they start.
    skip = 0 if ids else offset - db.session.scalar(
        select(func.count()).select_from(on_sale.limit(offset).subquery()))
    rest = statement.where(status != "active").order_by(*order)
    return ids + db.session.scalars(rest.offset(skip).limit(limit - len(ids))).all()


def _listing_matches(terms, conditions, min_id=None):
    """``SELECT listings.id`` of the listings matching ``terms`` and ``conditions``, with the
    relevance ORDER BY and the cheapest newest-first order for this dialect."""
    statement = select(Listing.id)
    if not terms:
        return statement.where(*conditions), [], Listing.id.desc(), False
    match = _match(terms, "listing_search", Listing.id, (Listing.title, Listing.description),
                   weights=(10.0, 1.0), min_id=min_id)
    conditions = [*conditions, *match.conditions]
    if match.hits is not None:
        statement = statement.join(match.hits, match.hits.c.id == Listing.id)
    if match.short_only:  # no trigram to look up: a bounded scan of the newest matches
        newest = (select(Listing.id).where(*conditions)
                  .order_by(Listing.id.desc()).limit(RESULT_LIMIT + 1))
        conditions = [Listing.id.in_(newest)]
    newest_first = match.newest_first if match.newest_first is not None else Listing.id.desc()
    return statement.where(*conditions), match.relevance, newest_first, match.short_only


CARD_COLUMNS = (Listing.id, Listing.title, Listing.price_satang, Listing.condition,
                Listing.status, Listing.content_rating, Listing.stop_sign)


def _cards(ids):
    """:class:`ListingCard` for each of the listing ``ids``, in that order, read in one query:
    each card's shop name and first photo come from small correlated subqueries, evaluated for
    the page's rows only (the ids are one page)."""
    if not ids:
        return []
    rows = {row[0]: row for row in db.session.execute(_prepared("cards", _cards_statement),
                                                      {"ids": ids})}
    return [ListingCard(row[0], row[1], row[2], row[3], row[4], row[5], row[7] or "", row[8],
                        row[6]) for row in map(rows.get, ids) if row is not None]


def _cards_statement():
    shop_name = select(Shop.name).where(Shop.id == Listing.shop_id).scalar_subquery()
    first_photo = (select(ListingPhoto.key).where(ListingPhoto.listing_id == Listing.id)
                   .order_by(ListingPhoto.position, ListingPhoto.id).limit(1).scalar_subquery())
    return (select(*CARD_COLUMNS, shop_name, first_photo)
            .where(Listing.id.in_(bindparam("ids", expanding=True))))


def search_listings(query, *, viewer, now, category_id=None, min_price_satang=None,
                    max_price_satang=None, condition=None, shop_id=None, sort="relevance",
                    page=1, per_page=24):
    """Listings ``viewer`` may see that match ``query`` and the filters, one page of
    :class:`ListingCard`.

    An empty query lists the newest visible listings. ``category_id`` includes the category's
    descendants. Relevance falls back to newest when there is no query; when more than
    ``RESULT_LIMIT`` listings match, it ranks the newest ``RANK_CANDIDATES`` of them.
    """
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    filters = _listing_filters(category_id, min_price_satang, max_price_satang, condition,
                               shop_id)
    terms = query_terms(query)
    if sort == "relevance" and any(len(t) >= TRIGRAM for t in terms) and _is_sqlite():
        return _ranked_by_bm25(terms, viewer, now, filters, page, per_page)
    conditions = [listed_listings(viewer, now), *filters]  # closed shops' listings included
    statement, relevance, newest_first, bounded = _listing_matches(terms, conditions)
    if terms and not bounded:
        # One walk through the matches, newest first, counts them (up to the limit) and, for
        # relevance (PostgreSQL here), finds where the newest candidates end; a broad search
        # ranks those only. Other orders count in SQL: fetching a thousand ids from SQLite
        # would hand the GIL over once per row (see _ranked_by_bm25).
        candidates = max(RANK_CANDIDATES, RESULT_LIMIT)
        newest = statement.order_by(newest_first).limit(candidates + 1)
        if sort == "relevance":
            newest_ids = db.session.scalars(newest).all()
            counted = len(newest_ids)
            if counted > RESULT_LIMIT and counted >= candidates:
                statement, relevance, _, _ = _listing_matches(
                    terms, conditions, min_id=newest_ids[candidates - 1])
        else:
            counted = db.session.scalar(select(func.count()).select_from(newest.subquery()))
    else:
        counted = db.session.scalar(select(func.count()).select_from(
            statement.limit(RESULT_LIMIT + 1).subquery()))
    total = min(counted, RESULT_LIMIT)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(int(page), pages))
    ids = _on_sale_first(statement, _listing_order(sort, relevance), (page - 1) * per_page,
                         per_page, walk_status_index=not terms)
    return ResultPage(items=_cards(ids), total=total, page=page, pages=pages,
                      per_page=per_page, more=counted > RESULT_LIMIT)


def _is_sqlite():
    return db.session.get_bind().dialect.name == "sqlite"


def _ranked_by_bm25(terms, viewer, now, filters, page, per_page):
    """Relevance on SQLite in one statement: a walk reads the newest ``RANK_CANDIDATES``
    visible matches (one more to count past the limit) newest first straight from the FTS
    index, each with its bm25 rank; SQLite orders those candidates as ``_listing_order`` does
    (rank, then newest, then id) and returns only the page's ids with the count. bm25 is
    computed over the whole table, so a listing's rank is the same whichever rows are read.

    Only a page of rows comes back to Python, not the thousand candidates: the sqlite3 driver
    lets go of the GIL for every row it steps through and must win it back each time, which
    under a busy threaded worker cost far more than reading the rows."""
    short = [_contains(t, (Listing.title, Listing.description))
             for t in terms if len(t) < TRIGRAM]
    if is_member(viewer) or filters or short:
        statement = _ranked_page([listed_listings(viewer, now), *filters, *short])
    else:  # a visitor's search without filters, the commonest: one statement for all
        statement = _prepared("visitor_ranked",
                              lambda: _ranked_page([listed_listings(viewer, now)]))
    candidates = max(RANK_CANDIDATES, RESULT_LIMIT)
    params = {"query": _fts5_query(terms), "walk": candidates + 1, "candidates": candidates,
              "per_page": per_page}
    connection = db.session.connection()

    def read(page):
        return connection.execute(statement, {**params, "offset": (page - 1) * per_page}).all()

    # No page holds more than the candidates: beyond them, ask for the one just past (an
    # offset from a page number of any size would not fit SQLite's integers).
    wanted = max(1, min(int(page), math.ceil(candidates / per_page) + 1))
    page, rows = wanted, read(wanted)
    if not rows and wanted > 1:  # past the last page (or nothing found): learn the count
        page, rows = 1, read(1)
    counted = rows[0][1] if rows else 0
    total = min(counted, RESULT_LIMIT)
    pages = max(1, math.ceil(total / per_page))
    if page != min(wanted, pages):  # the last page, as the other sort orders answer
        page = min(wanted, pages)
        rows = read(page)
    return ResultPage(items=_cards([row[0] for row in rows]), total=total,
                      page=page, pages=pages, per_page=per_page, more=counted > RESULT_LIMIT)


def _ranked_page(conditions):
    """``(id, count)`` rows: one page (``per_page`` from ``offset``) of the newest
    ``candidates`` listings matching the FTS5 query ``query`` and ``conditions``, best bm25
    rank first, then newest, then highest id; ``count`` is how many the walk found, at most
    ``walk`` (all bind parameters). Listings on sale come first."""
    fts, found, rank = _fts_sqlite("listing_search", weights=(10.0, 1.0))
    walk = (select(Listing.id.label("id"), Listing.created_at.label("created_at"),
                   rank.label("rank"), Listing.status.label("status"))
            .select_from(fts).join(Listing, Listing.id == fts.c.rowid)
            .where(found, *conditions)
            .order_by(fts.c.rowid.desc()).limit(bindparam("walk"))
            .cte("walk").prefix_with("MATERIALIZED"))
    candidates = (select(walk.c.id, walk.c.created_at, walk.c.rank, walk.c.status)
                  .order_by(walk.c.id.desc()).limit(bindparam("candidates"))
                  .subquery("candidates"))
    counted = select(func.count()).select_from(walk).scalar_subquery()
    # created_at is compared as the stored text, newest first, as everywhere on SQLite.
    return (select(candidates.c.id, counted)
            .order_by(_not_on_sale(candidates.c.status), candidates.c.rank,
                      candidates.c.created_at.desc(), candidates.c.id.desc())
            .limit(bindparam("per_page")).offset(bindparam("offset")))


def search_shops(query, *, limit=6):
    """Open shops whose name or description matches ``query``, best first, as
    :class:`ShopCard`; none for an empty query."""
    terms = query_terms(query)
    if not terms:
        return []
    if any(len(t) >= TRIGRAM for t in terms) and _is_sqlite():
        short = [_contains(t, (Shop.name, Shop.description)) for t in terms if len(t) < TRIGRAM]
        if short:
            statement = _shops_ranked(short)
        else:
            statement = _prepared("shops_ranked", lambda: _shops_ranked([]))
        return [ShopCard(*row) for row in db.session.execute(
            statement, {"query": _fts5_query(terms), "limit": limit})]
    match = _match(terms, "shop_search", Shop.id, (Shop.name, Shop.description),
                   weights=(5.0, 1.0))
    statement = select(*SHOP_CARD_COLUMNS).where(
        *_open_shop(), *match.conditions)
    if match.hits is not None:
        statement = statement.join(match.hits, match.hits.c.id == Shop.id)
    statement = statement.order_by(*match.relevance, Shop.rating_count.desc(), Shop.id.desc())
    return [ShopCard(*row) for row in db.session.execute(statement.limit(limit))]


def _shops_ranked(conditions):
    """Open shops matching the FTS5 query ``query`` and ``conditions``, best first, at most
    ``limit`` (bind parameters)."""
    fts, found, rank = _fts_sqlite("shop_search", weights=(5.0, 1.0))
    return (select(*SHOP_CARD_COLUMNS).select_from(fts).join(Shop, Shop.id == fts.c.rowid)
            .where(found, *_open_shop(), *conditions)
            .order_by(rank.asc(), Shop.rating_count.desc(), Shop.id.desc())
            .limit(bindparam("limit")))


def _open_shop():
    """The conditions on :class:`Shop` for a shop anyone may find: open, and not hidden
    after an upheld complaint (CMP-3)."""
    return Shop.status == "open", Shop.hidden_at.is_(None)


def find_open_shop(slug):
    """The open shop with this slug, or None."""
    return db.session.scalar(select(Shop).where(Shop.slug == slug, *_open_shop()))
