"""CMP-2: the complaint clock counts 7 Thai business days, skipping weekends and Thai public
holidays (from the maintained ``holidays`` package), and ends at 23:59:59 Bangkok time."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from app.blueprints.complaints import clock
from app.i18n import BANGKOK


def bkk(*args):
    """An aware UTC datetime for a Bangkok wall-clock time."""
    return datetime(*args, tzinfo=BANGKOK).astimezone(timezone.utc)


def end_of(day):
    return bkk(day.year, day.month, day.day, 23, 59, 59)


def test_cmp2_thai_holidays_come_from_the_library():
    """Songkran, New Year, the 2 January 2026 bridge day and an in-lieu day are holidays."""
    for day in (date(2026, 4, 13), date(2026, 4, 14), date(2026, 4, 15),
                date(2027, 4, 13), date(2027, 4, 15), date(2026, 1, 1), date(2026, 1, 2),
                date(2026, 12, 31), date(2027, 1, 1), date(2026, 12, 7)):
        assert clock.is_holiday(day), day
        assert not clock.is_business_day(day), day
    assert clock.is_business_day(date(2026, 4, 16))
    assert not clock.is_business_day(date(2026, 4, 18))  # a Saturday
    assert not clock.is_business_day(date(2026, 4, 19))  # a Sunday


def test_cmp2_plain_week_is_seven_weekdays():
    """Filed on Monday 9 March 2026: due Wednesday 18 March (weekend skipped)."""
    assert clock.due_at(bkk(2026, 3, 9, 10, 0)) == end_of(date(2026, 3, 18))


def test_cmp2_makha_bucha_in_lieu_day_is_skipped():
    """Makha Bucha 2027 falls on Sunday 21 February; Monday 22 February is the day in lieu.
    Filed Friday 19 February 2027: day 1 is Tuesday 23, the 7th is Wednesday 3 March."""
    assert clock.add_business_days(date(2027, 2, 19), 7) == date(2027, 3, 3)


def test_cmp2_due_date_skips_songkran_2026_friday_evening():
    """Filed Friday 10 April 2026 in the evening: Songkran Mon–Wed 13–15 April is skipped,
    so the 7th business day is Friday 24 April."""
    assert clock.due_at(bkk(2026, 4, 10, 19, 30)) == end_of(date(2026, 4, 24))


def test_cmp2_due_date_skips_songkran_2027():
    """Filed Monday 12 April 2027: Tue–Thu 13–15 April are holidays; Friday 16 is day 1 and
    the 7th is Monday 26 April."""
    assert clock.add_business_days(date(2027, 4, 12), 7) == date(2027, 4, 26)
    assert clock.due_at(bkk(2027, 4, 12, 9, 0)) == end_of(date(2027, 4, 26))


def test_cmp2_filed_on_a_holiday_counts_from_the_next_business_day():
    """Filed on Songkran day (14 April 2026): the first business day is Thursday 16 April."""
    assert clock.due_at(bkk(2026, 4, 14, 11, 0)) == end_of(date(2026, 4, 24))


def test_cmp2_new_year_2026_with_bridge_holiday():
    """Filed Wednesday 31 December 2025: 1 Jan (New Year) and Fri 2 Jan (bridge) skipped,
    Mon 5 Jan is day 1, the 7th is Tuesday 13 January 2026."""
    assert clock.add_business_days(date(2025, 12, 31), 7) == date(2026, 1, 13)


def test_cmp2_new_year_2027_eve_and_day():
    """Filed Wednesday 30 December 2026: 31 Dec and 1 Jan are holidays; day 1 is Mon 4 Jan,
    the 7th is Tuesday 12 January 2027."""
    assert clock.add_business_days(date(2026, 12, 30), 7) == date(2027, 1, 12)


def test_cmp2_late_night_bangkok_is_already_the_next_day():
    """23:30 UTC on Thursday 9 April 2026 is 06:30 Friday 10 April in Bangkok: the filing
    day is Friday (Bangkok), not Thursday (UTC)."""
    filed = datetime(2026, 4, 9, 23, 30, tzinfo=timezone.utc)
    assert clock.due_date(filed) == date(2026, 4, 24)
    # Filed at 16:59 UTC on Thursday (23:59 Bangkok, still Thursday): one day earlier.
    assert clock.due_date(datetime(2026, 4, 9, 16, 59, tzinfo=timezone.utc)) == date(2026, 4, 23)


def test_cmp2_due_moment_is_end_of_day_bangkok_in_utc():
    due = clock.due_at(bkk(2026, 3, 9, 10, 0))
    assert due.tzinfo is not None
    assert due == datetime(2026, 3, 18, 16, 59, 59, tzinfo=timezone.utc)


def test_cmp2_business_days_left_counts_down_and_goes_negative():
    due = end_of(date(2026, 4, 24))
    assert clock.business_days_left(due, bkk(2026, 4, 10, 20, 0)) == 7
    assert clock.business_days_left(due, bkk(2026, 4, 14, 9, 0)) == 7  # Songkran: no change
    assert clock.business_days_left(due, bkk(2026, 4, 23, 9, 0)) == 1
    assert clock.business_days_left(due, bkk(2026, 4, 24, 23, 0)) == 0
    assert clock.business_days_left(due, bkk(2026, 4, 25, 9, 0)) == -1  # Saturday after
    assert clock.business_days_left(due, bkk(2026, 4, 28, 9, 0)) == -2


@pytest.mark.parametrize("status, late", [("received", True), ("needs_info", False),
                                          ("upheld", False), ("rejected", False)])
def test_cmp2_is_late_only_when_undecided_past_due(status, late):
    due = end_of(date(2026, 4, 24))
    complaint = SimpleNamespace(status=status, due_at=due)
    assert clock.is_late(complaint, due + timedelta(seconds=1)) is late
    assert clock.is_late(complaint, due) is False


def test_cmp2_labour_day_is_a_day_off_for_the_clock():
    """Labour Day (1 May) is a day off for private employers' staff by law, though government
    offices open: the clock of a private marketplace skips it. Filed Thursday 30 April 2026:
    Fri 1 May (Labour Day) and Mon 4 May (Coronation Day) are skipped; Tue 5 May is day 1 and
    the 7th is Wednesday 13 May."""
    assert clock.is_holiday(date(2026, 5, 1))
    assert clock.add_business_days(date(2026, 4, 30), 7) == date(2026, 5, 13)
    assert clock.due_at(bkk(2026, 4, 30, 15, 0)) == end_of(date(2026, 5, 13))


def test_cmp2_labour_day_on_a_saturday_gives_its_monday():
    """1 May 2027 is a Saturday: Monday 3 May is the day in lieu, and Tuesday 4 May is
    Coronation Day. Filed Friday 30 April 2027: day 1 is Wednesday 5 May, the 7th Thursday
    13 May."""
    assert not clock.is_business_day(date(2027, 5, 3))
    assert clock.add_business_days(date(2027, 4, 30), 7) == date(2027, 5, 13)


def test_cmp2_a_day_off_for_government_offices_only_is_a_business_day():
    """The Royal Ploughing Ceremony (13 May 2026) closes government offices only; a private
    marketplace works, so it counts (it is the 7th day above)."""
    assert clock.is_business_day(date(2026, 5, 13))
    assert clock.add_business_days(date(2026, 5, 12), 1) == date(2026, 5, 13)


def test_cmp2_childrens_day_moves_no_due_date():
    """Children's Day (the second Saturday of January) is no day off: it falls on a Saturday,
    which the clock skips anyway, and has no day in lieu. Filed Friday 9 January 2026: Monday
    12 January is day 1 and the 7th is Tuesday 20 January."""
    assert date(2026, 1, 10).weekday() == 5
    assert clock.is_business_day(date(2026, 1, 12))
    assert clock.add_business_days(date(2026, 1, 9), 7) == date(2026, 1, 20)


def test_cmp2_a_substitute_day_and_constitution_day_in_one_week():
    """King Bhumibol's birthday falls on Saturday 5 December 2026: Monday 7 December is the
    day in lieu; Thursday 10 December is Constitution Day. Filed Friday 4 December: day 1 is
    Tuesday 8, the 7th is Thursday 17 December."""
    assert not clock.is_business_day(date(2026, 12, 7))
    assert not clock.is_business_day(date(2026, 12, 10))
    assert clock.add_business_days(date(2026, 12, 4), 7) == date(2026, 12, 17)
    assert clock.due_at(bkk(2026, 12, 4, 18, 0)) == end_of(date(2026, 12, 17))


def test_add_business_days_refuses_nonsense():
    with pytest.raises(ValueError):
        clock.add_business_days(date(2026, 4, 1), 0)
