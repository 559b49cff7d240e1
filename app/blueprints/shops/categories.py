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


def grouped_choices(lang, value=lambda node: node.id):
    """Choices for a category menu: each category by its plain name (what a closed menu shows
    once it is chosen), grouped under the path of the category it belongs to. A category with
    sub-categories heads its own group ("Amulets › By temple") and is its first choice; a
    category without them sits in its parent's group; a top category alone has no group.
    Browsers and screen readers show and announce the groups (``<optgroup>``)."""
    from wtforms.fields.choices import SelectChoice

    nodes = category_tree()
    by_id = {node.id: node for node in nodes}
    parents = {node.parent_id for node in nodes if node.parent_id is not None}

    def path(node):
        names = []
        while node is not None:
            names.append(node.name(lang))
            node = by_id.get(node.parent_id)
        return " › ".join(reversed(names))

    def group(node):
        if node.id in parents:
            return path(node)
        if node.parent_id in by_id:
            return path(by_id[node.parent_id])
        return None

    return [SelectChoice(value(node), node.name(lang), optgroup=group(node)) for node in nodes]


def option_groups(choices):
    """``choices`` as ``[(optgroup or None, [choice, ...]), ...]`` for a template that draws
    its own menu."""
    from itertools import groupby

    return [(name, list(group)) for name, group in groupby(choices, key=lambda c: c.optgroup)]


def clear_cache():
    """Forget the cached tree (after the categories change, and between tests)."""
    with _lock:
        _cache.update(at=-CACHE_SECONDS, url=None, nodes=())
