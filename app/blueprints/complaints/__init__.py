"""Complaints and takedowns (CMP-1 … CMP-5): the public form, the tracking code and status
page, the 7-business-day clock, handling in the review queue, the owner's counter-statement,
repeat offenders and abusive complainants.

One blueprint; its views are split by sub-area into modules imported below.
"""
from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")


@bp.context_processor
def _labels():
    """The complaint pages name kinds, statuses and steps in the reader's language."""
    from app.blueprints.complaints.texts import LABELS, step_label

    return {"labels": LABELS, "step_label": step_label}


@bp.app_template_global()
def complaint_outcome_label(code):
    """What became of a complained-about page (hidden, kept hidden, restored), by name."""
    from app.blueprints.complaints.texts import OUTCOME_LABELS

    return OUTCOME_LABELS.get(code, code)


@bp.after_request
def _never_stored(response):
    """Complaint pages carry a complainant's details and codes: no cache keeps them."""
    if "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


from app.blueprints.complaints import intake_views, status_views  # noqa: E402,F401
from app.blueprints.complaints import counter_views, restriction_views  # noqa: E402,F401
