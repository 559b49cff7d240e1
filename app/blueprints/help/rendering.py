"""Markdown to safe HTML for help articles (HELP-1 … HELP-6).

markdown-it-py renders with raw HTML disabled, so ``<script>`` in an article is text; nh3 then
cleans the output against a short list of tags as a second guard. Headings h2/h3 get stable
ids made from their text, and are returned as the table of contents. Links may name a page by
endpoint (``talat:shops.index``) or a help article (``help:complaints``); they become real URLs
through ``url_for``, and a link to an endpoint this site does not have is left as plain text.
"""
import re
import unicodedata
from dataclasses import dataclass

import nh3
from flask import current_app, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

#: What an article may contain once rendered.
ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "a", "strong", "em", "code", "pre",
                "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"h2": {"id"}, "h3": {"id"}, "a": {"href", "title"}}
TOC_LEVELS = ("h2", "h3")
ENDPOINT_SCHEME = "talat:"
ARTICLE_SCHEME = "help:"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False,
                                      "typographer": False}).enable("table")


@dataclass(frozen=True)
class Heading:
    """One entry of the table of contents."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """An article's body as sanitised HTML (``Markup``), its contents and its plain text."""

    html: str
    toc: tuple
    text: str


def anchor_for(text, taken):
    """A stable id for a heading: its letters and digits (Thai included) joined by hyphens,
    lower-cased, made unique among ``taken`` with a number."""
    parts, word = [], []
    for char in text.casefold():
        if unicodedata.category(char)[0] in "LMN":
            word.append(char)
        elif word:
            parts.append("".join(word))
            word = []
    if word:
        parts.append("".join(word))
    base = "-".join(parts)[:60].strip("-") or "section"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def resolve_link(href):
    """The URL for an article link: ``talat:endpoint`` and ``help:slug`` through
    ``url_for`` (None if the endpoint does not exist here); anything else as written."""
    if href.startswith(ARTICLE_SCHEME):
        return url_for("help.article", slug=href[len(ARTICLE_SCHEME):])
    if href.startswith(ENDPOINT_SCHEME):
        endpoint, _, anchor = href[len(ENDPOINT_SCHEME):].partition("#")
        if endpoint not in current_app.view_functions:
            return None
        return url_for(endpoint) + (f"#{anchor}" if anchor else "")
    return href


def _resolve_links(children):
    """Rewrite link hrefs in an inline token's children; drop links that lead nowhere (their
    text stays)."""
    kept, dropping = [], []
    for token in children:
        if token.type == "link_open":
            url = resolve_link(token.attrGet("href") or "")
            dropping.append(url is None)
            if url is None:
                continue
            token.attrSet("href", url)
        elif token.type == "link_close":
            if dropping.pop():
                continue
        kept.append(token)
    return kept


def _plain_text(tokens):
    """The readable text of an article (for search and snippets), one block per line."""
    lines = []
    for token in tokens:
        if token.type == "inline":
            # A line break inside a paragraph reads as a space (as the browser shows it):
            # dropped, it glued the words either side ("centre,hotline").
            lines.append("".join(" " if child.type in ("softbreak", "hardbreak")
                                 else child.content for child in token.children or ()
                                 if child.type in ("text", "code_inline", "softbreak",
                                                   "hardbreak")) or token.content)
        elif token.type in ("code_block", "fence"):
            lines.append(token.content)
    return "\n".join(line.strip() for line in lines if line.strip())


def sanitise(html):
    """Defence in depth: whatever markdown-it produced, keep only the tags articles use."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"})


def render_markdown(source):
    """Render an article body. Needs an app (and request) context for its links."""
    tokens = _markdown.parse(source)
    toc, taken = [], set()
    for index, token in enumerate(tokens):
        if token.type == "inline" and token.children:
            token.children = _resolve_links(token.children)
        if token.type == "heading_open" and token.tag in TOC_LEVELS:
            text = _heading_text(tokens[index + 1])
            anchor = anchor_for(text, taken)
            token.attrSet("id", anchor)
            toc.append(Heading(int(token.tag[1]), anchor, text))
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return Rendered(html=Markup(sanitise(html)), toc=tuple(toc), text=_plain_text(tokens))


def _heading_text(inline):
    """A heading's text without its Markdown markers (``**``, backticks, link syntax)."""
    return "".join(child.content for child in inline.children or ()
                   if child.type in ("text", "code_inline")).strip() or inline.content.strip()


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def is_slug(value):
    """True for a well-formed article slug (lower-case words joined by hyphens)."""
    return bool(_SLUG.match(value or "")) and len(value) <= 60
