"""Rendered queue rows, kept in this process (MOD-7 speed): moderators reload the same oldest
page all day, and rendering 50 rich rows costs more than reading them. A row is reused only
while everything it shows is unchanged: the key holds every column of every row the row
displays (the item, its target, each owner shown and their strikes, earlier decisions, sign,
source, the moderators named), the reader's language, the viewer (claim or release button)
and the moments that depend on the clock (a claim or a suspension still running). The CSRF
token is put in after the lookup, so one rendering serves every session."""
import threading

from flask import current_app
from markupsafe import Markup
from sqlalchemy import inspect

from app.i18n import current_language

CSRF_SLOT = "\x00csrf\x00"
MAX_ROWS = 2000

_rows = {}
_lock = threading.Lock()


def _columns(obj):
    if obj is None:
        return None
    state = inspect(obj)
    return (type(obj).__name__,) + tuple(getattr(obj, attr.key)
                                         for attr in state.mapper.column_attrs)


def _target_parts(target):
    parts = [_columns(target), getattr(target, "queue_key", None)]
    shop = target.__dict__.get("shop") if target is not None else None
    if shop is not None:
        parts.append(_columns(shop))
    photos = target.__dict__.get("photos") if target is not None else None
    if photos:
        parts.append(tuple(photo.key for photo in photos[:4]))
    return tuple(parts)


def _owner_parts(record, now):
    """One owner's record as the row shows it: the member (suspended now or not), their
    strikes with what each was for, and how many stand."""
    from app.permissions import is_suspended

    return (_columns(record.user), is_suspended(record.user, now),
            tuple(_columns(s) for s in record.strikes), tuple(record.strike_titles.items()),
            record.strike_count)


def row_key(row, viewer_id, now):
    """Everything the row's HTML depends on."""
    item = row.item
    claimed = bool(item.claimed_by_id and item.claimed_until and item.claimed_until > now)
    return (current_language(), viewer_id, claimed, row.took_part, _columns(item),
            _target_parts(row.target), _target_parts(row.signed),
            tuple(_owner_parts(record, now) for record in row.owners),
            tuple(_columns(p) for p in row.previous), tuple(row.reasons), tuple(row.details),
            _columns(row.sign),
            _columns(row.source), tuple(_columns(f) for f in getattr(row.source, "files", ())),
            _columns(row.claimer), _columns(row.decider))


def render_rows(rows, context, *, viewer, now, csrf):
    """The HTML of each row, from this process's cache where nothing it shows has changed."""
    template = current_app.jinja_env.get_template("moderation/_row.html")
    shared = dict(context, csrf=CSRF_SLOT, now=now, current_user=viewer)
    rendered = []
    for row in rows:
        actions = tuple((a.name, a.label, a.key, a.style, a.ask_first, a.required,
                         tuple((n, label, tuple(c)) for n, label, c in a.fields)) for a in
                        context["forms"].get(f"{row.item.kind}:{row.item.target_type}", ()))
        key = None if row.error or row.note else (actions, row_key(row, viewer.id, now))
        html = _rows.get(key) if key is not None else None
        if html is None:
            html = template.render(shared, row=row)
            if key is not None:
                with _lock:
                    if len(_rows) >= MAX_ROWS:
                        _rows.clear()
                    _rows[key] = html
        rendered.append(Markup(html.replace(CSRF_SLOT, csrf)))
    return rendered


def clear():
    """Forget every rendered row (tests)."""
    with _lock:
        _rows.clear()
