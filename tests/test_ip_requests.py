"""CMP-6: IP-address requests. A scam victim files a request with a police report; nothing is
released while it waits; only an approved request shows the accused's addresses (for its period
only, each showing audited); a rejected request never does; only the requester and moderators
see a request."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.blueprints.ip_requests import decisions, filing
from app.blueprints.ip_requests.errors import IpRequestError
from app.blueprints.moderation import queue
from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, IpRequest, Notification, ReviewItem, TrafficLogEntry
from app.uploads import UploadRejected
from tests.conftest import csrf_from, post_form
from tests.images import jpeg, upload

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HOSTILE = '<script>alert("x")</script>'


def _log(member, ip, at):
    db.session.add(TrafficLogEntry(at=at, member_id=member.id, ip=ip, method="POST",
                                   action="shops.order", target="/x", status=200))


def _data(accused, **changes):
    data = {"accused": accused.display_name, "item_url": "", "case_number": "1234/2569",
            "police_station": "Lumphini police station",
            "incident_date": date.today() - timedelta(days=5),
            "description": "I paid by transfer and nothing ever came."}
    data.update(changes)
    return data


def _file(requester, accused, **changes):
    request = filing.file_request(requester, _data(accused, **changes), ("report.pdf", PDF),
                                  now=utcnow())
    db.session.commit()
    return request


def _item(request):
    return db.session.scalar(select(ReviewItem).where(
        ReviewItem.kind == "ip_request", ReviewItem.target_id == request.id))


@pytest.fixture
def people(make_member):
    victim = make_member(display_name="Victim")
    scammer = make_member(display_name="Scammer")
    return victim, scammer


def test_cmp6_request_without_police_report_is_refused(app, people):
    victim, scammer = people
    with pytest.raises(IpRequestError) as refused:
        filing.file_request(victim, _data(scammer), None, now=utcnow())
    assert refused.value.field == "police_report"
    assert db.session.scalar(select(IpRequest.id)) is None


@pytest.mark.parametrize("day", [date(1, 1, 5), date(1999, 12, 31)])
def test_cmp6_a_mistyped_ancient_incident_date_is_refused(app, people, day):
    """A year typed wrong (0001) was filed, and the moderator who approved it got a server
    error (the period released starts 30 days before the incident: before year 1)."""
    victim, scammer = people
    with pytest.raises(IpRequestError) as refused:
        _file(victim, scammer, incident_date=day)
    assert refused.value.field == "incident_date"
    assert "between the years 2000 and 2100" in str(refused.value.message)


def test_cmp6_the_same_request_sent_twice_at_once_is_filed_once(app, people):
    """Found in review: two posts of the form at the same moment (a double tap) both passed
    the "already waiting" check and filed two requests, two queue items (real threads)."""
    import threading

    from app.models import User

    victim_id, scammer_id = (member.id for member in people)
    barrier, outcomes = threading.Barrier(2), []

    def file_one():
        try:
            with app.test_request_context("/ip-requests/new", method="POST"):
                barrier.wait(5)  # (a POST's transaction writes from its start on SQLite)
                victim, scammer = db.session.get(User, victim_id), db.session.get(User, scammer_id)
                filing.file_request(victim, _data(scammer), ("report.pdf", PDF), now=utcnow())
                db.session.commit()
                outcomes.append("filed")
        except IpRequestError:
            outcomes.append("refused")
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            outcomes.append(error)

    threads = [threading.Thread(target=file_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(map(str, outcomes)) == ["filed", "refused"], outcomes
    db.session.rollback()
    assert len(db.session.scalars(select(IpRequest.id)).all()) == 1


def test_cmp6_form_without_report_is_refused_and_keeps_what_was_typed(app, people, client_for):
    victim, scammer = people
    client = client_for(victim)
    response = post_form(client, "/ip-requests/new", {
        "accused": scammer.display_name, "case_number": "77/2569",
        "police_station": "Bang Rak", "incident_date": "2026-11-01",
        "description": "He took my money and vanished."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Attach the police report" in html
    assert "77/2569" in html and "Bang Rak" in html
    assert db.session.scalar(select(IpRequest.id)) is None


def test_cmp6_a_script_renamed_pdf_is_refused(app, people, client_for):
    victim, scammer = people
    response = post_form(client_for(victim), "/ip-requests/new", {
        "accused": scammer.display_name, "case_number": "77/2569",
        "police_station": "Bang Rak", "incident_date": "2026-11-01",
        "description": "He took my money and vanished.",
        "police_report": upload(b"#!/bin/sh\nrm -rf /\n", "report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(select(IpRequest.id)) is None
    with pytest.raises(UploadRejected):
        filing.file_request(victim, _data(scammer), ("r.pdf", b"<html>not a pdf</html>"),
                            now=utcnow())


@pytest.mark.parametrize("bad_date", [False, True])
def test_cmp6_the_form_tells_every_problem_in_one_answer(app, people, client_for, bad_date):
    """Found in review: a form with a bad link, a future date and a program for the police
    report took three rounds, one message each (and the file chosen again each time). Every
    problem is now told in one answer, whether the form's own checks (a date that is not a
    date) or only the rules refused it; what was typed stays."""
    victim, _scammer = people
    future = (date.today() + timedelta(days=30)).isoformat()
    response = post_form(client_for(victim), "/ip-requests/new", {
        "accused": "", "item_url": "https://elsewhere.example/scam",
        "case_number": "77/2569", "police_station": "Bang Rak",
        "incident_date": "31/31/2026" if bad_date else future,
        "description": "He took my money and vanished.",
        "police_report": upload(b"MZ\x90\x00 a Windows program", "report.exe")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "elsewhere.example/scam: this address is not on Talat" in html
    assert 'id="incident_date-error-1"' in html
    assert bad_date or "cannot be in the future" in html
    assert "Only photos (JPEG, PNG, WebP or GIF) and PDF files" in html
    assert "Choose the police report file again" not in html  # this one would not be taken
    assert "77/2569" in html and "Bang Rak" in html and "vanished" in html
    assert db.session.scalar(select(IpRequest.id)) is None


def test_cmp6_a_good_report_on_a_refused_form_is_kept_for_the_next_try(app, people,
                                                                       client_for):
    """CMP-6, found on a phone: a request refused for a mistyped display name (or a short
    text) dropped the police report, which had to be found and chosen again, as the message
    said ("Choose the police report file again"); a complaint form keeps its evidence. The
    report is now held: the form offers it back, ticked, and the corrected form sends it."""
    victim, scammer = people
    client = client_for(victim)
    fields = {"accused": "Nobody By This Name", "case_number": "77/2569",
              "police_station": "Bang Rak", "incident_date": "2026-11-01",
              "description": "short"}
    response = post_form(client, "/ip-requests/new", {
        **fields, "police_report": upload(PDF, "report.pdf")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No member has this display name" in html and "write 10 to 5,000" in html
    assert "Choose the police report file again" not in html
    assert "Police report kept from your last try" in html and "report.pdf" in html
    token = html.split('name="kept_file" value="', 1)[1].split('"', 1)[0]
    response = post_form(client, "/ip-requests/new", {
        **fields, "accused": scammer.display_name,
        "description": "He took my money and vanished.", "kept_file": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    request = db.session.scalar(select(IpRequest))
    assert (request.report_name, request.report_media) == ("report.pdf", "pdf")
    report = client.get(f"/ip-requests/{request.id}/report")
    assert report.status_code == 200 and report.data.startswith(b"%PDF-")


def test_cmp6_an_expired_form_comes_back_as_typed_with_its_report(app, people, client_for):
    """CMP-6, found on a phone: the request form sent after its token expired (an account of
    the scam written over hours) gave a bare "The form has expired, reload the page" and lost
    everything typed, police report and all. It comes back as typed with a word, the report
    held; sent again it is filed with that report."""
    victim, scammer = people
    client = client_for(victim)
    fields = {"accused": scammer.display_name, "case_number": "77/2569",
              "police_station": "Bang Rak", "incident_date": "2026-11-01",
              "description": "He took my money and vanished, written over an evening."}
    response = client.post("/ip-requests/new", data={
        **fields, "csrf_token": "expired", "police_report": upload(PDF, "report.pdf")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired, so nothing was sent" in html
    assert "written over an evening" in html and "77/2569" in html and "Bang Rak" in html
    assert "Police report kept from your last try" in html
    assert db.session.scalar(select(IpRequest.id)) is None
    token = html.split('name="kept_file" value="', 1)[1].split('"', 1)[0]
    response = client.post("/ip-requests/new", data={
        **fields, "csrf_token": csrf_from(html), "kept_file": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(IpRequest.report_name)) == "report.pdf"


def test_cmp6_a_held_report_is_used_once(app, people, make_member):
    """CMP-6: the report held from a refused try goes with one request only: the same kept
    box sent with a second request (a form sent twice at once) is refused, not shared."""
    from app.blueprints.complaints import held_evidence

    victim, scammer = people
    other = make_member(display_name="Another Scammer")
    from app.models.complaints import HeldEvidence

    [held] = held_evidence.hold([("report.pdf", PDF)], now=utcnow(), ip="192.0.2.9")
    db.session.commit()
    # The second form read the held row before the first took it.
    seen_by_second = HeldEvidence(id=held.id, key=held.key, media=held.media,
                                  original_name=held.original_name)
    first = filing.file_request(victim, _data(scammer), None, now=utcnow(), held=held)
    db.session.commit()
    assert first.report_name == "report.pdf"
    with pytest.raises(IpRequestError, match="kept from your last try was sent"):
        filing.file_request(victim, _data(other), None, now=utcnow(), held=seen_by_second)
    db.session.rollback()
    assert db.session.scalar(select(IpRequest.accused_id).where(
        IpRequest.accused_id == other.id)) is None


def test_cmp6_filing_by_form_with_an_image_opens_a_queue_item(app, people, client_for,
                                                              make_auction):
    victim, scammer = people
    auction = make_auction(seller=scammer)
    response = post_form(client_for(victim), "/ip-requests/new", {
        "accused": "", "item_url": f"http://localhost/auctions/{auction.id}",
        "case_number": "88/2569", "police_station": "Bang Rak", "incident_date": "2026-11-01",
        "description": "He took my money and vanished.",
        "police_report": upload(jpeg(), "report.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    request = db.session.scalar(select(IpRequest))
    assert (request.accused_id, request.target_type, request.target_id) == (
        scammer.id, "auction", auction.id)
    assert request.report_media == "image" and request.status == "pending"
    item = _item(request)
    assert item.status == "open" and item.subject_user_id == scammer.id


def test_cmp6_the_form_sent_again_shows_the_request_waiting(app, people, client_for):
    """Found in review: the form sent again after it was filed (a double tap, a re-send after a
    slow upload) came back as an error over a form to fill in again, police report and all;
    the request already waiting is shown, with the notice."""
    victim, scammer = people
    client = client_for(victim)
    token = csrf_from(client.get("/ip-requests/new").get_data(as_text=True))
    data = {"csrf_token": token, "accused": scammer.display_name, "case_number": "88/2569",
            "police_station": "Bang Rak", "incident_date": "2026-11-01",
            "description": "He took my money and vanished."}
    first = client.post("/ip-requests/new", data={**data, "police_report": upload(PDF, "r.pdf")},
                        content_type="multipart/form-data")
    again = client.post("/ip-requests/new", data={**data, "police_report": upload(PDF, "r.pdf")},
                        content_type="multipart/form-data")
    request = db.session.scalar(select(IpRequest))
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == f"/ip-requests/{request.id}"
    assert "already have a request about this member waiting" in client.get(
        again.headers["Location"]).get_data(as_text=True)
    assert len(db.session.scalars(select(IpRequest.id)).all()) == 1


@pytest.mark.parametrize("url", ["ftp://attacker.example/listings/{id}?x=1",
                                 "https://evil.example/listings/{id}",
                                 "//evil.example/listings/{id}",
                                 "javascript://localhost/listings/{id}",
                                 "listings/{id}"])
def test_cmp6_an_item_link_not_on_talat_is_refused(app, people, make_listing, make_shop,
                                                   client_for, url):
    """The item link must be a Talat address, checked as the complaint form checks its
    pages: another host or scheme naming a listing's path is not that listing."""
    victim, scammer = people
    listing = make_listing(shop=make_shop(owner=scammer))
    typed = url.format(id=listing.id)
    with pytest.raises(IpRequestError) as refused:
        filing.file_request(victim, _data(scammer, item_url=typed), ("r.pdf", PDF),
                            now=utcnow())
    assert refused.value.field == "item_url"
    response = post_form(client_for(victim), "/ip-requests/new", {
        "accused": "", "item_url": typed, "case_number": "88/2569",
        "police_station": "Bang Rak", "incident_date": "2026-11-01",
        "description": "He took my money and vanished.",
        "police_report": upload(PDF, "report.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Talat" in html
    assert db.session.scalar(select(IpRequest.id)) is None
    # The same listing by its Talat address, full or as a path, is accepted; so is it
    # pasted with its title (a phone's share sheet) or without http:// (CMP-6).
    for good in (f"http://localhost/listings/{listing.id}", f"/listings/{listing.id}",
                 f"พระปลอม ร้านสมชาย http://localhost/listings/{listing.id}",
                 f"localhost/listings/{listing.id}/"):
        request = filing.file_request(victim, _data(scammer, item_url=good), ("r.pdf", PDF),
                                      now=utcnow())
        assert (request.target_type, request.target_id) == ("listing", listing.id)
        db.session.rollback()


def test_cmp6_a_link_to_another_members_item_is_refused(app, people, make_auction,
                                                        make_member):
    victim, scammer = people
    other = make_auction(seller=make_member())
    with pytest.raises(IpRequestError) as refused:
        filing.file_request(victim, _data(scammer, item_url=f"/auctions/{other.id}"),
                            ("r.pdf", PDF), now=utcnow())
    assert refused.value.field == "item_url"
    with pytest.raises(IpRequestError):
        filing.file_request(victim, _data(victim), ("r.pdf", PDF), now=utcnow())


def test_cmp6_pending_request_shows_no_address(app, people, client_for):
    victim, scammer = people
    _log(scammer, "203.0.113.7", utcnow() - timedelta(days=2))
    request = _file(victim, scammer)
    html = client_for(victim).get(f"/ip-requests/{request.id}").get_data(as_text=True)
    assert "203.0.113.7" not in html
    assert "have not decided yet" in html
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "ip_request.release")) is None


def test_cmp6_approved_request_shows_the_period_only_and_is_audited(app, people, client_for,
                                                                    moderator):
    victim, scammer = people
    now = utcnow()
    _log(scammer, "203.0.113.7", now - timedelta(days=3))
    _log(scammer, "203.0.113.7", now - timedelta(days=2))
    _log(scammer, "198.51.100.9", now - timedelta(days=1))
    _log(scammer, "192.0.2.55", now - timedelta(days=80))  # before the period
    _log(victim, "192.0.2.99", now - timedelta(days=1))    # someone else
    request = _file(victim, scammer)
    queue.decide(_item(request), moderator, "approve", {"reason": ""}, now=now)
    db.session.commit()
    assert request.status == "approved"
    assert request.period_from < now - timedelta(days=5)
    shown = client_for(victim).get(f"/ip-requests/{request.id}")
    html = shown.get_data(as_text=True)
    assert "203.0.113.7" in html and "198.51.100.9" in html
    assert "192.0.2.55" not in html and "192.0.2.99" not in html
    assert "no-store" in shown.headers["Cache-Control"]
    rows = {row[0]: row[3] for row in decisions.addresses(request)}
    assert rows == {"203.0.113.7": 2, "198.51.100.9": 1}
    released = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "ip_request.release")).all()
    assert len(released) == 1 and released[0].actor_id == victim.id
    assert "203.0.113.7" in released[0].after
    client_for(moderator).get(f"/ip-requests/{request.id}")
    assert db.session.query(AuditEntry).filter_by(action="ip_request.release").count() == 2
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == victim.id, Notification.kind == "ip_request_approved"))


def test_cmp6_moderator_chooses_the_period(app, people, moderator):
    victim, scammer = people
    now = utcnow()
    _log(scammer, "203.0.113.7", now - timedelta(days=10))
    _log(scammer, "198.51.100.9", now - timedelta(days=1))
    request = _file(victim, scammer)
    first = (now - timedelta(days=12)).date().isoformat()
    last = (now - timedelta(days=8)).date().isoformat()
    queue.decide(_item(request), moderator, "approve", {"first_day": first, "last_day": last},
                 now=now)
    assert [row[0] for row in decisions.addresses(request)] == ["203.0.113.7"]


def test_cmp6_a_period_typed_day_first_is_read_and_said_back(app, people, moderator):
    """CMP-6: the period typed as Thai moderators write dates (day/month/Buddhist year, Thai
    digits) is read, and the approval says the period back in words, so a date typed the
    other way round shows at once."""
    from app.digits import to_thai
    from app.i18n import format_date, format_datetime

    victim, scammer = people
    now = utcnow()
    _log(scammer, "203.0.113.7", now - timedelta(days=10))
    _log(scammer, "198.51.100.9", now - timedelta(days=1))
    request = _file(victim, scammer)
    first, last = (now - timedelta(days=12)).date(), (now - timedelta(days=8)).date()
    said = queue.decide(_item(request), moderator, "approve", {
        "first_day": to_thai(f"{first.day}/{first.month}/{first.year + 543}"),
        "last_day": f"{last.day}/{last.month}/{last.year}"}, now=now)
    assert [row[0] for row in decisions.addresses(request)] == ["203.0.113.7"]
    # The last day typed, not the midnight after it (which read as a day too late)
    assert f"{format_date(first)} to {format_date(last)}, both days included" in said
    said = queue.decide(_item(_file(victim, scammer)), moderator, "approve",
                        {"first_day": f"{first.day}/{first.month}/{first.year}"}, now=now)
    assert f"{format_date(first)} to {format_datetime(now)}." in said


def test_cmp6_rejected_request_never_shows_addresses(app, people, client_for, moderator):
    victim, scammer = people
    _log(scammer, "203.0.113.7", utcnow() - timedelta(days=1))
    request = _file(victim, scammer)
    with pytest.raises(IpRequestError):  # a reason is required
        queue.decide(_item(request), moderator, "reject", {"reason": ""}, now=utcnow())
    queue.decide(_item(request), moderator, "reject", {"reason": HOSTILE}, now=utcnow())
    db.session.commit()
    html = client_for(victim).get(f"/ip-requests/{request.id}").get_data(as_text=True)
    assert "203.0.113.7" not in html and "rejected" in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    with pytest.raises(IpRequestError):
        decisions.release(request, moderator, now=utcnow())
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == victim.id, Notification.kind == "ip_request_rejected"))


def test_cmp6_access_to_a_request(app, people, client_for, moderator, make_member):
    victim, scammer = people
    _log(scammer, "203.0.113.7", utcnow() - timedelta(days=1))
    request = _file(victim, scammer)
    queue.decide(_item(request), moderator, "approve", {}, now=utcnow())
    db.session.commit()
    url, report = f"/ip-requests/{request.id}", f"/ip-requests/{request.id}/report"
    visitor = client_for(None)
    assert visitor.get(url).status_code == 302 and visitor.get(report).status_code == 302
    for outsider in (make_member(), scammer):
        client = client_for(outsider)
        assert client.get(url).status_code == 404
        assert client.get(report).status_code == 404
    for allowed in (victim, moderator):
        client = client_for(allowed)
        assert "203.0.113.7" in client.get(url).get_data(as_text=True)
        got = client.get(report)
        assert got.status_code == 200 and got.headers["X-Content-Type-Options"] == "nosniff"
    # Only moderators close; the member's attempt is refused.
    assert post_form(client_for(victim), f"{url}/close", {}, form_url=url).status_code == 403


def test_cmp6_closing_ends_the_release(app, people, client_for, moderator):
    victim, scammer = people
    _log(scammer, "203.0.113.7", utcnow() - timedelta(days=1))
    request = _file(victim, scammer)
    queue.decide(_item(request), moderator, "approve", {}, now=utcnow())
    db.session.commit()
    mod = client_for(moderator)
    url = f"/ip-requests/{request.id}"
    assert post_form(mod, f"{url}/close", {}, form_url=url).status_code == 302
    db.session.refresh(request)
    assert request.status == "closed" and request.closed_by_id == moderator.id
    assert "203.0.113.7" not in client_for(victim).get(url).get_data(as_text=True)


def test_cmp6_hostile_text_is_escaped_on_every_page(app, people, client_for, moderator):
    victim, scammer = people
    request = _file(victim, scammer, case_number=HOSTILE[:60], police_station=HOSTILE,
                    description=HOSTILE * 2)
    for client, url in ((client_for(victim), f"/ip-requests/{request.id}"),
                        (client_for(victim), "/ip-requests/"),
                        (client_for(moderator), "/moderation/queue?kind=ip_request")):
        html = client.get(url).get_data(as_text=True)
        assert HOSTILE not in html and "&lt;script&gt;" in html, url


def test_cmp6_queue_row_shows_the_request_without_addresses(app, people, client_for,
                                                            moderator):
    victim, scammer = people
    _log(scammer, "203.0.113.7", utcnow() - timedelta(days=1))
    _file(victim, scammer)
    html = client_for(moderator).get("/moderation/queue?kind=ip_request").get_data(as_text=True)
    assert "Victim accuses Scammer" in html and "1234/2569" in html
    assert 'data-action="approve"' in html and 'data-action="reject"' in html
    assert "203.0.113.7" not in html


def test_cmp6_the_approve_key_only_opens_its_fields_on_the_queue_row(app, people, client_for,
                                                                     moderator):
    """CMP-6, MOD-7: approving releases the accused's addresses, which cannot be taken back,
    so the approve form is marked ``data-ask-first``: its key focuses the period's fields and
    Enter sends it (a stray key press released them at once, found driving the queue)."""
    victim, scammer = people
    _file(victim, scammer)
    html = client_for(moderator).get("/moderation/queue?kind=ip_request").get_data(as_text=True)
    approve = html[html.index('data-action="approve"') - 400:html.index('data-action="approve"')]
    assert 'data-key="a"' in approve and "data-ask-first" in approve
