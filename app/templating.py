"""Template helpers shared by every page: the empty form for bare buttons, navigation."""
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

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


def csrf_only_form():
    """An empty form for rendering a bare button's CSRF field; it never reads the request
    body, so error pages render even when the body was refused (413)."""
    return EmptyForm(formdata=None)


def register_template_helpers(app):
    """Add the helpers to the Jinja globals."""
    app.jinja_env.globals.update(empty_form=csrf_only_form, navigation=navigation,
                                 has_endpoint=has_endpoint, role_labels=ROLE_LABELS,
                                 mail_status_labels=MAIL_STATUS_LABELS)
