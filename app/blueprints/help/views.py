"""Help pages: the index by section, one article, and search (page or htmx fragment)."""
from flask import abort, render_template, request

from app.blueprints.help import bp
from app.blueprints.help.articles import library
from app.blueprints.help.forms import HelpSearchForm
from app.blueprints.help.searching import search_articles
from app.htmx import render_page_or_fragment
from app.i18n import current_language
from app.search.service import normalise_query


@bp.route("/")
def index():
    """Every article, grouped by section, with the search box."""
    lang = current_language()
    return render_template("help/index.html", sections=library().by_section(lang),
                           form=HelpSearchForm(formdata=None))


@bp.route("/search")
def search():
    """Articles containing every word typed (any part of a word); htmx gets the results."""
    form = HelpSearchForm(formdata=request.args)
    valid = form.validate()
    query = normalise_query(form.q.data) if valid else ""
    hits = search_articles(library(), query, current_language()) if query else []
    return render_page_or_fragment("help/search.html", "help/_results.html",
                                   http_status=200 if valid else 422,
                                   form=form, query=query, hits=hits)


@bp.route("/<slug>")
def article(slug):
    """One article in the reader's language, or in the other one with a note."""
    lib = library()
    found = lib.get(slug, current_language())
    if found is None:
        abort(404)
    article, fell_back = found
    related = [pair for pair in (lib.get(s, current_language()) for s in article.related)
               if pair is not None]
    return render_template("help/article.html", article=article, fell_back=fell_back,
                           rendered=article.rendered(), related=related)
