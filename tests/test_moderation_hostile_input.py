"""Found in review: numbers and dates past what the site can hold crashed moderators' and
admins' pages (500), and the queue kept NUL bytes as typed. Each is refused with a message,
or ignored where it is only a filter (MOD-7, MOD-8, MOD-10, CMP-6)."""
from datetime import date

import pytest
from sqlalchemy import select

from app.blueprints.ip_requests import decisions
from app.blueprints.ip_requests.errors import IpRequestError
from app.blueprints.moderation import queue
from app.database import utcnow
from app.extensions import db
from app.models import ReviewItem, Sanction
from tests.queue_helpers import decide, fresh, token

HUGE = "99999999999999999999"


@pytest.fixture
def moderator(make_member):
    return make_member(display_name="Keeper Three", role="moderator")


@pytest.fixture
def report(make_member):
    target = make_member(display_name="Reported")
    queue.open_item("report", "user", target.id, now=utcnow(), report=True,
                    subject_user_id=target.id)
    db.session.commit()
    return db.session.scalar(select(ReviewItem))


def test_a_sanction_of_a_hundred_million_days_is_refused_mod_8(client_for, moderator, report):
    client = client_for(moderator)
    client.set_cookie("lang", "en")
    response = decide(client, report, "sanction", kind="suspension", rule="MKT-6",
                      facts="Shill bidding", days="99999999")
    assert response.status_code == 422
    assert "at most 3,650" in response.get_data(as_text=True)
    assert db.session.scalar(select(Sanction.id)) is None
    assert fresh(report).status == "open"


def test_filters_and_cursors_past_any_id_are_ignored_mod_7_mod_10(client_for, moderator,
                                                                   make_member, report):
    admin = make_member(display_name="Chief Keeper", role="admin")
    client = client_for(admin)
    for url in (f"/moderation/audit?target_id={HUGE}", f"/moderation/audit?before={HUGE}",
                f"/moderation/queue?after=1-{HUGE}"):
        assert client.get(url).status_code == 200, url
    mod = client_for(moderator)
    response = mod.post("/moderation/queue/bulk", data={
        "csrf_token": token(mod), "action": "dismiss", "item": [HUGE, str(report.id)]})
    assert response.status_code in (200, 302)


def test_bulk_selection_with_a_digit_int_cannot_read_is_skipped_not_a_crash_mod_7(
        client_for, moderator, report):
    """Found by the route sweep: an item id of "²" (a digit to ``isdigit``, not to ``int``) in
    a bulk action answered 500 to moderators and admins; it is skipped like any other id
    that names no item, and the real one is still decided."""
    mod = client_for(moderator)
    response = mod.post("/moderation/queue/bulk", data={
        "csrf_token": token(mod), "action": "dismiss", "item": ["²", str(report.id)]})
    assert response.status_code in (200, 302)
    assert fresh(report).status != "open"


def test_nul_bytes_typed_in_a_decision_are_dropped_mod_7(client_for, moderator, report):
    client = client_for(moderator)
    response = decide(client, report, "warn", rule="R\x00", facts="x\x00y")
    assert response.status_code == 200
    sanction = db.session.scalar(select(Sanction))
    assert (sanction.rule, sanction.facts) == ("R", "xy")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_ip_request_period_outside_the_years_the_site_can_hold_is_refused_cmp_6(day):
    with pytest.raises(IpRequestError, match="2000 and 2100"):
        decisions.parse_day(day, "first_day")
    assert decisions.parse_day("2026-11-01", "first_day").year == 2026


@pytest.mark.parametrize("typed, day", [
    ("๒๐๒๖-๑๐-๐๑", date(2026, 10, 1)),   # Thai digits, found in review: refused before
    ("2569-10-01", date(2026, 10, 1)),    # a Buddhist-era year
    ("๒๕๖๗-๐๒-๒๙", date(2024, 2, 29)),    # 2567 BE is a leap year (2024), though 2567 is not
    (" 2026-1-5 ", date(2026, 1, 5)),
    # Day first, as Thai moderators write a date (found in review: only year-month-day was
    # read, the label said so, and "1/10/2569" was refused)
    ("1/10/2569", date(2026, 10, 1)),
    ("๑/๑๐/๒๕๖๙", date(2026, 10, 1)),
    ("01.10.2026", date(2026, 10, 1)),
    ("2026/10/01", date(2026, 10, 1)),
])
def test_an_ip_request_period_takes_thai_digits_and_buddhist_years_cmp_6(typed, day):
    assert decisions.parse_day(typed, "first_day") == day


@pytest.mark.parametrize("typed", ["2026-02-30", "30/2/2569", "๒๐๒๖-๑๐", "2026-10-01x",
                                   "²026-10-01", "2026-010-01", "10/1/26"])
def test_an_ip_request_period_not_written_as_a_date_is_refused_cmp_6(english, typed):
    with pytest.raises(IpRequestError, match="day/month/year") as refused:
        decisions.parse_day(typed, "first_day")
    assert refused.value.field == "first_day"
