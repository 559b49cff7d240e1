"""After the hammer: the sale's steps and the two parties' feedback (AUC-7, AUC-11)."""
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.blueprints.auctions.errors import AuctionError
from app.blueprints.auctions.state import AUTHENTIC
from app.database import begin_immediate
from app.extensions import db
from app.models import Feedback, Sale
from app.notifications import SUBJECTS, TEXTS, notify_about
from app.permissions import is_member

FEEDBACK_DEFAULT_AFTER = timedelta(days=30)
NEGATIVE_AFTER_STALL = timedelta(days=3)
MAX_COMMENT = 500

# step → (who moves it on, the next step)
NEXT_STEP = {
    "awaiting_payment": ("buyer", "paid"),
    "paid": ("seller", "shipped"),
    "shipped": ("buyer", "completed"),
}

# What the other party is told when a step is taken (AUC-7): it is their turn next, or the
# sale is done.
TEXTS["sale_paid"] = _l("%(name)s says they have paid for “%(title)s”. Check the payment, "
                        "then send the item and record it on the sale page.")
TEXTS["sale_shipped"] = _l("%(name)s has sent “%(title)s”. Once it arrives, record it on the "
                           "sale page.")
TEXTS["sale_completed"] = _l("%(name)s has received “%(title)s”: the sale is complete. You "
                             "can rate the buyer on the sale page.")
# Their e-mail subjects say what happened to which sale (found in review: all three went out
# as "News about your account on Talat", and a seller told to ship could not tell from the
# inbox).
SUBJECTS["sale_paid"] = _l("The buyer says they have paid for “%(title)s”")
SUBJECTS["sale_shipped"] = _l("On its way: “%(title)s”")
SUBJECTS["sale_completed"] = _l("Sale complete: “%(title)s”")


def role_in(user, sale):
    """"buyer", "seller" or None."""
    if not is_member(user):
        return None
    if user.id == sale.buyer_id:
        return "buyer"
    if user.id == sale.seller_id:
        return "seller"
    return None


def hold_reason(sale):
    """Why the sale cannot move on now, or None. A STOP sign other than AUTHENTIC hung on
    the auction after its end halts every transaction of the auction (AUC-3): the buyer is
    not asked to pay for an item signed FAKE, nor the seller to send it, until the
    moderators take the sign down. Messages stay open. (A sale made before a complaint took
    the auction down goes on, CMP-3.)"""
    sign = sale.auction.stop_sign
    if sale.step in NEXT_STEP and sign is not None and sign != AUTHENTIC:
        return _l("This sale is on hold while the auction carries a STOP sign: do not pay "
                  "or send anything until the moderators have decided. You can still write "
                  "to each other below.")
    return None


def can_advance(user, sale):
    """Whether ``user`` is the party who takes the sale's next step (none while the sale is
    on hold, AUC-3)."""
    step = NEXT_STEP.get(sale.step)
    return step is not None and role_in(user, sale) == step[0] and hold_reason(sale) is None


def advance(sale, user, *, now, step=None):
    """Take the sale's next step (paid, shipped, received); each step counts as progress, and
    the other party is told (in the site and by e-mail), since the next move is theirs.
    ``step`` is the stage the member confirmed from: a stale confirmation (a form posted
    twice, a page left open) does not take a later step. The sale is read again, locked
    (PostgreSQL): two confirmations at once take the step and tell the other party once."""
    sale = db.session.get(Sale, sale.id, with_for_update=True, populate_existing=True)
    if step is not None and step != sale.step:
        raise AuctionError(_l("The sale has moved on since: check its stage below."))
    held = hold_reason(sale)
    if held is not None:  # AUC-3
        raise AuctionError(held)
    if not can_advance(user, sale):
        raise AuctionError(_l("This step is not yours to take at this stage of the sale."))
    sale.step = NEXT_STEP[sale.step][1]
    sale.last_progress_at = now
    db.session.flush()
    other = sale.seller if user.id == sale.buyer_id else sale.buyer
    notify_about(other, f"sale_{sale.step}", target_type="sale", target_id=sale.id,
                 facts={"name": user.display_name, "title": sale.auction.title}, now=now)


def feedback_given(sale, user_id):
    """The feedback ``user_id`` gave on ``sale``, if any."""
    return db.session.scalar(select(Feedback).where(Feedback.sale_id == sale.id,
                                                    Feedback.from_user_id == user_id))


def negative_allowed_at(sale):
    """A negative rating needs 3 days without progress on the deal (AUC-11)."""
    return sale.last_progress_at + NEGATIVE_AFTER_STALL


def leave_feedback(sale, user, rating, comment, *, now):
    """Rate the other party once: positive, neutral or negative (AUC-11). The sale is locked
    first (on SQLite the caller starts the transaction with ``begin_immediate``), so a double
    submit or the 30-day job cannot slip a second rating in between."""
    from app.blueprints.moderation.enforcement import check_can_act  # (loaded after auctions)

    sale = db.session.get(Sale, sale.id, with_for_update=True, populate_existing=True)
    role = role_in(user, sale)
    if role is None:
        raise AuctionError(_l("Only the buyer and the seller rate a sale."))
    check_can_act(user, now)  # ACC-5: a rating with its comment is a post (as a shop review)
    if rating not in ("positive", "neutral", "negative"):
        raise AuctionError(_l("Please choose a rating."), field="rating")
    if feedback_given(sale, user.id) is not None:
        raise AuctionError(_l("You have already rated this sale."))
    if rating == "negative" and now < negative_allowed_at(sale):
        raise AuctionError(_l("A negative rating can be given only after 3 days without "
                              "progress on the deal."), field="rating")
    comment = " ".join((comment or "").split())
    if len(comment) > MAX_COMMENT:
        raise AuctionError(_l("A comment has at most %(n)d characters.", n=MAX_COMMENT),
                           field="comment")
    other = sale.seller_id if role == "buyer" else sale.buyer_id
    feedback = Feedback(sale_id=sale.id, from_user_id=user.id, to_user_id=other, rating=rating,
                        comment=comment, automatic=False, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError:  # rated in the meantime (uq_feedback_sale_from)
        raise AuctionError(_l("You have already rated this sale.")) from None
    return feedback


def record_default_feedback(now):
    """Job: a rating not given within 30 days is recorded as positive (AUC-11)."""
    cutoff = now - FEEDBACK_DEFAULT_AFTER
    # Only sales still missing a rating: a sale both parties have rated is never locked again
    # (every old sale, once a minute, would hold the write lock ever longer).
    rated = select(func.count(Feedback.id)).where(Feedback.sale_id == Sale.id) \
        .correlate(Sale).scalar_subquery()
    sale_ids = db.session.scalars(select(Sale.id).where(Sale.created_at <= cutoff, rated < 2)
                                  .order_by(Sale.id)).all()
    count = 0
    for sale_id in sale_ids:
        begin_immediate(db.session)
        sale = db.session.get(Sale, sale_id, with_for_update=True, populate_existing=True)
        given = set(db.session.scalars(select(Feedback.from_user_id)
                                       .where(Feedback.sale_id == sale.id)))
        for giver, receiver in ((sale.buyer_id, sale.seller_id),
                                (sale.seller_id, sale.buyer_id)):
            if giver not in given:
                db.session.add(Feedback(sale_id=sale.id, from_user_id=giver,
                                        to_user_id=receiver, rating="positive", comment="",
                                        automatic=True, created_at=now))
                count += 1
        db.session.commit()
    return count


@dataclass(frozen=True)
class Score:
    """A member's feedback: the score is positives minus negatives."""

    positive: int
    neutral: int
    negative: int

    @property
    def score(self):
        return self.positive - self.negative

    @property
    def percent_positive(self):
        """Positives among positives and negatives, to one decimal, shown as people write a
        share: "100" and "50", not "100.0"; "66.7"."""
        rated = self.positive + self.negative
        if rated == 0:
            return None
        share = round(100 * self.positive / rated, 1)
        return int(share) if share.is_integer() else share


def feedback_score(user_id):
    """Counts of the ratings ``user_id`` has received."""
    row = db.session.execute(_score_statement(), dict(member=user_id)).one()
    return Score(*(int(v or 0) for v in row))


@cache
def _score_statement():
    """Built once per process: every auction page and member page shows a score."""
    return select(*(func.sum(case((Feedback.rating == rating, 1), else_=0))
                    for rating in ("positive", "neutral", "negative"))
                  ).where(Feedback.to_user_id == bindparam("member"))


def received_feedback(user_id, limit=20):
    """The latest ratings ``user_id`` received."""
    return db.session.scalars(select(Feedback).where(Feedback.to_user_id == user_id)
                              .options(selectinload(Feedback.from_user))
                              .order_by(Feedback.id.desc()).limit(limit)).all()

