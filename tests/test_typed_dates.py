"""CMP-6 (found in review): the IP-address request's incident date, on a browser without a date
picker (the field is then a text box), typed as Thai members write a date: Thai digits,
day/month/year, a Buddhist-era year. Only "2026-03-12" was read; "๑๒/๓/๒๕๖๙" came back with
"This field is required." as if nothing had been typed. The shared reader
(app.typed_dates) takes those ways of writing a date; what it cannot read comes back exactly
as typed with a message in the member's language; a date in the future is refused."""
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.digits import to_thai
from app.extensions import db
from app.i18n import bangkok_today
from app.models import IpRequest
from app.typed_dates import read_typed_date
from tests.conftest import post_form
from tests.images import upload

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
UNREADABLE = "Write the date as day/month/year, for example 12/3/2026."


@pytest.mark.parametrize("typed, day", [
    ("๑๒/๓/๒๕๖๙", date(2026, 3, 12)),      # Thai digits, Buddhist era, day first
    ("12/3/2569", date(2026, 3, 12)),
    ("12/03/2026", date(2026, 3, 12)),      # the Christian era
    ("12-3-2569", date(2026, 3, 12)),
    ("12.3.2569", date(2026, 3, 12)),
    (" 12 / 3 / 2569 ", date(2026, 3, 12)),
    ("2026-03-12", date(2026, 3, 12)),      # what a date input sends
    ("2569-03-12", date(2026, 3, 12)),
    ("๒๐๒๖-๐๓-๑๒", date(2026, 3, 12)),
    ("29/2/2567", date(2024, 2, 29)),       # 2567 BE is 2024, a leap year (2567 is not)
    ("1/1/2000", date(2000, 1, 1)),
])
def test_cmp6_a_date_is_read_as_thai_members_write_it(typed, day):
    assert read_typed_date(typed) == day


@pytest.mark.parametrize("typed", [
    "", "garbage", "12/3/69", "12/3", "31/2/2569", "29/2/2568", "12/13/2569", "3/12/2026x",
    "12//3/2569", "2026-03", "๑๒ มีนาคม ๒๕๖๙", "²12/3/2569", "123/3/2569"])
def test_cmp6_what_is_not_a_date_is_not_read(typed):
    with pytest.raises(ValueError):
        read_typed_date(typed)


def _thai_typed(day):
    """``day`` as a Thai member types it: day/month/Buddhist year in Thai digits."""
    return to_thai(f"{day.day}/{day.month}/{day.year + 543}")


def _date_input(html):
    return re.search(r'<input[^>]*name="incident_date"[^>]*>', html).group(0)


def _errors(html):
    return [unescape(text) for text in
            re.findall(r'id="incident_date-error-\d+"[^>]*>([^<]*)<', html)]


@pytest.fixture
def people(app, make_member):
    return make_member(display_name="Victim"), make_member(display_name="Scammer")


def _send(client, typed, **changes):
    fields = {"accused": "Scammer", "case_number": "77/2569", "police_station": "Bang Rak",
              "incident_date": typed, "description": "He took my money and vanished.",
              "police_report": upload(PDF, "report.pdf")}
    fields.update(changes)
    return post_form(client, "/ip-requests/new", fields, content_type="multipart/form-data")


def test_cmp6_a_request_dated_in_thai_digits_and_buddhist_year_is_filed(people, client_for):
    victim, _scammer = people
    day = bangkok_today(None) - timedelta(days=12)
    response = _send(client_for(victim), _thai_typed(day))
    assert response.status_code == 302, _errors(response.get_data(as_text=True))
    assert db.session.scalar(select(IpRequest.incident_date)) == day


@pytest.mark.parametrize("written", ["thai", "buddhist", "iso"])
def test_cmp6_a_read_date_comes_back_as_the_date_on_a_form_refused_for_another_field(
        people, client_for, written):
    """Refused for a short description, the form shows the date read as a date input shows
    one ("2026-03-12"): a browser with a picker shows nothing for "12/3/2569"."""
    victim, _scammer = people
    day = bangkok_today(None) - timedelta(days=3)
    typed = {"thai": _thai_typed(day), "buddhist": f"{day.day}/{day.month}/{day.year + 543}",
             "iso": day.isoformat()}[written]
    response = _send(client_for(victim), typed, description="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "write 10 to 5,000" in html
    assert f'value="{day.isoformat()}"' in _date_input(html)
    assert _errors(html) == []


@pytest.mark.parametrize("typed", ["12/3/69", "31/2/2569", "๑๒ มีนาคม ๒๕๖๙", "เมื่อวาน"])
def test_cmp6_an_unreadable_date_comes_back_as_typed_with_how_to_write_it(
        people, client_for, typed):
    victim, _scammer = people
    response = _send(client_for(victim), typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _errors(html) == [UNREADABLE]  # not "This field is required.": it was typed
    assert "This field is required." not in html and "Give the date of the incident" not in html
    assert f'value="{typed}"' in _date_input(html)
    assert "77/2569" in html and "vanished" in html  # nothing else typed is lost
    assert "Police report kept from your last try" in html
    assert db.session.scalar(select(IpRequest.id)) is None


def test_cmp6_an_unreadable_date_is_explained_in_thai(app, people, login):
    victim, _scammer = people
    thai = app.test_client()  # Thai, the default
    login(victim.email, target=thai)
    response = _send(thai, "๑๒/๓/๖๙")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _errors(html) == ["เขียนวันที่ในรูปแบบ วัน/เดือน/ปี เช่น 12/3/2569"]
    assert 'value="๑๒/๓/๖๙"' in _date_input(html)


def test_cmp6_an_empty_date_is_still_asked_for(people, client_for):
    victim, _scammer = people
    response = _send(client_for(victim), "  ")
    assert response.status_code == 422
    assert _errors(response.get_data(as_text=True)) == ["This field is required."]


def test_cmp6_a_date_in_the_future_is_refused(people, client_for):
    victim, _scammer = people
    day = bangkok_today(None) + timedelta(days=2)
    response = _send(client_for(victim), _thai_typed(day))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _errors(html) == ["The incident date cannot be in the future."]
    assert f'value="{day.isoformat()}"' in _date_input(html)
    assert db.session.scalar(select(IpRequest.id)) is None
