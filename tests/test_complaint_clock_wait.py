"""CMP-2: the 7 business days are ours to answer; the days a complaint waits for the
complainant's information (after a moderator asks) move the due date on, so an answer
that comes late never makes the complaint late (nor sends the 1212 e-mail) at once."""
from datetime import date, datetime, time, timezone

import pytest

from app.blueprints.complaints import clock, intake
from app.blueprints.complaints.outcome import overdue_complaints
from app.extensions import db
from app.i18n import BANGKOK
from app.models.complaints import ComplaintEvent

pytestmark = pytest.mark.usefixtures("english")


def bkk(y, m, d, hh=10):
    return datetime(y, m, d, hh, 0, tzinfo=BANGKOK).astimezone(timezone.utc)


def end_of(day):
    return datetime.combine(day, time(23, 59, 59), tzinfo=BANGKOK).astimezone(timezone.utc)


def test_cmp2_waiting_for_the_complainant_moves_the_due_date():
    """Due Wed 18 Mar 2026; asked Fri 13, answered Fri 20: five business days of waiting
    (16-20 March), due Wed 25 March. An answer the same day changes nothing."""
    due = end_of(date(2026, 3, 18))
    assert clock.extended_for_wait(due, bkk(2026, 3, 13), bkk(2026, 3, 20)) == \
        end_of(date(2026, 3, 25))
    assert clock.extended_for_wait(due, bkk(2026, 3, 13, 9), bkk(2026, 3, 13, 18)) == due
    # Over Songkran 2026 (13-15 April): asked Thu 9, answered Thu 16 = 10, 16 April waited.
    due = end_of(date(2026, 4, 17))
    assert clock.extended_for_wait(due, bkk(2026, 4, 9), bkk(2026, 4, 16)) == \
        end_of(date(2026, 4, 21))


def test_cmp2_information_sent_after_the_due_date_is_not_late_at_once(app, make_listing):
    listing = make_listing()
    filed = bkk(2026, 3, 9)
    complaint = intake.file_complaint(
        {"name": "Somchai Rakdee", "email": "holder@brand.example", "role": "holder",
         "kind": "trademark", "description": "Our registered mark is used on fakes.",
         "good_faith": True, "accurate": True, "signature": "Somchai Rakdee",
         "urls": [f"/listings/{listing.id}"]}, [], now=filed)
    assert complaint.due_at == end_of(date(2026, 3, 18))
    complaint.status = "needs_info"
    db.session.add(ComplaintEvent(complaint_id=complaint.id, step="info_requested",
                                  note="Send the registration.", at=bkk(2026, 3, 13)))
    db.session.commit()
    answered = bkk(2026, 3, 20)
    intake.add_information(complaint, "Registration no. 123456.", [], now=answered)
    db.session.commit()
    assert complaint.status == "received"
    assert complaint.due_at == end_of(date(2026, 3, 25))
    assert not clock.is_late(complaint, answered)
    assert complaint not in overdue_complaints(answered)
    assert clock.is_late(complaint, bkk(2026, 3, 26))
