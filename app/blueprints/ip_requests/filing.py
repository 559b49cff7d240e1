"""Filing an IP-address request (CMP-6): who is accused (by display name, by the link of their
listing or auction, or both), the police report (required: a re-encoded photo or a checked PDF,
stored privately), the case number, the police station, the incident date and what happened.
The request becomes an ``ip_request`` item in the review queue; nothing is released yet.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.accounts.services import display_name_key
from app.blueprints.complaints import held_evidence
from app.blueprints.complaints.targets import (NotOnTalat, addresses_in, match_path,
                                              site_path)
from app.blueprints.ip_requests.errors import AlreadyWaiting, IpRequestError, IpRequestProblems
from app.blueprints.moderation import queue
from app.database import one_at_a_time
from app.extensions import db
from app.i18n import Counts, bangkok_today
from app.models import Auction, IpRequest, Listing, User
from app.uploads import store_evidence_file

#: The pages a request can point at: endpoint → (target type, view argument).
#: The earliest incident year a request may give (the period released starts 30 days before).
FIRST_YEAR = 2000
ITEM_ENDPOINTS = {"shops.listing": ("listing", "listing_id"),
                  "auctions.auction": ("auction", "auction_id")}


def resolve_item(url):
    """The listing or auction a Talat link points at: ``(target_type, target, owner_id)``.
    The link must be a Talat address, checked as the complaint form checks its pages (another
    host or scheme is refused, whatever its path)."""
    found = addresses_in(url)
    url = found[0] if len(found) == 1 else (url or "").strip()
    try:
        path = site_path(url)
    except NotOnTalat as error:
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise IpRequestError(_l("%(name)s: %(reason)s", name=shown, reason=error.message),
                             field="item_url") from None
    endpoint, args = match_path(path)
    if endpoint not in ITEM_ENDPOINTS:
        raise IpRequestError(_l("This link does not lead to a listing or an auction on Talat."),
                             field="item_url")
    target_type, arg = ITEM_ENDPOINTS[endpoint]
    if target_type == "listing":
        target = db.session.get(Listing, args[arg])
        owner_id = target.shop.owner_id if target is not None and target.shop else None
    else:
        target = db.session.get(Auction, args[arg])
        owner_id = target.seller_id if target is not None else None
    if target is None or owner_id is None:
        raise IpRequestError(_l("We cannot find the listing or auction at this link."),
                             field="item_url")
    return target_type, target, owner_id


def resolve_accused(name, item_url, requester):
    """The accused member and the item concerned: ``(user, target_type, target_id)``."""
    name = " ".join((name or "").split())
    target_type, target_id, accused = "", None, None
    if item_url and item_url.strip():
        target_type, target, owner_id = resolve_item(item_url)
        target_id = target.id
        accused = db.session.get(User, owner_id)
    if name:
        named = db.session.scalar(select(User).where(
            User.display_name_key == display_name_key(name)))
        if named is None:
            raise IpRequestError(_l("No member has this display name."), field="accused")
        if accused is not None and accused.id != named.id:
            raise IpRequestError(_l("The listing or auction at this link belongs to another "
                                    "member than the one you name."), field="item_url")
        accused = named
    if accused is None:
        raise IpRequestError(_l("Name the member you accuse, or give the link of their "
                                "listing or auction."), field="accused")
    if accused.id == requester.id:
        raise IpRequestError(_l("You cannot ask for your own addresses."), field="accused")
    return accused, target_type, target_id


def _clean(value, low, high, field, label):
    value = " ".join((value or "").split()) if field != "description" else (value or "").strip()
    if not low <= len(value) <= high:
        raise IpRequestError(Counts(_l("%(label)s: write %(low)d to %(high)d characters."),
                                    label=label, low=low, high=high), field=field)
    return value


def request_problems(requester, data, report, *, now, held=None):
    """Every rule the request breaks, as :class:`IpRequestError` s (one per field at most),
    and the values it stands on when it breaks none: ``(problems, values)``. ``report`` is
    ``(filename, bytes)`` or None; its content is checked by the caller. ``held``: the police
    report kept from an earlier try of the form (a :class:`HeldEvidence`), or None."""
    problems, values = [], {}

    def check(name, rule, *args):
        try:
            values[name] = rule(*args)
        except IpRequestError as error:
            problems.append(error)

    check("accused", resolve_accused, data.get("accused"), data.get("item_url"), requester)
    check("case_number", _clean, data.get("case_number"), 1, 60, "case_number",
          _l("Case number"))
    check("police_station", _clean, data.get("police_station"), 2, 160, "police_station",
          _l("Police station"))
    check("description", _clean, data.get("description"), 10, 5000, "description",
          _l("What happened"))
    check("incident_date", _incident_day, data.get("incident_date"), now)
    if not (report and report[1]) and held is None:
        problems.append(IpRequestError(_l("Attach the police report (a photo or a PDF): "
                                          "without it we cannot accept the request."),
                                       field="police_report"))
    return problems, values


def _incident_day(incident, now):
    if incident is None:
        raise IpRequestError(_l("Give the date of the incident."), field="incident_date")
    if incident > bangkok_today(now):
        raise IpRequestError(_l("The incident date cannot be in the future."),
                             field="incident_date")
    if incident.year < FIRST_YEAR:  # a mistyped year: no log goes back that far
        raise IpRequestError(_l("Give a date between the years 2000 and 2100."),
                             field="incident_date")
    return incident


def file_request(requester, data, report, *, now, held=None):
    """File a request. ``data`` has ``accused``, ``item_url``, ``case_number``,
    ``police_station``, ``incident_date`` (a date) and ``description``; ``report`` is
    ``(filename, bytes)`` of the police report, or None when the report ``held`` from an
    earlier, refused try of the form is sent (a chosen file takes its place). Raises
    :class:`IpRequestProblems` (every problem at once), ``AlreadyWaiting`` or
    ``UploadRejected``; commits nothing."""
    if report and report[1]:
        held = None
    problems, values = request_problems(requester, data, report, now=now, held=held)
    if problems:
        raise IpRequestProblems(problems)
    accused, target_type, target_id = values["accused"]
    case_number, station = values["case_number"], values["police_station"]
    description, incident = values["description"], values["incident_date"]
    # A member's filings run one after the other: the same form sent twice at once finds
    # the first request waiting.
    one_at_a_time(db.session, f"ip_request:{requester.id}")
    waiting = db.session.scalar(select(IpRequest).where(
        IpRequest.requester_id == requester.id, IpRequest.accused_id == accused.id,
        IpRequest.status == "pending").limit(1))
    if waiting is not None:
        raise AlreadyWaiting(_l("You already have a request about this member waiting for "
                                "the moderators."), waiting)
    if held is None:
        name, content = report
        key, media = store_evidence_file(content, session=db.session)
    elif held_evidence.claim([held]):
        name, key, media = held.original_name, held.key, held.media
    else:  # (the same form sent twice at once: the first took the file)
        raise IpRequestError(_l("The police report kept from your last try was sent with "
                                "another request a moment ago: please choose it again."),
                             field="police_report")
    request = IpRequest(requester_id=requester.id, accused_id=accused.id,
                        target_type=target_type, target_id=target_id, report_key=key,
                        report_media=media, report_name=(name or "")[:200],
                        case_number=case_number, police_station=station,
                        incident_date=incident, description=description, status="pending",
                        created_at=now, reason="")
    db.session.add(request)
    db.session.flush()
    queue.open_item("ip_request", "ip_request", request.id, now=now,
                    subject_user_id=accused.id, source_id=request.id)
    return request
