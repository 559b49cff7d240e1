"""Help articles: Markdown files in ``app/help/articles/<lang>/<slug>.md``, read once per process.

Each file starts with a small front matter between ``---`` lines::

    ---
    title: What to do when you are scammed
    summary: One sentence for lists and search results.
    section: safety
    order: 1
    related: ip-requests, complaints
    keywords: scam, cheated, police
    ---

The library is built on first use and kept on the app; in debug it is rebuilt when a file
changes. Rendering needs ``url_for`` (links name endpoints), so each article is rendered on
its first request and the HTML kept. Slugs come only from file names, never from a request, so
no request can name a path outside the folder.
"""
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.blueprints.help.rendering import is_slug, render_markdown

LANGUAGES = ("th", "en")
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "help" / "articles"
EXTENSION_KEY = "talat_help"

#: Index sections, in order; an article names its section in its front matter.
SECTIONS = {
    "safety": _l("Buying and staying safe"),
    "signs": _l("STOP signs, strikes and prohibited goods"),
    "selling": _l("Rankings and content ratings"),
    "complaints": _l("Complaints and requests"),
    "account": _l("Terms, privacy and your account"),
}
OTHER_SECTION = "account"


class ArticleError(ValueError):
    """An article file is malformed (a developer's mistake, found at load time)."""


@dataclass
class Article:
    """One article in one language, as written."""

    slug: str
    lang: str
    title: str
    summary: str
    body: str
    section: str = OTHER_SECTION
    order: int = 100
    related: tuple = ()
    keywords: tuple = ()
    _rendered: object = field(default=None, repr=False, compare=False)

    def rendered(self):
        """The body as safe HTML with its contents (rendered on first use, then kept)."""
        if self._rendered is None:
            self._rendered = render_markdown(self.body)
        return self._rendered


def _list(value):
    return tuple(item.strip() for item in value.split(",") if item.strip())


def parse_article(text, slug, lang):
    """An :class:`Article` from a file's text: front matter, then the Markdown body."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (s.strip() for s in lines[1:]):
        raise ArticleError(f"{lang}/{slug}.md: front matter missing")
    end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise ArticleError(f"{lang}/{slug}.md: bad front matter line {line!r}")
        meta[key.strip()] = value.strip()
    if not meta.get("title"):
        raise ArticleError(f"{lang}/{slug}.md: no title")
    section = meta.get("section", OTHER_SECTION)
    if section not in SECTIONS:
        raise ArticleError(f"{lang}/{slug}.md: unknown section {section!r}")
    return Article(slug=slug, lang=lang, title=meta["title"], summary=meta.get("summary", ""),
                   body="\n".join(lines[end + 1:]).strip() + "\n", section=section,
                   order=int(meta.get("order", 100)), related=_list(meta.get("related", "")),
                   keywords=_list(meta.get("keywords", "")))


class Library:
    """Every article in every language, looked up by slug."""

    def __init__(self, root=DEFAULT_DIR):
        self.root = Path(root)
        self.signature = self._signature()
        self.by_lang = {lang: {} for lang in LANGUAGES}
        for lang in LANGUAGES:
            for path in sorted((self.root / lang).glob("*.md")):
                if not is_slug(path.stem):
                    raise ArticleError(f"{path}: the file name is not a slug")
                self.by_lang[lang][path.stem] = parse_article(
                    path.read_text(encoding="utf-8"), path.stem, lang)

    def _signature(self):
        """Names and modification times of the files, to notice edits in debug."""
        return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in self.root.glob("*/*.md")))

    def is_stale(self):
        """True if a file was added, removed or changed since loading."""
        return self._signature() != self.signature

    @property
    def slugs(self):
        """Every slug that exists in at least one language."""
        return sorted({slug for articles in self.by_lang.values() for slug in articles})

    def get(self, slug, lang):
        """``(article, fell_back)`` in ``lang`` or else the other language; None if unknown."""
        if not is_slug(slug):
            return None
        for candidate in (lang, *[other for other in LANGUAGES if other != lang]):
            article = self.by_lang.get(candidate, {}).get(slug)
            if article is not None:
                return article, candidate != lang
        return None

    def all(self, lang):
        """``(article, fell_back)`` for every slug, by section order, then order, then title."""
        found = [self.get(slug, lang) for slug in self.slugs]
        sections = list(SECTIONS)
        return sorted(found, key=lambda pair: (sections.index(pair[0].section),
                                               pair[0].order, pair[0].title))

    def by_section(self, lang):
        """``[(section key, label, [(article, fell_back), ...]), ...]`` for the index."""
        groups = {key: [] for key in SECTIONS}
        for pair in self.all(lang):
            groups[pair[0].section].append(pair)
        return [(key, SECTIONS[key], groups[key]) for key in SECTIONS if groups[key]]


def library():
    """The app's library, loaded once per process (reloaded on change in debug)."""
    app = current_app
    current = app.extensions.get(EXTENSION_KEY)
    if current is None or (app.debug and current.is_stale()):
        current = Library(app.config.get("HELP_ARTICLES_DIR") or DEFAULT_DIR)
        app.extensions[EXTENSION_KEY] = current
    return current
