"""The category tree, read once and kept for a minute per process: it is small, changes only
by migration, and every listing form and search page needs it."""
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Category

CACHE_SECONDS = 60.0
_lock = threading.Lock()
_cache = {"at": -CACHE_SECONDS, "url": None, "nodes": ()}


@dataclass(frozen=True)
class CategoryNode:
    """A category as plain data, with its depth in the tree."""

    id: int
    parent_id: int | None
    slug: str
    name_th: str
    name_en: str
    depth: int

    def name(self, lang):
        return self.name_th if lang == "th" else self.name_en


def category_tree():
    """Every category in tree order (parents before their children)."""
    url = str(db.engine.url)
    now = time.monotonic()
    with _lock:
        if _cache["url"] == url and now - _cache["at"] < CACHE_SECONDS:
            return _cache["nodes"]
    categories = db.session.scalars(select(Category).order_by(Category.position,
                                                              Category.id)).all()
    children = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    nodes = []

    def walk(parent_id, depth):
        for category in children.get(parent_id, ()):
            nodes.append(CategoryNode(category.id, category.parent_id, category.slug,
                                      category.name_th, category.name_en, depth))
            walk(category.id, depth + 1)

    walk(None, 0)
    with _lock:
        _cache.update(at=now, url=url, nodes=tuple(nodes))
    return _cache["nodes"]


def with_descendants(category_id):
    """``category_id`` and the ids of every category below it."""
    children = {}
    for node in category_tree():
        children.setdefault(node.parent_id, []).append(node.id)
    found, todo = [], [category_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def indented_choices(lang):
    """Choices for a select menu: each category's id and its name, indented by depth."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(node.id, "\u00a0\u00a0" * node.depth + node.name(lang))
            for node in category_tree()]


def clear_cache():
    """Forget the cached tree (after the categories change, and between tests)."""
    with _lock:
        _cache.update(at=-CACHE_SECONDS, url=None, nodes=())
