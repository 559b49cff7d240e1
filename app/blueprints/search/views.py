"""The search page. One URL serves the whole page or, for htmx, just the results block."""
from flask import request, url_for
from flask_login import current_user

from app.blueprints.search import bp
from app.blueprints.search.forms import CONDITION_LABELS, SHOP_NOT_FOUND, SearchForm
from app.database import utcnow
from app.htmx import render_page_or_fragment
from app.i18n import current_language
from app.search import service

PER_PAGE = 24
#: The query parameters that describe a search (``page`` is added per link).
SEARCH_ARGS = ("q", "category", "min_price", "max_price", "condition", "shop", "sort")


@bp.route("/search")
def results():
    """Find listings (and, on the first page, shops) by words, filters and sort order."""
    form = SearchForm(formdata=request.args, lang=current_language())
    valid = form.validate()
    shop = None
    if valid and form.shop.data:
        shop = service.find_open_shop(form.shop.data)
        if shop is None:
            form.shop.errors.append(SHOP_NOT_FOUND)
            valid = False
    found, shops = None, []
    if valid:
        found = service.search_listings(
            form.q.data, viewer=current_user, now=utcnow(),
            shop_id=shop.id if shop else None, **form.filters(),
            page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
        if found.page == 1 and not shop:
            shops = service.search_shops(form.q.data)
    search_args = {name: request.args[name] for name in SEARCH_ARGS if request.args.get(name)}
    all_shops_args = {name: value for name, value in search_args.items() if name != "shop"}
    return render_page_or_fragment(
        "search/results.html", "search/_results.html", http_status=200 if valid else 422,
        form=form, found=found, shops=shops, shop=shop, search_args=search_args,
        all_shops_url=url_for("search.results", **all_shops_args),
        # Translated once here rather than once per card.
        condition_labels={key: str(label) for key, label in CONDITION_LABELS.items()})
