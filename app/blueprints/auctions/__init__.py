"""Auctions: the board, starting an auction, bidding (direct and proxy), live updates,
settlement, watching, my bids, feedback after a sale.

One blueprint; its views are split by sub-area into modules imported below.
"""
from flask import Blueprint

bp = Blueprint("auctions", __name__, url_prefix="/auctions")

from app.blueprints.auctions import (  # noqa: E402,F401
    auction_views, bid_views, board_views, rating_views, sale_views, start_views,
    template_helpers)
