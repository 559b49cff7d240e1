"""A listing sent again (Back, then send: SHOP-3) that changes fields the first send set
(:data:`~app.blueprints.shops.listing_services.RESENT_MAY_CHANGE`: a corrected certificate
number, stock or audience) is not posted twice, and its changes are not dropped either (found
in review: they were, without a word). The seller is led to the listing's edit page, which
shows the values sent this time, ready to save, and is told which ones differ."""
from flask import session
from flask_babel import lazy_gettext as _l

SESSION_KEY = "listing_sent_again"


def hold(listing, changed):
    """Keep ``changed`` (field name: value sent) for ``listing``'s edit page, the next one
    opened (a later send replaces it)."""
    session[SESSION_KEY] = {"listing": listing.id, "values": dict(changed)}


def take(listing):
    """The values held for ``listing``'s edit page by :func:`hold`, once; {} if none."""
    held = session.pop(SESSION_KEY, None)
    if not isinstance(held, dict) or held.get("listing") != listing.id:
        return {}
    return held.get("values") or {}


def show(form, values):
    """Put the held ``values`` on the edit ``form`` (opened with the listing's own)."""
    for name, value in values.items():
        if name in form:
            form[name].data = value


def message(form, changed, *, after_photos):
    """What the seller is told: which fields differ (by their labels on ``form``), that the
    form shows what was sent and that saving it changes the listing. ``after_photos``: the
    message on the photos sent again came first and said the listing was posted already."""
    fields = ", ".join(str(form[name].label.text) for name in changed if name in form)
    if after_photos:
        return _l("The form you sent this time also differs from the listing in: %(fields)s. "
                  "The form below shows what you sent: save it to change the listing.",
                  fields=fields)
    return _l("You posted this listing a moment ago, so it was not posted a second time. The "
              "form you sent this time differs from it in: %(fields)s. The form below shows "
              "what you sent: save it to change the listing.", fields=fields)
