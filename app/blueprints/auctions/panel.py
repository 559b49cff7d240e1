"""The live bid panel: what every open page of an auction shows (AUC-2), rendered once per
auction state and language and shared by every stream in the process, plus a small part
for the one viewer (leading, outbid, won)."""
import threading
from collections import OrderedDict

from flask import render_template

from app.blueprints.auctions import queries
from app.blueprints.auctions.state import effective_winner, phase
from app.database import utcnow
from app.extensions import db
from app.i18n import current_language
from app.models import Auction

_CACHE_SIZE = 256
_cache = OrderedDict()
_lock = threading.Lock()


def _public_html(auction, now):
    key = (auction.id, auction.version, current_language(), phase(auction, now))
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
            return html
    html = render_template("auctions/_panel_public.html", auction=auction, now=now,
                           history=queries.history(auction.id),
                           bidders=queries.bidder_count(auction.id))
    with _lock:
        _cache[key] = html
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return html


def viewer_status(auction, viewer_id, has_bid, now):
    """"leading", "outbid", "won", "lost", "unsold", "halted_leading" or None for this
    viewer. While a STOP sign or a complaint halts bidding (AUC-3, CMP-3) nobody is told to
    bid again: the leader learns they still lead, the others only what the panel says of the
    halt. An auction that ended with no winner (reserve not met, ended early, halted) is
    "unsold" for every bidder: nobody else won it."""
    if viewer_id is None or not has_bid:
        return None
    current = phase(auction, now)
    if current == "ended":
        winner = effective_winner(auction)
        if winner is None:
            return "unsold"
        return "won" if winner == viewer_id else "lost"
    if current == "halted":
        return "halted_leading" if auction.leader_id == viewer_id else None
    return "leading" if auction.leader_id == viewer_id else "outbid"


def render_panel(auction, viewer_id, has_bid, now=None):
    """The whole panel for one viewer. The winner's part leads to the sale once it has
    started (payment, delivery, feedback), so the page that watched the end needs no
    reload."""
    now = now or utcnow()
    status = viewer_status(auction, viewer_id, has_bid, now)
    sale = queries.sale_id(auction.id) if status == "won" and auction.settled_at else None
    return render_template("auctions/_panel_status.html", status=status, auction=auction,
                           sale_id=sale) + _public_html(auction, now)


def fresh_panel(auction_id, viewer_id, has_bid):
    """Re-read the auction and render its panel, then let go of the database connection (a
    stream must hold none while it waits)."""
    try:
        auction = db.session.get(Auction, auction_id, populate_existing=True)
        return None if auction is None else render_panel(auction, viewer_id, has_bid)
    finally:
        db.session.remove()


def clear_cache():
    """Forget rendered panels (tests)."""
    with _lock:
        _cache.clear()
