"""Searching help articles (HELP-6). Thai is written without spaces, so each term of the
query (split as the site search splits it) is matched as a substring anywhere in an article's
title, keywords or text, case-insensitively and with Thai digits read as Arabic ones (๑๒๑๒ finds
1212, as the site search does); every term must match. Articles whose title holds
the terms come first. A snippet around the first match is returned with the matches marked,
every piece escaped."""
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.blueprints.help.articles import LANGUAGES
from app.digits import to_arabic
from app.search.service import normalise_query, query_terms

SNIPPET_BEFORE = 60
SNIPPET_AFTER = 140


def _folded(text):
    """``text`` as matched: case folded, Thai digits as Arabic (one character for one, so
    positions found in it are positions in ``text``)."""
    return to_arabic(text.casefold())


@dataclass(frozen=True)
class Hit:
    """An article found, in the language it was read in."""

    article: object
    fell_back: bool
    title: Markup
    snippet: Markup
    score: tuple


def _positions(haystack, terms):
    """``[(start, end)]`` of every occurrence of any term in ``haystack`` (case-insensitive),
    overlapping ones merged."""
    folded = _folded(haystack)
    spans = []
    for term in terms:
        needle, start = _folded(term), 0
        while needle and (found := folded.find(needle, start)) != -1:
            spans.append((found, found + len(needle)))
            start = found + len(needle)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text, terms):
    """``text`` escaped, with each match of ``terms`` wrapped in ``<mark>``."""
    out, last = [], 0
    for start, end in _positions(text, terms):
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text, terms):
    """A short passage of ``text`` around the first match, matches marked; the start of the
    text if no term occurs in it (the match was in the title or keywords)."""
    flat = " ".join(text.split())
    spans = _positions(flat, terms)
    if not spans:
        piece = flat[:SNIPPET_BEFORE + SNIPPET_AFTER]
        return highlight(piece + ("…" if len(flat) > len(piece) else ""), terms)
    start = max(0, spans[0][0] - SNIPPET_BEFORE)
    end = min(len(flat), spans[0][0] + SNIPPET_AFTER)
    piece = ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    return highlight(piece, terms)


def search_articles(library, query, lang):
    """The articles that contain every term of ``query``, best first (title matches, then
    keyword matches, then order). If none in ``lang`` does, the articles in the other
    language are searched (a Thai word typed on the English site still finds its article).
    An empty query finds nothing."""
    terms = query_terms(normalise_query(query))
    if not terms:
        return []
    hits = _search(library, terms, lang)
    for other in LANGUAGES:
        if hits:
            break
        if other != lang:
            hits = [Hit(hit.article, True, hit.title, hit.snippet, hit.score)
                    for hit in _search(library, terms, other)]
    return hits


def _search(library, terms, lang):
    """Every article read in ``lang`` that contains all ``terms``, best first."""
    hits = []
    for article, fell_back in library.all(lang):
        text = article.rendered().text
        fields = (_folded(article.title), _folded(" ".join(article.keywords)),
                  _folded(article.summary), _folded(text))
        folded_terms = [_folded(t) for t in terms]
        if not all(any(t in f for f in fields) for t in folded_terms):
            continue
        in_title = sum(t in fields[0] for t in folded_terms)
        in_keywords = sum(t in fields[1] for t in folded_terms)
        score = (-in_title, -in_keywords, article.order, article.title)
        hits.append(Hit(article, fell_back, highlight(article.title, terms),
                        snippet(article.summary + " " + text, terms), score))
    return sorted(hits, key=lambda hit: hit.score)
