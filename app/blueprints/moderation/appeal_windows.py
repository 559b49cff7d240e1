"""How long a sanctioned member may appeal (MOD-9): 15 days after the sanction, not counting
the days a suspension or closure by another sanction kept them from appealing it (ACC-5 then
lets them appeal only that one). Read together, the two rules gave a member suspended for
longer than 15 days no way to appeal a sanction imposed with the suspension."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Sanction

#: MOD-9: how long a sanctioned member may appeal.
APPEAL_DAYS = 15
#: Sanctions that keep the member from acting: appealing them stays possible (ACC-5).
RESTRICTING = ("suspension", "closure")


def restriction_periods(sanctions):
    """The member's suspensions and closures among ``sanctions`` (ACC-5), for appeal windows
    (:func:`appeal_deadline`): ``(sanction id, imposed, end given, lifted)``, the last two
    None when there is none."""
    return [(sanction.id, sanction.created_at, sanction.ends_at, sanction.lifted_at)
            for sanction in sanctions if sanction.kind in RESTRICTING]


def _span(period, sanction):
    """How long the restriction ``period`` holds back an appeal against ``sanction``: from
    its imposing to the end it was given, even when lifted sooner, for a sanction imposed
    before the lift (the last day its notice told never moves earlier); to the lift for one
    imposed after it; with no end (None) while an endless one runs."""
    _id, start, given_end, lifted = period
    if lifted is not None and (given_end is None or lifted <= sanction.created_at):
        return start, lifted
    return start, given_end


def member_restriction_periods(user_id):
    """:func:`restriction_periods` of member ``user_id``, read from the database."""
    return restriction_periods(db.session.scalars(select(Sanction).where(
        Sanction.user_id == user_id, Sanction.kind.in_(RESTRICTING))))


def appeal_deadline(sanction, restricted=()):
    """The last moment an appeal against ``sanction`` is taken (MOD-9): 15 days after it
    was imposed, not counting the time the member was suspended or closed by another sanction
    (``restricted``: :func:`restriction_periods` of their sanctions), since ACC-5 then let
    them appeal only that one: a suspension longer than 15 days no longer took away the
    right to appeal a sanction imposed with it. None while such a restriction with no end
    runs (a closure): the days left resume when it is lifted."""
    left = timedelta(days=APPEAL_DAYS)
    moment = sanction.created_at
    for start, end in _blocked(sanction, restricted):
        if end is not None and end <= moment:
            continue
        start = max(start, moment)
        if start - moment >= left:
            break
        left -= start - moment
        if end is None:
            return None
        moment = end
    return moment + left


def _blocked(sanction, restricted):
    """The spans, in order and merged, in which ACC-5 kept the member from appealing
    ``sanction``: those of the other restrictions, less the span of ``sanction`` itself when
    it is one (a running suspension may always be appealed)."""
    spans = sorted((_span(period, sanction) for period in restricted
                    if period[0] != sanction.id), key=lambda span: span[0])
    merged = []
    for start, end in spans:
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, None if end is None or last_end is None
                          else max(last_end, end))
        else:
            merged.append((start, end))
    if sanction.kind not in RESTRICTING:
        return merged
    return _less(merged, *_span(restriction_periods([sanction])[0], sanction))


def _less(spans, start, end):
    """``spans`` without the span ``start`` … ``end`` (None: no end)."""
    left = []
    for span_start, span_end in spans:
        if span_end is not None and span_end <= start or end is not None and span_start >= end:
            left.append((span_start, span_end))
            continue
        if span_start < start:
            left.append((span_start, start))
        if end is not None and (span_end is None or span_end > end):
            left.append((end, span_end))
    return left
