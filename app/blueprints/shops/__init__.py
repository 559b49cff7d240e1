"""Shops: shops and plans, staff, listings and photos, orders, reviews, messages, watching.

One blueprint; its views are split by sub-area into modules imported below.
"""
from flask import Blueprint

bp = Blueprint("shops", __name__)

from app.blueprints.shops import (  # noqa: E402,F401
    discover_views, listing_views, message_views, order_address_views, order_views, photo_views,
    shop_views)
