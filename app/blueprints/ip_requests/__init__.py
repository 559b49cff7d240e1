"""IP-address requests (CMP-6): a scam victim asks, with a police report, for the IP addresses
of the member they accuse; moderators decide in the review queue, and only an approved request
shows the addresses (from the traffic log, for a set period), each showing audited.

Views are split by purpose: ``views`` (the member's form, list and request page), ``actions``
(the queue's approve and reject). Rules live in ``filing`` and ``decisions``.
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("ip_requests", __name__, url_prefix="/ip-requests")

#: A request's states by name (its badge, the audit log).
STATUS_LABELS = {"pending": _l("Waiting for the moderators"), "approved": _l("Approved"),
                 "rejected": _l("Rejected"), "closed": _l("Closed")}


@bp.app_template_global()
def ip_request_status_label(code):
    """An IP-address request's state in the reader's language."""
    return STATUS_LABELS.get(code, code)


from app.blueprints.ip_requests import actions, views  # noqa: E402,F401  (routes, queue actions)
