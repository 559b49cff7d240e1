"""Repeat offenders and abusive complainants (CMP-4).

An owner with ``complaints.suspend_after`` distinct pages suspended by upheld complaints is
suspended through the moderation sanctions (which notify them): pages are counted, not
complaints, so complaints repeated about one page make one offence. Pages restored after a
counter-statement do not count. A complainant whose complaints were rejected
as unfounded ``complaints.restrict_after`` times may be restricted by a moderator; a restricted
e-mail address cannot file new complaints until the restriction is lifted or runs out."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from app import standard_texts
from app.blueprints.complaints import settings
from app.blueprints.complaints.errors import ComplaintError
from app.extensions import db
from app.permissions import staff_role
from app.models import Sanction
from app.models.complaints import ComplainantRestriction, Complaint, ComplaintTarget

#: The rule a CMP-4 suspension names.
RULE = "CMP-4"
#: Why a CMP-4 suspension is lifted when restored pages take the count under the limit (read
#: in the owner's language).
LIFTED = _l("The pages behind this suspension no longer reach the limit: a moderator accepted "
            "your counter-statement and the page no longer counts.")
standard_texts.register(LIFTED)


def _email(email):
    return (email or "").strip().lower()


def active_restriction(email, now):
    """The restriction in force on ``email``, or None."""
    return db.session.scalar(select(ComplainantRestriction).where(
        ComplainantRestriction.email == _email(email),
        ComplainantRestriction.lifted_at.is_(None),
        or_(ComplainantRestriction.until.is_(None), ComplainantRestriction.until > now)))


def check_may_complain(email, now):
    """Refuse (:class:`ComplaintError` on ``email``) a complainant who is restricted."""
    if active_restriction(email, now) is not None:
        raise ComplaintError(_l(
            "We cannot accept new complaints from this e-mail address at the moment, because "
            "earlier complaints from it were found to be unfounded. If you think this is a "
            "mistake, please contact us through the help centre."), field="email")


def unfounded_count(email):
    """How many complaints from ``email`` were rejected as unfounded."""
    return db.session.scalar(select(func.count(Complaint.id)).where(
        Complaint.email == _email(email), Complaint.status == "rejected",
        Complaint.unfounded.is_(True))) or 0


def unfounded_counts(emails):
    """``{email: complaints rejected as unfounded}`` for many addresses in one query."""
    return dict(db.session.execute(
        select(Complaint.email, func.count(Complaint.id))
        .where(Complaint.email.in_({_email(e) for e in emails}),
               Complaint.status == "rejected", Complaint.unfounded.is_(True))
        .group_by(Complaint.email)).all()) if emails else {}


def restricted(emails, now):
    """Which of ``emails`` are restricted now, in one query."""
    return set(db.session.scalars(select(ComplainantRestriction.email).where(
        ComplainantRestriction.email.in_({_email(e) for e in emails}),
        ComplainantRestriction.lifted_at.is_(None),
        or_(ComplainantRestriction.until.is_(None), ComplainantRestriction.until > now)))) \
        if emails else set()


def may_restrict(email, now):
    """Whether a moderator may restrict ``email``: enough unfounded complaints, not already
    restricted."""
    return (unfounded_count(email) >= settings.get_int("complaints.restrict_after")
            and active_restriction(email, now) is None)


def restrict(email, moderator, reason, *, now, ip="", days=None):
    """Restrict ``email`` from filing complaints (until lifted, or for ``days``); audited."""
    from app.blueprints.moderation import audit

    email = _email(email)
    if not may_restrict(email, now):
        raise ComplaintError(_l("This complainant cannot be restricted: not enough complaints "
                                "were rejected as unfounded, or a restriction is in force."))
    reason = (reason or "").strip()[:2000]
    until = now + timedelta(days=days) if days else None
    values = dict(reason=reason, until=until, created_by_id=moderator.id, created_at=now,
                  lifted_at=None)
    row = db.session.scalar(select(ComplainantRestriction).where(
        ComplainantRestriction.email == email))
    if row is None:
        row = ComplainantRestriction(email=email, **values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.flush()
    audit.record(moderator, "complainant.restrict", "complainant", row.id,
                 before={}, after={"email": email, "until": until}, note=reason, now=now,
                 ip=ip)
    return row


def lift(restriction, moderator, *, now, ip=""):
    """Lift a complainant restriction; audited."""
    from app.blueprints.moderation import audit

    if restriction.lifted_at is not None:
        raise ComplaintError(_l("This restriction has already been lifted."))
    restriction.lifted_at = now
    audit.record(moderator, "complainant.lift", "complainant", restriction.id,
                 before={"lifted_at": None}, after={"lifted_at": now}, now=now, ip=ip)
    return restriction


def upheld_count(owner_id):
    """How many distinct pages of ``owner_id`` an upheld complaint still hides or keeps
    hidden. Several complaints about one page (the same complainant twice, or many rights
    holders about one listing) are one offence; restored pages do not count."""
    pages = (select(ComplaintTarget.target_type, ComplaintTarget.target_id)
             .join(Complaint, Complaint.id == ComplaintTarget.complaint_id)
             .where(Complaint.status == "upheld", ComplaintTarget.owner_id == owner_id,
                    ComplaintTarget.outcome.in_(("hidden", "kept")))
             .distinct().subquery())
    return db.session.scalar(select(func.count()).select_from(pages)) or 0


def _cmp4_running(user_id, now):
    return select(Sanction).where(
        Sanction.user_id == user_id, Sanction.kind == "suspension", Sanction.rule == RULE,
        Sanction.lifted_at.is_(None), or_(Sanction.ends_at.is_(None), Sanction.ends_at > now))


def suspend_if_repeated(owner, moderator, *, now, ip=""):
    """Suspend ``owner`` (CMP-4) once their pages with upheld complaints reach the admin's
    threshold, unless a CMP-4 suspension already runs or they are staff. Returns the sanction
    or None."""
    from app.blueprints.moderation.sanctions import impose

    if owner is None or staff_role(owner) != "member" or db.session.scalar(
            _cmp4_running(owner.id, now).limit(1)) is not None:
        return None
    count = upheld_count(owner.id)
    threshold = settings.get_int("complaints.suspend_after")
    if count < threshold:
        return None
    days = settings.get_int("complaints.suspend_days")
    facts = ngettext("%(num)d of your pages was suspended after upheld complaints (the limit "
                     "is %(limit)d pages).", "%(num)d of your pages were suspended after "
                     "upheld complaints (the limit is %(limit)d pages).", count, limit=threshold)
    return impose(owner, "suspension", moderator, rule=RULE, facts=facts, now=now, ip=ip,
                  ends_at=now + timedelta(days=days), automatic=True)


def lift_if_no_longer_repeated(owner, moderator, *, now, ip=""):
    """Lift ``owner``'s running CMP-4 suspension once pages restored after their
    counter-statements take the count under the threshold: the suspension was imposed by the
    count alone, so it ends with it (audited, the owner notified). One a moderator imposed by
    hand under CMP-4 stays. Returns what was lifted."""
    from app.blueprints.moderation.sanctions import lift

    if owner is None or staff_role(owner) != "member":
        return []
    running = db.session.scalars(_cmp4_running(owner.id, now).where(
        Sanction.automatic.is_(True))).all()
    if not running or upheld_count(owner.id) >= settings.get_int("complaints.suspend_after"):
        return []
    for sanction in running:
        lift(sanction, moderator, str(LIFTED), now=now, ip=ip)
    return running
