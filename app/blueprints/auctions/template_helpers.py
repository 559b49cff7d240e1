"""What auction templates ask of the rules, exposed once to every template."""
from flask_babel import lazy_gettext as _l

from app.blueprints.auctions import bp, state
from app.database import utcnow

SALE_STEP_LABELS = {"awaiting_payment": _l("Waiting for payment"), "paid": _l("Paid"),
                    "shipped": _l("Shipped"), "completed": _l("Completed")}
SALE_NEXT_LABELS = {"awaiting_payment": _l("I have paid"), "paid": _l("I have shipped it"),
                    "shipped": _l("I have received it")}
# Asked before a step is taken: a step cannot be undone, and tells the other party (AUC-7).
SALE_NEXT_QUESTIONS = {
    "awaiting_payment": _l("Tell the seller that you have paid? Do this only once the money "
                           "has been sent: it cannot be undone."),
    "paid": _l("Tell the buyer that you have sent the item? Do this only once it is on its "
               "way: it cannot be undone."),
    "shipped": _l("Confirm that you have received the item? The sale will be complete: it "
                  "cannot be undone."),
}
FEEDBACK_LABELS = {"positive": _l("Positive"), "neutral": _l("Neutral"),
                   "negative": _l("Negative")}


@bp.app_context_processor
def auction_helpers():
    """Template globals for auction pages."""
    return dict(
        auction_phase=state.phase, auction_reserve_met=state.reserve_met,
        auction_minimum_bid=state.minimum_bid, auction_buy_now=state.buy_now_available,
        auction_winner=state.effective_winner, mask_name=state.mask_name,
        now_iso=lambda: utcnow().isoformat(), sale_step_labels=SALE_STEP_LABELS,
        sale_next_labels=SALE_NEXT_LABELS, sale_next_questions=SALE_NEXT_QUESTIONS,
        feedback_labels=FEEDBACK_LABELS)
