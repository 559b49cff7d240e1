"""The review queue's side of IP-address requests (CMP-6): the kind's name, approve and reject,
the requester's notices, and where those notices lead."""
from datetime import time, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.ip_requests import decisions
from app.blueprints.ip_requests.errors import IpRequestError
from app.blueprints.moderation import queue, queue_data
from app.extensions import db
from app.i18n import format_date, format_datetime, to_bangkok
from app.models import IpRequest
from app.notifications import SUBJECTS, TEXTS, register_link
from app.urls import external_url

queue.KIND_LABELS.setdefault("ip_request", _l("IP-address requests"))

TEXTS.update({
    "ip_request_approved": _l("Your IP-address request (police case %(case)s) was approved: "
                              "the addresses are on the request page. %(note)s"),
    "ip_request_rejected": _l("Your IP-address request (police case %(case)s) was rejected. "
                              "%(note)s"),
    "ip_request_closed": _l("A moderator closed your IP-address request (police case "
                            "%(case)s) before its time: the addresses are no longer shown."),
})
SUBJECTS.update({
    "ip_request_approved": _l("Your IP-address request (police case %(case)s) was approved"),
    "ip_request_rejected": _l("Your IP-address request (police case %(case)s) was rejected"),
    "ip_request_closed": _l("Your IP-address request (police case %(case)s) was closed"),
})


def _request_of(item):
    request = db.session.get(IpRequest, item.target_id)
    if request is None:
        raise IpRequestError(_l("This request no longer exists."))
    return request


def _approve(item, moderator, form, *, now, ip=""):
    request = _request_of(item)
    decisions.approve(request, moderator, now=now,
                      first_day=decisions.parse_day(form.get("first_day"), "first_day"),
                      last_day=decisions.parse_day(form.get("last_day"), "last_day"),
                      reason=form.get("reason", ""), ip=ip)
    # The period as it was read, in words: a date typed the other way round (month first)
    # shows at once. It starts at a Bangkok midnight; it ends at one (after the last day
    # typed) or now.
    end = to_bangkok(request.period_to)
    if end.time() == time.min:
        return str(_l("Approved: the requester can now see the addresses from %(first)s to "
                      "%(last)s, both days included.", first=format_date(request.period_from),
                      last=format_date(end.date() - timedelta(days=1))))
    return str(_l("Approved: the requester can now see the addresses from %(first)s to "
                  "%(end)s.", first=format_date(request.period_from),
                  end=format_datetime(request.period_to)))


def _reject(item, moderator, form, *, now, ip=""):
    request = _request_of(item)
    decisions.reject(request, moderator, reason=form.get("reason", ""), now=now, ip=ip)
    return request.reason


# Releasing the addresses cannot be undone (the requester may have copied them at once), so
# its key only opens the period's fields, as for other actions that cannot be undone; Enter
# sends. A stray "a" on a focused row no longer releases a member's addresses (CMP-6).
queue.register_action("ip_request", queue.Action(
    "approve", _l("Approve"), _approve,
    fields=("first_day", "last_day", "reason"), key="a", style="primary",
    extra={"labels": {"first_day": _l("From (day/month/year)"),
                      "last_day": _l("To (day/month/year)"),
                      "reason": _l("Note (optional)")}, "ask_first": True}))
queue.register_action("ip_request", queue.Action(
    "reject", _l("Reject"), _reject, fields=("reason",), key="r",
    extra={"labels": {"reason": _l("Reason")}, "required": ("reason",)}))


def _request_link(request_id, external=False):
    """Notices about a request lead to its page."""
    if external:
        return external_url("ip_requests.show", request_id=request_id)
    return url_for("ip_requests.show", request_id=request_id)


register_link("ip_request", _request_link)


def _load_requests(ids):
    """The requests of queue rows, with their two members (their names are shown)."""
    found = {}
    for request in db.session.scalars(select(IpRequest).where(IpRequest.id.in_(ids)).options(
            selectinload(IpRequest.requester), selectinload(IpRequest.accused))).all():
        request.queue_key = (request.requester.display_name, request.accused.display_name)
        found[request.id] = request
    return found


queue_data.TARGET_LOADERS["ip_request"] = _load_requests
