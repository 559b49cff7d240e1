"""What a moderator does with complaints and counter-statements in the review queue (CMP-2,
CMP-3, CMP-4): uphold, reject, ask for more, restrict an abusive complainant; restore a page
or keep it hidden after the owner's answer. Also what their queue rows show, loaded in a few
batched queries (registered with ``queue_data.TARGET_LOADERS``)."""
from dataclasses import dataclass, field

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.complaints import clock, counter, handling, hiding, repeat, settings
from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.complaints.texts import KIND_LABELS as COMPLAINT_KIND_LABELS
from app.blueprints.complaints.texts import STAFF_STATUS_LABELS
from app.blueprints.moderation import queue_data
from app.blueprints.moderation.queue import KIND_LABELS, Action, register_action
from app.database import utcnow
from app.extensions import db
from app.models import User
from app.models.complaints import (Complaint, ComplaintEvidence, CounterStatement)

KIND_LABELS.setdefault("counter_statement", _l("Counter-statements"))

ROLE_LABELS = {"holder": _l("rights holder"), "agent": _l("acting for the rights holder")}
FIELD_LABELS = {"reason": _l("Reason (the owner and complainant read it)"),
                "rule": _l("Rule broken (e.g. SHOP-4)"),
                "question": _l("Question for the complainant"),
                "unfounded": _l("Unfounded?"),
                "note": _l("Why (kept in the audit log)")}
REJECT_LABELS = dict(FIELD_LABELS, reason=_l("Reason (the complainant reads it)"))
KEEP_LABELS = dict(FIELD_LABELS, reason=_l("Reason (the owner reads it)"))
RESTORE_LABELS = dict(FIELD_LABELS, reason=_l("Note for the owner and complainant (optional)"))


@dataclass
class ComplaintView:
    """What a complaint's queue row shows besides the complaint itself."""

    kind_label: str = ""
    role_label: str = ""
    status_label: str = ""
    days_left: int = 0
    late: bool = False
    targets: list = field(default_factory=list)   # (ComplaintTarget, object or None)
    owners: dict = field(default_factory=dict)    # {user id: User} of the pages' owners
    evidence: list = field(default_factory=list)
    unfounded: int = 0
    may_restrict: bool = False
    statement: object = None                      # the counter-statement, on its rows

    @property
    def owner_count(self):
        """How many members own the pages named (the decision tells each about theirs)."""
        return len({t.owner_id for t, _page in self.targets if t.owner_id})

    def key(self):
        """What the cached row depends on beyond the complaint's own columns."""
        return (self.days_left, self.late, self.unfounded, self.may_restrict,
                tuple((t.id, t.outcome, t.held_by_other, getattr(o, "status", None),
                       getattr(o, "hidden_at", None)) for t, o in self.targets),
                tuple((u.id, u.display_name) for u in self.owners.values()),
                tuple(e.id for e in self.evidence))


def _evidence(complaint_ids):
    """Evidence files by complaint id, and counter-statement files by statement id."""
    of_complaint, of_statement = {}, {}
    for entry in db.session.scalars(select(ComplaintEvidence).where(
            ComplaintEvidence.complaint_id.in_(complaint_ids)).order_by(ComplaintEvidence.id)):
        if entry.counter_statement_id is None:
            of_complaint.setdefault(entry.complaint_id, []).append(entry)
        else:
            of_statement.setdefault(entry.counter_statement_id, []).append(entry)
    return of_complaint, of_statement


def _views(complaints, now):
    """Attach a :class:`ComplaintView` (``queue_view``) and ``queue_key`` to each complaint,
    in a fixed number of queries however many rows. Returns the counter-statement files."""
    evidence, statement_files = _evidence([c.id for c in complaints])
    pages = hiding.target_objects([t for c in complaints for t in c.targets])
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(
        {t.owner_id for c in complaints for t in c.targets if t.owner_id})))}
    emails = {c.email for c in complaints}
    unfounded = repeat.unfounded_counts(emails)
    restricted = repeat.restricted(emails, now)
    threshold = settings.get_int("complaints.restrict_after")
    for complaint in complaints:
        count = unfounded.get(complaint.email, 0)
        view = ComplaintView(kind_label=str(COMPLAINT_KIND_LABELS.get(complaint.kind, "")),
                             role_label=str(ROLE_LABELS.get(complaint.role, "")),
                             status_label=str(STAFF_STATUS_LABELS.get(complaint.status, "")),
                             days_left=clock.business_days_left(complaint.due_at, now),
                             late=complaint.status == "received" and complaint.due_at < now,
                             unfounded=count,
                             may_restrict=count >= threshold
                             and complaint.email not in restricted)
        view.targets = [(t, pages.get((t.target_type, t.target_id))) for t in complaint.targets]
        view.owners = {t.owner_id: people[t.owner_id] for t in complaint.targets
                       if t.owner_id in people}
        view.evidence = evidence.get(complaint.id, [])
        complaint.queue_view = view
        complaint.queue_key = view.key()
        # The row shows the record of every owner the decision acts on, not only the first
        # page's (queue_data reads this).
        complaint.queue_owner_ids = tuple(view.owners)
        _name_parties(complaint, {complaint.complainant_id}
                      | {t.owner_id for t in complaint.targets})
    return statement_files


def _name_parties(target, ids):
    """The members a row's decision refuses (:data:`PARTY`): the row tells them so instead of
    offering its actions (``queue.barred_reason``)."""
    target.queue_party_ids = frozenset(i for i in ids if i)
    target.queue_party_reason = PARTY


def _complaints(ids):
    complaints = db.session.scalars(select(Complaint).where(Complaint.id.in_(ids)).options(
        selectinload(Complaint.targets))).all()
    return complaints, _views(complaints, utcnow())


def load_complaints(ids):
    """Complaints for queue rows, by id."""
    complaints, _files = _complaints(ids)
    return {c.id: c for c in complaints}


def load_statements(ids):
    """Counter-statements for queue rows, by id, each with its complaint (and its view) and
    its evidence files."""
    statements = db.session.scalars(select(CounterStatement).where(
        CounterStatement.id.in_(ids)).options(selectinload(CounterStatement.target))).all()
    complaints, files = _complaints({s.complaint_id for s in statements})
    by_id = {c.id: c for c in complaints}
    for statement in statements:
        statement.complaint = by_id.get(statement.complaint_id)
        statement.files = files.get(statement.id, [])
        _name_parties(statement, {statement.author_id}
                      | set(getattr(statement.complaint, "queue_party_ids", ())))
        statement.queue_key = (getattr(statement.complaint, "queue_key", None),
                               statement.target.outcome, tuple(f.id for f in statement.files))
    return {s.id: s for s in statements}


queue_data.TARGET_LOADERS["complaint"] = load_complaints
queue_data.TARGET_LOADERS["counter"] = load_statements


PARTY = _l("You are a party to this complaint (you filed it, or a page it names is "
            "yours); another moderator must decide it.")


def _complaint(item, moderator):
    """The item's complaint; refused to a moderator who filed it or owns a page it names."""
    complaint = db.session.get(Complaint, item.target_id)
    if complaint is None:
        raise ComplaintError(_l("This complaint no longer exists."))
    if moderator.id == complaint.complainant_id or any(
            t.owner_id == moderator.id for t in complaint.targets):
        raise ComplaintError(PARTY)
    return complaint


def upheld_note(pages, owners):
    """What the moderator reads after upholding: how many pages were hidden, and that each
    owner was told about their own pages only (CMP-3)."""
    if owners > 1:  # then there are several pages too
        return gettext("Complaint upheld: its %(pages)d pages are hidden, and each of their "
                       "%(owners)d owners is told about their own pages only.",
                       pages=pages, owners=owners)
    return ngettext("Complaint upheld: its page is hidden and its owner told.",
                    "Complaint upheld: its %(num)d pages are hidden and their owner told.",
                    pages)


def _uphold(item, moderator, form, *, now, ip=""):
    complaint = _complaint(item, moderator)
    handling.uphold(complaint, moderator, form.get("reason"), form.get("rule"), now=now, ip=ip)
    return upheld_note(len(complaint.targets),
                       len({t.owner_id for t in complaint.targets if t.owner_id}))


def _reject(item, moderator, form, *, now, ip=""):
    complaint = _complaint(item, moderator)
    unfounded = form.get("unfounded") == "yes"
    handling.reject(complaint, moderator, form.get("reason"), unfounded=unfounded, now=now,
                    ip=ip)
    return str(_l("Complaint rejected as unfounded.") if unfounded
               else _l("Complaint rejected."))


def _ask(item, moderator, form, *, now, ip=""):
    handling.ask_for_more(_complaint(item, moderator), moderator, form.get("question"),
                          now=now, ip=ip)
    return str(_l("Question sent; the complaint comes back when the complainant answers."))


def _restrict(item, moderator, form, *, now, ip=""):
    complaint = _complaint(item, moderator)
    reason = (form.get("note") or "").strip() or str(_l("Repeated unfounded complaints."))
    repeat.restrict(complaint.email, moderator, reason, now=now, ip=ip)
    return str(_l("This complainant can no longer file complaints until the restriction is "
                  "lifted."))


def _may_restrict_now(complaint):
    """Whether a complaint's row offers "Restrict the complainant": only when enough of the
    complainant's complaints were rejected as unfounded and no restriction is in force (what
    ``repeat.restrict`` checks), so the button is not offered where it is always refused."""
    view = getattr(complaint, "queue_view", None)
    return bool(view is not None and view.may_restrict)


def _statement(item, moderator):
    """The item's counter-statement; refused to a moderator who is a party to it."""
    statement = db.session.get(CounterStatement, item.target_id)
    if statement is None:
        raise ComplaintError(_l("This counter-statement no longer exists."))
    complaint = db.session.get(Complaint, statement.complaint_id)
    if moderator.id in (statement.author_id, complaint.complainant_id) or any(
            t.owner_id == moderator.id for t in complaint.targets):
        raise ComplaintError(PARTY)
    return statement


def _restore(item, moderator, form, *, now, ip=""):
    statement = counter.decide(_statement(item, moderator), moderator, "restored",
                               form.get("reason"), now=now, ip=ip)
    target = statement.target
    if getattr(statement, "gone", False):
        said = str(_l("Counter-statement accepted, but the owner deleted the page, so it is "
                      "not published again; the owner and the complainant are told."))
    elif hiding.hidden_by_complaint(target.target_type, target.target_id):
        said = str(_l("Counter-statement accepted, but another upheld complaint still hides "
                      "the page; the owner and the complainant are told."))
    else:
        said = str(_l("Page published again; the owner and the complainant are told."))
    if getattr(statement, "lifted", None):
        said += " " + str(_l("The owner's pages no longer reach the limit: their CMP-4 "
                             "suspension is lifted, and they are told."))
    return said


def _keep(item, moderator, form, *, now, ip=""):
    counter.decide(_statement(item, moderator), moderator, "kept", form.get("reason"),
                   now=now, ip=ip)
    return str(_l("Page stays hidden; the owner is told."))


# The default names what it means (a double negative read, in Thai, "founded" beside Reject).
UNFOUNDED_CHOICES = (("", _l("Filed in good faith: not counted against the complainant")),
                     ("yes", _l("Unfounded: counts towards restricting the complainant")))

register_action("complaint", Action("uphold", _l("Uphold and hide"), _uphold,
                                    fields=("reason", "rule"), key="u", style="danger",
                                    extra={"labels": FIELD_LABELS,
                                           "required": ("reason", "rule"), "maxlength": {
                                        "reason": handling.MAX_TEXT,
                                        "rule": handling.MAX_RULE}}))
register_action("complaint", Action("reject", _l("Reject"), _reject,
                                    fields=("reason", "unfounded"), key="r",
                                    extra={"labels": REJECT_LABELS, "required": ("reason",),
                                           "choices": {"unfounded": UNFOUNDED_CHOICES}}))
register_action("complaint", Action("ask", _l("Ask for more"), _ask, fields=("question",),
                                    key="m", extra={"labels": FIELD_LABELS,
                                                    "required": ("question",)}))
register_action("complaint", Action("restrict", _l("Restrict the complainant"), _restrict,
                                    fields=("note",), closes=False,
                                    extra={"labels": FIELD_LABELS,
                                           "offered": _may_restrict_now}))
register_action("counter_statement", Action("restore", _l("Restore the page"), _restore,
                                            fields=("reason",), key="o", style="primary",
                                            extra={"labels": RESTORE_LABELS}))
register_action("counter_statement", Action("keep", _l("Keep hidden"), _keep,
                                            fields=("reason",), key="p",
                                            extra={"labels": KEEP_LABELS}))
