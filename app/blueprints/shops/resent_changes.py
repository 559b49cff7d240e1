"""A listing sent again (Back, then send: SHOP-3) that changes fields the first send set
(:data:`~app.blueprints.shops.listing_services.RESENT_MAY_CHANGE`: a corrected certificate
number, stock or audience) is not posted twice, and its changes are not dropped either (found
in review: they were, without a word). The seller is led to the listing's edit page, which
shows the values sent this time, ready to save, and is told which ones differ."""
import time

from flask import session
from flask_babel import lazy_gettext as _l

from app.blueprints.shops.listing_services import RESENT_MAY_CHANGE

SESSION_KEY = "listing_sent_again"
#: Held values older than this are not shown (the seller went elsewhere meanwhile).
HOLD_SECONDS = 3600


def hold(listing, changed):
    """Keep ``changed`` (field name: value sent) for ``listing``'s edit page, until it is
    opened (a later send replaces it)."""
    session[SESSION_KEY] = {"listing": listing.id, "values": dict(changed),
                            "at": int(time.time())}


def take(listing):
    """The values held for ``listing``'s edit page by :func:`hold`, once; {} if none. Those
    held for another listing stay (its page may be opened after this one)."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("listing") != listing.id:
        return {}
    session.pop(SESSION_KEY)
    if not isinstance(held.get("at"), int) or time.time() - held["at"] > HOLD_SECONDS:
        return {}
    return held.get("values") or {}


def show(form, values, listing, labels):
    """Put the held ``values`` on the edit ``form`` (opened with ``listing``'s own) and return
    a hint for each field changed, saying what the listing has (``labels``: the words of a
    choice's stored value), so the seller sees both."""
    hints = {}
    for name, value in values.items():
        if name not in RESENT_MAY_CHANGE:
            continue
        form[name].data = value
        had = getattr(listing, name)
        had = labels.get(name, {}).get(had, had)
        if had in (None, ""):
            hints[name] = _l("Sent this time: the listing has none yet.")
        else:
            hints[name] = _l("Sent this time: the listing has “%(value)s”.", value=had)
    return hints


def message(form, changed, *, after_photos):
    """What the seller is told: which fields differ (by their labels on ``form``), that the
    form shows what was sent and that saving it changes the listing. ``after_photos``: the
    message on the photos sent again came first and said the listing was posted already."""
    fields = ", ".join(str(form[name].label.text) for name in RESENT_MAY_CHANGE
                       if name in changed)
    if after_photos:
        return _l("The form you sent this time also differs from the listing in: %(fields)s. "
                  "The form below shows what you sent: save it to change the listing.",
                  fields=fields)
    return _l("You posted this listing a moment ago, so it was not posted a second time. The "
              "form you sent this time differs from it in: %(fields)s. The form below shows "
              "what you sent: save it to change the listing.", fields=fields)
