"""Names of the database objects that back search, which the models do not describe.

SQLite: FTS5 tables ``listing_search``, ``shop_search`` and ``auction_search`` (plus FTS5's
shadow tables), kept in step with their tables by triggers. PostgreSQL: pg_trgm GIN indexes
``ix_*_trgm``.
"""
SEARCH_TABLE_PREFIXES = ("listing_search", "shop_search", "auction_search")


def is_search_object(name, type_):
    """True for a table or index that belongs to the search machinery."""
    if not name:
        return False
    if type_ == "table":
        return name.startswith(SEARCH_TABLE_PREFIXES)
    if type_ == "index":
        return name.endswith("_trgm")
    return False
