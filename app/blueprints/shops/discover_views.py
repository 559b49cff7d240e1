"""Finding things: rankings, watching listings, following shops, the watchlist."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.blueprints.shops import bp, rankings, watch_services
from app.blueprints.shops.listing_views import visible_listing_or_404
from app.blueprints.shops.shop_views import shop_by_slug
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import render_page_or_fragment, wants_fragment
from app.urls import int_arg, safe_next


@bp.route("/rankings")
def ranking_lists():
    """The ranking lists (RANK-2); htmx swaps one list for another."""
    key = request.args.get("list", "hits")
    if key not in rankings.BY_KEY:
        abort(404)
    return render_page_or_fragment(
        "shops/rankings.html", "shops/_ranking.html", rankings=rankings.RANKINGS,
        ranking=rankings.BY_KEY[key], listings=rankings.ranked(key, current_user, utcnow()))


@bp.route("/listings/<int:listing_id>/watch", methods=["POST"])
@login_required
def watch(listing_id):
    """Watch or stop watching a listing; the button swaps itself under htmx."""
    listing = visible_listing_or_404(listing_id)
    if EmptyForm().validate_on_submit():
        watch_services.toggle_watch(current_user, listing, utcnow())
        db.session.commit()
    if wants_fragment():
        return render_page_or_fragment("shops/_watch_button.html", "shops/_watch_button.html",
                                       listing=listing,
                                       watching=watch_services.is_watching(current_user, listing))
    return redirect(url_for("shops.listing", listing_id=listing.id))


@bp.route("/shops/<slug>/follow", methods=["POST"])
@login_required
def follow(slug):
    """Follow or stop following a shop."""
    shop = shop_by_slug(slug)
    if EmptyForm().validate_on_submit():
        watch_services.toggle_follow(current_user, shop, utcnow())
        db.session.commit()
    if wants_fragment():
        return render_page_or_fragment("shops/_follow_button.html", "shops/_follow_button.html",
                                       shop=shop,
                                       following=watch_services.is_following(current_user, shop))
    return redirect(safe_next(request.form.get("next"), url_for("shops.shop", slug=shop.slug)))


@bp.route("/watchlist")
@login_required
def watchlist():
    """The member's watched listings and followed shops."""
    page = int_arg("page", 1, high=10_000)
    listings, pages = watch_services.watchlist(current_user, utcnow(), page)
    return render_template("shops/watchlist.html", listings=listings, page=page, pages=pages,
                           shops=watch_services.followed_shops(current_user))
