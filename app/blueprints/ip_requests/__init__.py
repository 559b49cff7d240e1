"""IP-address requests (CMP-6): a scam victim asks, with a police report, for the IP addresses
of the member they accuse; moderators decide in the review queue, and only an approved request
shows the addresses (from the traffic log, for a set period), each showing audited.

Views are split by purpose: ``views`` (the member's form, list and request page), ``actions``
(the queue's approve and reject). Rules live in ``filing`` and ``decisions``.
"""
from flask import Blueprint

bp = Blueprint("ip_requests", __name__, url_prefix="/ip-requests")

from app.blueprints.ip_requests import actions, views  # noqa: E402,F401  (routes, queue actions)
