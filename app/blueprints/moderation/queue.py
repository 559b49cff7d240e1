"""The review queue's core (MOD-7): raising items, claiming them, deciding them.

Every domain raises items here (``open_item``) and registers what a moderator can do with
each kind (``register_action``). Deciding an item runs the action's handler, closes the item,
writes the audit entry (MOD-10) and tells every open queue page that the queue changed.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.blueprints.moderation import audit, parties
from app.blueprints.moderation.errors import ModerationError
from app.extensions import db
from app.live import publish_after_commit
from app.models import ReviewItem

#: How long a claim keeps other moderators off an item.
CLAIM_MINUTES = 10
#: The live channel every queue page listens on.
QUEUE_CHANNEL = "moderation:queue"

KIND_LABELS = {
    "report": _l("Reports"),
    "prohibited_hold": _l("Prohibited-goods holds"),
    "shill_flag": _l("Shill-bid flags"),
    "explanation": _l("Explanations"),
    "lift_request": _l("Lift requests"),
    "appeal": _l("Appeals"),
    "shop_fakes": _l("Shops with fakes"),
    "strike_revoke": _l("Six strikes"),
    "reinstatement": _l("Reinstatement requests"),
    "complaint": _l("Complaints"),
}

#: An item's states, as the queue's filter and the audit log name them.
STATUS_LABELS = {"open": _l("Open"), "done": _l("Done")}


#: Decisions the site takes itself when a case is settled elsewhere (an explanation or lift
#: request closed because its sign was replaced or taken down on the item's page, an appeal
#: because its sanction was lifted, a "shop with fakes" because the shop was closed).
SYSTEM_DECISIONS = {
    "sign_replaced": _l("Closed: the sign was replaced"),
    "sign_ended": _l("Closed: the sign was taken down"),
    "sanction_lifted": _l("Closed: the sanction was lifted"),
    "shop_closed": _l("Closed: the shop was closed"),
}


@dataclass
class Action:
    """Something a moderator can do with an item of one kind.

    ``handler(item, moderator, form, now=..., ip=...)`` applies the effects through the
    domains' services and returns what it did: a sentence for the deciding moderator, or a
    :class:`Done`; it raises :class:`ModerationError` to refuse. ``fields`` names the form
    fields it reads (``reason``, ``sign``, ...); ``key`` is
    the keyboard shortcut on the queue page; ``bulk`` allows it on many items at once."""

    name: str
    label: object
    handler: object
    fields: tuple = ()
    key: str = ""
    bulk: bool = False
    style: str = ""
    closes: bool = True
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Done:
    """What an action did: ``said`` to the deciding moderator (in their language), and
    ``made``, codes of what it produced (``{"sanction_id": 12}``), kept in the decision's
    audit entry so the item leads to them."""

    said: str = ""
    made: dict = field(default_factory=dict)


_ACTIONS = {}
#: Keys the queue page's keyboard keeps for itself (static/js/queue.js): j/k move between
#: items, c claims, x selects for a bulk action, ? shows help. An action's key is never one.
RESERVED_KEYS = ("j", "k", "c", "x", "?")


def register_action(kind, action):
    """Make ``action`` available on items of ``kind`` (in registration order); its key
    must be its own on the item (not another action's, nor a reserved one)."""
    taken = {a.key for a in _ACTIONS.get(kind, ()) if a.name != action.name}
    if action.key and (action.key in RESERVED_KEYS or action.key in taken):
        raise ValueError(f"key {action.key!r} of {kind}.{action.name} is taken")
    _ACTIONS.setdefault(kind, [])
    _ACTIONS[kind] = [a for a in _ACTIONS[kind] if a.name != action.name] + [action]
    return action


def actions_for(kind):
    """The actions a moderator can take on an item of ``kind``."""
    return list(_ACTIONS.get(kind, ()))


def decision_labels():
    """``{(kind, decision): its name}`` for every decision an item can carry, in the
    reader's language: the queue shows decisions by name, never by code."""
    labels = {(kind, action.name): str(action.label)
              for kind, actions in _ACTIONS.items() for action in actions}
    system = {code: str(label) for code, label in SYSTEM_DECISIONS.items()}
    labels.update({(kind, code): label for kind in KIND_LABELS for code, label in
                   system.items()})
    return labels


def find_action(kind, name):
    """The action ``name`` on ``kind``, or a refusal."""
    for action in _ACTIONS.get(kind, ()):
        if action.name == name:
            return action
    raise ModerationError(_l("That action is not available for this item."))


def queue_changed():
    """Tell every open queue page, after commit, that counts and rows may have changed."""
    publish_after_commit(QUEUE_CHANNEL, "changed")


def open_item_for(kind, target_type, target_id):
    """The open item of ``kind`` on the target, if any."""
    return db.session.scalar(select(ReviewItem).where(
        ReviewItem.kind == kind, ReviewItem.target_type == target_type,
        ReviewItem.target_id == target_id, ReviewItem.status == "open"))


def open_item(kind, target_type, target_id, *, now, subject_user_id=None, source_id=None,
              summary="", report=False, excluded_moderator_id=None):
    """Raise an item, or return the open one already on this target (at most one open item
    per kind and target). ``report=True`` counts one more report on it."""
    item = open_item_for(kind, target_type, target_id)
    if item is None:
        item = ReviewItem(kind=kind, target_type=target_type, target_id=target_id,
                          subject_user_id=subject_user_id, source_id=source_id,
                          summary=(summary or "")[:300], created_at=now, updated_at=now,
                          excluded_moderator_id=excluded_moderator_id,
                          report_count=1 if report else 0)
        try:
            with db.session.begin_nested():
                db.session.add(item)
                db.session.flush()
        except IntegrityError:
            # Another request raised it at the same moment: count on theirs.
            item = open_item_for(kind, target_type, target_id)
            if item is None:
                raise
            if report:
                _count_report(item, now)
    else:
        if report:
            _count_report(item, now)
        elif source_id is not None:
            item.source_id = source_id
            item.updated_at = now
    queue_changed()
    return item


def _count_report(item, now):
    db.session.execute(update(ReviewItem).where(ReviewItem.id == item.id).values(
        report_count=ReviewItem.report_count + 1, updated_at=now))
    db.session.refresh(item)


def claim_holder(item, now):
    """The moderator id whose claim on ``item`` is still running, or None."""
    if item.claimed_by_id and item.claimed_until and item.claimed_until > now:
        return item.claimed_by_id
    return None


#: Kinds whose decisions check every party to the case themselves (with their own words).
PARTY_CHECKED_KINDS = ("complaint", "counter", "ip_request")


#: Kinds of item whose subject must not even see them: an IP-address request names the member
#: it accuses, who must not learn of it from the queue (CMP-6), moderator or not.
HIDDEN_FROM_SUBJECT = ("ip_request",)


def hidden_from(item, user_id):
    """Whether ``item`` is kept out of this moderator's sight (:data:`HIDDEN_FROM_SUBJECT`)."""
    return item.kind in HIDDEN_FROM_SUBJECT and item.subject_user_id == user_id


def seen_by(user_id):
    """The condition on :class:`ReviewItem` of :func:`hidden_from`, negated, for queries."""
    return or_(ReviewItem.kind.not_in(HIDDEN_FROM_SUBJECT), ReviewItem.subject_user_id.is_(None),
               ReviewItem.subject_user_id != user_id)


def check_may_work(item, moderator, now):
    """Refuse when the item is closed, claimed by someone else, about this moderator, or
    barred to them (the one who sanctioned may not decide the appeal: MOD-9)."""
    if item.status != "open":
        raise ModerationError(_l("This item has already been decided."))
    holder = claim_holder(item, now)
    if holder is not None and holder != moderator.id:
        raise ModerationError(_l("Another moderator is working on this item."))
    barred = barred_reason(item, moderator, took_part=parties.took_part(
        moderator.id, item.target_type, item.target_id))
    if barred is not None:
        raise ModerationError(barred)


def barred_reason(item, moderator, target=None, took_part=False):
    """Why ``moderator`` may not work on ``item`` whoever holds it, or None: it is about them,
    or it appeals their own decision (MOD-9), or (``target``, the row's loaded target) they
    are one of the parties it names (``queue_party_ids``: a complaint's complainant and every
    page owner), whom its decision refuses with ``queue_party_reason``, or they ``took_part``
    in its item's trade (:mod:`.parties`, asked for a whole page at once). The queue row says
    so instead of offering the actions."""
    # (Complaints and IP-address requests name their parties more fully and refuse them.)
    if item.subject_user_id == moderator.id and item.kind not in PARTY_CHECKED_KINDS:
        return _l("This item is about you: another moderator must decide it.")
    if item.excluded_moderator_id == moderator.id:
        return _l("You took the decision under appeal; another moderator must decide this "
                  "appeal.")
    if target is not None and moderator.id in getattr(target, "queue_party_ids", ()):
        return target.queue_party_reason
    if took_part:
        return parties.TOOK_PART
    return None


def claim(item, moderator, *, now, ip=""):
    """Claim ``item`` for ``CLAIM_MINUTES`` so other moderators leave it alone."""
    check_may_work(item, moderator, now)
    before = {"claimed_by_id": item.claimed_by_id}
    item.claimed_by_id = moderator.id
    item.claimed_until = now + timedelta(minutes=CLAIM_MINUTES)
    audit.record(moderator, "queue.claim", "review_item", item.id, before=before,
                 after={"claimed_by_id": moderator.id}, now=now, ip=ip)
    queue_changed()


def release(item, moderator, *, now, ip=""):
    """Give up a claim (only its holder can)."""
    if item.claimed_by_id != moderator.id:
        return
    item.claimed_by_id = None
    item.claimed_until = None
    audit.record(moderator, "queue.release", "review_item", item.id,
                 before={"claimed_by_id": moderator.id}, after={"claimed_by_id": None},
                 now=now, ip=ip)
    queue_changed()


def close_item(item, moderator, decision, note="", *, now, ip="", made=None):
    """Mark ``item`` done with ``decision`` and write the audit entry (with ``made``, what
    the decision produced)."""
    before = {"status": item.status, "decision": item.decision}
    item.status = "done"
    item.decision = decision
    item.decision_note = note or ""
    item.decided_by_id = moderator.id if moderator is not None else None
    item.decided_at = now
    item.updated_at = now
    item.claimed_by_id = None
    item.claimed_until = None
    audit.record(moderator, f"queue.{decision}", "review_item", item.id, before=before,
                 after={"status": "done", "decision": decision, **(made or {})}, note=note,
                 now=now, ip=ip)
    queue_changed()


def typed_note(form):
    """What the moderator typed as a decision's reason or note (whitespace collapsed): the
    note an item keeps. The decision itself is kept as a code and named in each reader's
    language; a sentence drawn in the deciding moderator's language is never stored."""
    return " ".join((form.get("reason") or form.get("note") or "").split())[:2000]


def decide(item, moderator, action_name, form, *, now, ip=""):
    """Run ``action_name`` on ``item`` with the submitted ``form`` values; returns what the
    action says it did, for the moderator who decided (in their language). Everything
    happens in the caller's transaction; nothing is committed here."""
    check_may_work(item, moderator, now)
    action = find_action(item.kind, action_name)
    done = action.handler(item, moderator, form, now=now, ip=ip) or ""
    if not isinstance(done, Done):
        done = Done(str(done))
    if action.closes and item.status == "open":
        close_item(item, moderator, action.name, typed_note(form), now=now, ip=ip,
                   made=done.made)
    return done.said


def close_open_items(target_type, target_id, moderator, decision, *, now, kinds=None, ip=""):
    """Close every open item on a target (say, after the target was dealt with elsewhere)."""
    query = select(ReviewItem).where(ReviewItem.target_type == target_type,
                                     ReviewItem.target_id == target_id,
                                     ReviewItem.status == "open")
    if kinds:
        query = query.where(ReviewItem.kind.in_(kinds))
    for item in db.session.scalars(query).all():
        close_item(item, moderator, decision, now=now, ip=ip)


def open_counts(viewer_id):
    """``{kind: number of open items}`` for the navigation of moderator ``viewer_id``: only
    the items they can see (:func:`seen_by`), or the count would tell a moderator that an
    IP-address request about them is waiting (CMP-6)."""
    rows = db.session.execute(select(ReviewItem.kind, func.count(ReviewItem.id))
                              .where(ReviewItem.status == "open", seen_by(viewer_id))
                              .group_by(ReviewItem.kind)).all()
    return {kind: count for kind, count in rows}
