"""The auction board (open auctions ending soonest, newly listed, by category, found by Thai
words), auctions starting later, ended auctions, and a member's bids and auctions (AUC-10)."""
from types import SimpleNamespace

from flask import render_template, request
from flask_login import current_user, login_required

from app.blueprints.auctions import bp, queries
from app.blueprints.auctions.forms import SearchForm
from app.blueprints.auctions.state import taken_down_outcome
from app.search.auctions import match_auction_ids
from app.blueprints.shops.categories import grouped_choices, option_groups, with_descendants
from app.database import utcnow
from app.htmx import render_page_or_fragment
from app.i18n import current_language
from app.permissions import is_member
from app.urls import int_arg

SORTS = ("ending", "new")


@bp.route("/")
def board():
    """Open auctions: ending soonest first by default, or newly listed; by category; by
    words. Results update as you type (htmx)."""
    now = utcnow()
    form = SearchForm(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "ending"
    category_id = int_arg("category")
    page = max(int_arg("page") or 1, 1)
    query = (form.q.data or "").strip()[:100]
    # RANK-1, ACC-3: every list below, and the search, shows only what the viewer may see.
    viewer = current_user if is_member(current_user) else None
    ids = match_auction_ids(query, queries.on_the_board(now, viewer)) if query else None
    category_ids = with_descendants(category_id) if category_id else None
    rows = queries.board(now, viewer=viewer, sort=sort, ids=ids,
                         offset=(page - 1) * queries.PAGE_SIZE, category_ids=category_ids)
    upcoming = []
    if page == 1:  # scheduled auctions, listed apart so open ones keep their order
        later_ids = match_auction_ids(query, queries.starting_later(now, viewer)) \
            if query else None
        upcoming = queries.upcoming(now, viewer=viewer, category_ids=category_ids,
                                    ids=later_ids)
    more = len(rows) > queries.PAGE_SIZE
    context = dict(form=form, auctions=rows[:queries.PAGE_SIZE], more=more, page_number=page,
                   sort=sort, category_id=category_id, query=query, now=now,
                   category_groups=option_groups(grouped_choices(current_language())),
                   upcoming=upcoming,
                   ended=queries.recently_ended(now, viewer=viewer)
                   if page == 1 and not query else [])
    return render_page_or_fragment("auctions/board.html", "auctions/_results.html", **context)


@bp.route("/mine")
@login_required
def my_bids():
    """My bids: auctions I am bidding on, won and lost; auctions I sell; my watchlist and my
    sales, each paged on its own (AUC-10): a link to one part's next page keeps the others
    where they were."""
    now = utcnow()
    context = dict(now=now)
    for part in queries.MY_BIDS_PARTS:  # ("bidding_list": "bidding" is the cards' own flag)
        context[f"{part}_list"] = _page(part, lambda offset, limit, part=part: queries.my_bids(
            current_user.id, now, part, viewer=current_user, offset=offset, limit=limit))
    context["selling"] = _page("selling", lambda offset, limit: queries.my_auctions(
        current_user.id, offset=offset, limit=limit))
    context["watched"] = _page("watched", lambda offset, limit: queries.watched(
        current_user.id, now, viewer=current_user, offset=offset, limit=limit))
    context["sales"] = _page("sales", lambda offset, limit: queries.my_sales(
        current_user.id, offset=offset, limit=limit))
    context["taken_down"] = _taken_down(now)
    return render_template("auctions/mine.html", **context)


def _taken_down(now):
    """The page of auctions the member bid on that are taken down (CMP-3), each with what
    became of the member's part (``outcome``) and, if they bought it, the sale's id."""
    page = _page("taken_down", lambda offset, limit: queries.taken_down(
        current_user.id, viewer=current_user, now=now, offset=offset, limit=limit))
    sales = queries.bought(current_user.id, [auction.id for auction in page.rows])
    page.rows = [SimpleNamespace(auction=auction, sale_id=sales.get(auction.id),
                                 outcome=taken_down_outcome(auction, current_user.id, now))
                 for auction in page.rows]
    return page


def _page(name, fetch):
    """Page ``<name>_page`` (from 1) of one list: its rows, that page's number and whether
    another follows. ``fetch(offset, limit)`` answers up to ``limit`` rows and one more."""
    size = queries.PAGE_SIZE
    number = int_arg(f"{name}_page") or 1
    rows = fetch((number - 1) * size, size)
    return SimpleNamespace(rows=rows[:size], number=number, more=len(rows) > size,
                           arg=f"{name}_page")
