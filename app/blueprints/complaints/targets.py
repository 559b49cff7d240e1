"""Which Talat page a complaint's URL names (CMP-1): a public listing, auction or shop.

A URL is parsed with the app's own URL map, never with patterns of our own, so it resolves
exactly as the site routes it. Absolute URLs must be on the site's own host (``SITE_URL``);
paths are taken as they are. A page no one but its owner and moderators sees (hidden after a
complaint, held, in a closed shop, deleted) is "not found", as it would be in the
complainant's browser. A published page that only its content rating keeps from the
complainant (18+ for a visitor or an under-18 member, a shop's circle: RANK-1, ACC-3) is
taken: anyone may complain (CMP-1), and the victim of such a page need not be an adult
member. The page's name is never shown to them: the form answers with the address alone,
and the status page names it only to whoever may see it (``titles``).
"""
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.blueprints.complaints.errors import ComplaintError, refuse_all
from app.blueprints.shops.visibility import published_listings, visible_listings
from app.extensions import db
from app.models import Auction, Listing, Shop

MAX_URLS = 20
#: Endpoint of each page a complaint may name, and the view argument holding its key.
PAGES = {"shops.listing": ("listing", "listing_id"),
         "auctions.auction": ("auction", "auction_id"),
         "shops.shop": ("shop", "slug")}


@dataclass(frozen=True)
class Target:
    """A resolved page: its kind, the object, its owner's id and the URL as typed."""

    target_type: str
    obj: object
    owner_id: int
    url: str


def _refuse(line, url, message):
    shown = url if len(url) <= 80 else url[:77] + "..."
    raise ComplaintError(_l("Line %(line)d (%(url)s): %(message)s", line=line, url=shown,
                            message=message), field="urls")


def _site_host():
    return (urlsplit(current_app.config["SITE_URL"]).hostname or "").lower()


class NotOnTalat(ValueError):
    """An address that is not a Talat page's: ``message`` says why, for the person who typed
    it (lower-case, to follow the address it is about)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


#: A web address among other words, as a phone's share sheet or a chat copies a page ("the
#: title https://…").
_ADDRESS_IN_TEXT = re.compile(r"https?://[^\s<>\"'“”]+", re.IGNORECASE)
#: Marks that stand around an address or close the sentence it is in; no Talat address ends
#: with one.
_AROUND = "<>()[]{}\"'“”‘’.,;:!?"


def addresses_in(text):
    """The addresses one line of the form holds: the line itself, or each web address in it
    when it holds words besides ("พระขุนแผน https://…" pasted from a share sheet), without the
    marks around an address ("<…>", a closing full stop). Also used by the IP-request form's
    link (CMP-6)."""
    text = (text or "").strip()
    found = [word.strip(_AROUND) for word in text.split()]
    found = [word for word in found if _ADDRESS_IN_TEXT.fullmatch(word)
             or _without_scheme(word)]
    if not found:
        return [text.strip(_AROUND)] if text else []
    return found


def _without_scheme(url):
    """``url`` written as the site's host and a path, without http(s):// ("talat.example/
    listings/7", as a phone's address bar shows it), made whole; else None."""
    host = re.escape(_site_host())
    if host and re.match(rf"{host}(:\d+)?(/|$)", url, re.IGNORECASE):
        return "https://" + url
    return None


def site_path(url):
    """The path of ``url`` when it is an address on this site (http or https on the site's own
    host, the host and a path without http(s)://, or a path starting with ``/``); else
    :class:`NotOnTalat`. Also used by forms other than the complaint form that take a Talat
    link (CMP-6)."""
    url = (url or "").strip()
    url = _without_scheme(url) or url
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or (parts.hostname or "") != _site_host():
            raise NotOnTalat(_l("this address is not on Talat (%(host)s). Give the address of "
                                "the Talat page.", host=_site_host()))
    elif not url.startswith("/"):
        raise NotOnTalat(_l("write the full address of the Talat page, starting with https:// "
                            "or /."))
    return parts.path or "/"


def _path_of(url, line):
    """The path of ``url`` if it is on this site, else a refusal naming the line."""
    try:
        return site_path(url)
    except NotOnTalat as error:
        _refuse(line, url, error.message)


def match_path(path):
    """The endpoint and view arguments of a path on this site, as the site routes it (one
    redirect followed, a slash too many at the end forgiven), or ``(None, {})``. Also used
    by the IP-request form's link (CMP-6)."""
    adapter = current_app.url_map.bind(_site_host() or "localhost")
    for _attempt in range(2):  # one redirect, e.g. a missing trailing slash
        try:
            return adapter.match(path, method="GET")
        except RequestRedirect as redirect:
            path = urlsplit(redirect.new_url).path
        except HTTPException:
            if len(path) < 2 or not path.endswith("/"):
                break
            path = path.rstrip("/")  # a slash too many ("/listings/7/"), as some apps add
    return None, {}


def _match(path, line, url):
    endpoint, args = match_path(path)
    if endpoint is None:
        _refuse(line, url, _l("this is not the address of a listing, an auction or a shop."))
    return endpoint, args


def _load(target_type, key, viewer, now):
    if target_type == "listing":  # (what the viewer sees, and what its rating keeps from them)
        return db.session.scalar(select(Listing).where(
            Listing.id == key, or_(visible_listings(viewer, now), published_listings())))
    if target_type == "auction":  # (18+ or not: its rating keeps only its name from them)
        auction = db.session.get(Auction, key)
        return auction if auction is not None and auction.hidden_at is None else None
    shop = db.session.scalar(select(Shop).where(Shop.slug == key))
    return shop if shop is not None and shop.status == "open" and shop.hidden_at is None \
        else None


def _owner_id(target_type, obj):
    if target_type == "listing":
        return obj.shop.owner_id
    return obj.seller_id if target_type == "auction" else obj.owner_id


def resolve_target(url, *, viewer=None, now, line=1):
    """The :class:`Target` ``url`` names, or :class:`ComplaintError` saying why not."""
    url = (url or "").strip()
    endpoint, args = _match(_path_of(url, line), line, url)
    if endpoint not in PAGES:
        _refuse(line, url, _l("this is not the address of a listing, an auction or a shop."))
    target_type, arg = PAGES[endpoint]
    obj = _load(target_type, args[arg], viewer, now)
    if obj is None:
        _refuse(line, url, _l("we cannot find this page; it may have been removed."))
    return Target(target_type, obj, _owner_id(target_type, obj), url[:500])


def resolve_targets(urls, *, viewer=None, now):
    """Resolve one to ``MAX_URLS`` addresses (blank lines skipped, repeats counted once,
    each address of a line holding words besides: :func:`addresses_in`);
    :class:`ComplaintError` names every line that is wrong."""
    lines = [(n, address) for n, line in enumerate(urls, start=1)
             for address in addresses_in(line)]
    if not lines:
        raise ComplaintError(_l("Give the address of at least one Talat page."), field="urls")
    if len(lines) > MAX_URLS:
        raise ComplaintError(_l("Give at most %(n)d addresses in one complaint.", n=MAX_URLS),
                             field="urls")
    found, problems = {}, []
    for line, url in lines:  # every wrong line is named at once, not one per round
        try:
            target = resolve_target(url, viewer=viewer, now=now, line=line)
        except ComplaintError as error:
            problems.append(error)
        else:
            found.setdefault((target.target_type, target.obj.id), target)
    refuse_all(problems)
    return list(found.values())
