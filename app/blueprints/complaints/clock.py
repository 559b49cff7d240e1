"""The complaint clock (CMP-2): a complaint is answered within 7 Thai business days.

Business days are Monday to Friday that are not Thai public holidays, including the
substitution days "in lieu" and one-off bridge holidays, as the maintained ``holidays``
package lists them (never a hand-written list). The due moment is the end of the 7th
business day after the filing day, in Bangkok time; it is stored in UTC.

The list is the package's default ("public") one, the calendar of private businesses and
banks, which is what a private marketplace's staff keep: Labour Day (1 May) is in it, as the
law gives private employees that day off although government offices open; days off for
government offices alone (the Royal Ploughing Ceremony) are not. Children's Day is in it but
is no day off: it is always a Saturday, with no day in lieu, so it never moves a due date.
"""
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import holidays

from app.i18n import BANGKOK, bangkok_today

#: Business days a complaint has for its answer (CMP-2).
ANSWER_DAYS = 7
#: Complaint statuses waiting for Talat's decision (``needs_info`` waits for the complainant).
OPEN_STATUSES = ("received",)


@lru_cache(maxsize=16)
def _thai_holidays(year):
    """Thai public holidays of one year (with in-lieu days), looked up once per year."""
    return frozenset(holidays.Thailand(years=year))


def is_holiday(day: date) -> bool:
    """True when ``day`` is a Thai public holiday or a substitution day for one."""
    return day in _thai_holidays(day.year)


def is_business_day(day: date) -> bool:
    """A weekday that is not a Thai public holiday."""
    return day.weekday() < 5 and not is_holiday(day)


def add_business_days(local_date: date, n: int) -> date:
    """The ``n``-th business day after ``local_date`` (the day itself never counts)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, counted = local_date, 0
    while counted < n:
        day += timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def _end_of_day_utc(day: date) -> datetime:
    """23:59:59 Bangkok time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=BANGKOK).astimezone(timezone.utc)


def due_date(filed_at_utc: datetime) -> date:
    """The Bangkok calendar date by which a complaint filed at ``filed_at_utc`` is answered."""
    return add_business_days(bangkok_today(filed_at_utc), ANSWER_DAYS)


def due_at(filed_at_utc: datetime) -> datetime:
    """The end (23:59:59 Bangkok) of the 7th business day after the filing day, in UTC."""
    return _end_of_day_utc(due_date(filed_at_utc))


def _business_days_between(start: date, end: date) -> int:
    """Business days in the half-open span (start, end]."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count


def business_days_left(due: datetime, now: datetime) -> int:
    """Business days left before ``due``: 0 on the due day itself, negative when late
    (at least -1 once the due moment has passed, even over a weekend)."""
    today = bangkok_today(now)
    due_day = bangkok_today(due)
    if now <= due:
        return _business_days_between(today, due_day)
    return -max(1, _business_days_between(due_day, today))


def extended_for_wait(due: datetime, asked_at: datetime, answered_at: datetime) -> datetime:
    """``due`` moved on by the business days the complaint waited for the complainant's
    information (after the day we asked, up to the day they answered): that wait is not
    ours, so it never makes our answer late."""
    waited = _business_days_between(bangkok_today(asked_at), bangkok_today(answered_at))
    if waited < 1:
        return due
    return _end_of_day_utc(add_business_days(bangkok_today(due), waited))


def is_late(complaint, now: datetime) -> bool:
    """A complaint waiting for our decision whose due moment has passed (CMP-2, CMP-5); one
    waiting for the complainant's information is not counted late meanwhile."""
    return complaint.status in OPEN_STATUSES and now > complaint.due_at


def decided_late(complaint) -> bool:
    """A complaint we decided after its due moment (CMP-5): not resolved in time, so the
    decision still points to the government's complaint centre, as the late notice did."""
    return complaint.decided_at is not None and complaint.decided_at > complaint.due_at
