"""Telling the complainant (CMP-5): the decision and its reasons, a question, a restored page
(or an accepted answer about a page another complaint still hides, and later that the last such
hold lifted),
and — once, when the due date passes undecided — that they may turn to the government's online
complaint centre (1212). Mails are queued in the caller's transaction, sent after commit."""
from sqlalchemy import select

from app.blueprints.complaints.texts import CENTRE_EMAIL, CENTRE_PHONE
from app.extensions import db
from app.models.complaints import Complaint
#: Statuses still waiting for Talat's answer (``needs_info`` waits for the complainant).
UNDECIDED = ("received",)


def status_url(complaint):
    """The absolute link to the complaint's status page (the e-mail is asked there)."""
    from app.urls import external_url

    return external_url("complaints.status", code=complaint.code)


def _locale(complaint):
    """The language the complainant filed in (a visitor has no account to say it)."""
    return complaint.locale or "th"


def _mail(complaint, template, **context):
    from app.mail import queue_mail

    return queue_mail(complaint.email, template, locale=_locale(complaint),
                      complaint=complaint, link=status_url(complaint), centre_phone=CENTRE_PHONE,
                      centre_email=CENTRE_EMAIL, **context)


def tell_complainant(complaint):
    """The decision (upheld or rejected) and its reasons; decided late, the pointer to the
    government's complaint centre too (CMP-5)."""
    from app.blueprints.complaints.clock import decided_late

    return _mail(complaint, "complaint_outcome", decided_late=decided_late(complaint))


def ask_complainant(complaint, question):
    """A moderator's question; they answer on the status page."""
    return _mail(complaint, "complaint_question", question=question)


def tell_restored(complaint, target, *, held=False, gone=False):
    """The owner's answer about a page the complaint had hidden was accepted: the page is
    published again, or, ``held`` by another upheld complaint, stays suspended for now, or,
    ``gone`` (its owner deleted it), is not published again."""
    template = ("complaint_restored_gone" if gone else
                "complaint_restored_held" if held else "complaint_restored")
    return _mail(complaint, template, target=target)


def tell_released(target, *, now, actor=None, gone=False):
    """The last upheld complaint holding ``target``'s page lifted and the page is published
    again: each complainant told earlier that it "stays suspended for now" (another complaint
    held it) is told so, by e-mail and on the status page, once. Returns how many. A page
    its owner deleted (``gone``) is not published: they are told that instead."""
    from app.blueprints.complaints.handling import add_event
    from app.blueprints.complaints.hiding import waiting_for_release

    waiting = waiting_for_release(target)
    for other in waiting:
        other.held_by_other = False
        # The page is named: a complaint may name several, each released on its own.
        add_event(other.complaint, "restored_gone" if gone else "released", other.url,
                  now=now, actor=actor)
        _mail(other.complaint, "complaint_restored_gone" if gone else "complaint_released",
              target=other)
    return len(waiting)


def is_overdue(complaint, now):
    """Past its due date without a decision (CMP-5)."""
    return complaint.status in UNDECIDED and complaint.due_at < now


def overdue_complaints(now, limit=500):
    """Undecided complaints past their due date whose complainant was not told yet."""
    return db.session.scalars(select(Complaint).where(
        Complaint.status.in_(UNDECIDED), Complaint.due_at < now,
        Complaint.overdue_notice_at.is_(None)).order_by(Complaint.due_at).limit(limit)).all()


def send_overdue_notices(now):
    """Tell each complainant once that the answer is late and where to turn (1212); an
    ``overdue`` step shows on the status page. Returns how many were told."""
    from app.blueprints.complaints.handling import add_event

    count = 0
    for complaint in overdue_complaints(now):
        complaint.overdue_notice_at = now
        add_event(complaint, "overdue", now=now)
        _mail(complaint, "complaint_overdue")
        count += 1
    return count
