"""Template helpers shared by every page: the empty form for bare buttons, navigation, and
links built in bulk for long lists."""
import re

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.forms import EmptyForm

#: Sections appear in the navigation once their blueprint exists (no placeholder pages).
SECTIONS = (
    ("shops.index", _l("Shops")),
    ("auctions.board", _l("Auctions")),
    ("market.index", _l("Market")),
    ("help.index", _l("Help")),
)


#: How each role is named to people.
ROLE_LABELS = {"member": _l("Member"), "moderator": _l("Moderator"), "admin": _l("Admin")}

#: How each e-mail status is named to admins (see ``app.models.mail.MAIL_STATUSES``).
MAIL_STATUS_LABELS = {"queued": _l("Waiting"), "sending": _l("Sending"),
                      "outbox": _l("In the outbox"), "sent": _l("Sent"),
                      "dropped": _l("Dropped"), "failed": _l("Failed")}


def navigation():
    """(url, label) for each section that is built, in menu order."""
    rules = current_app.view_functions
    return [(url_for(endpoint), label) for endpoint, label in SECTIONS if endpoint in rules]


def has_endpoint(endpoint):
    """True if ``endpoint`` exists, so templates link only to pages that are there."""
    return endpoint in current_app.view_functions


#: A value that stands for "the value of each link" while :func:`link_maker` builds the URL
#: once (a number, so integer routes accept it too).
_LINK_SENTINEL = "2147483641"
#: Values that appear in a URL exactly as they are, with no quoting.
_PLAIN_URL_VALUE = re.compile(r"[A-Za-z0-9_-]+\Z")


def link_maker(endpoint, name, **values):
    """A function ``value -> url_for(endpoint, **{name: value}, **values)`` for a page with
    many links of one kind (24 result cards link to their listings and photos): the route is
    built once and each link is that URL with its own id or key in place. Values that would
    need quoting go through ``url_for`` as usual."""
    built = url_for(endpoint, **{name: _LINK_SENTINEL}, **values)
    head, found, tail = built.partition(_LINK_SENTINEL)
    if not found or _LINK_SENTINEL in tail:
        return lambda value: url_for(endpoint, **{name: value}, **values)

    def link(value):
        text = str(value)
        if _PLAIN_URL_VALUE.match(text):
            return head + text + tail
        return url_for(endpoint, **{name: value}, **values)

    return link


def files_were_sent():
    """True when this request carried at least one chosen file: a form that comes back with
    errors then asks for the files again, as browsers do not keep them."""
    if request.method != "POST":
        return False
    try:
        return any(upload.filename for _name, upload in request.files.items(multi=True))
    except HTTPException:  # a body refused (413) has no files to speak of
        return False


def csrf_only_form():
    """An empty form for rendering a bare button's CSRF field; it never reads the request
    body, so error pages render even when the body was refused (413)."""
    return EmptyForm(formdata=None)


def register_template_helpers(app):
    """Add the helpers to the Jinja globals."""
    app.jinja_env.globals.update(empty_form=csrf_only_form, navigation=navigation,
                                 has_endpoint=has_endpoint, link_maker=link_maker,
                                 files_were_sent=files_were_sent,
                                 role_labels=ROLE_LABELS,
                                 mail_status_labels=MAIL_STATUS_LABELS)
