"""The member's pages for IP-address requests (CMP-6): the form, their requests, one request
(with the addresses once approved, each showing audited), the police report file, and the
moderators' "close" button. Thin: parse, call ``filing``/``decisions``, commit once."""
from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask import request as http_request  # (``request`` names an IpRequest here)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.views import show_error, show_further_errors
from app.blueprints.complaints import held_evidence
from app.blueprints.complaints.intake_views import EXPIRED
from app.blueprints.ip_requests import bp, decisions, filing
from app.blueprints.ip_requests.errors import AlreadyWaiting
from app.blueprints.ip_requests.forms import IpRequestForm
from app.database import begin_immediate, utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.models import Auction, IpRequest, Listing
from app.net import client_ip
from app.permissions import can_moderate, require
from app.traffic import flush_traffic_log
from app.uploads import UploadRejected, check_evidence_file, send_image, send_pdf

FILE_AGAIN = _l("Choose the police report file again: files are not kept when the form has "
                "an error.")


def _visible_or_404(request_id):
    """The request, to its requester and moderators; 404 to everyone else (even the accused:
    the request is not theirs to know about)."""
    request = db.session.get(IpRequest, request_id)
    if request is None or not decisions.may_see(current_user, request):
        abort(404)
    return request


@bp.route("/")
@login_required
def mine():
    """The requests the member filed, newest first."""
    requests = db.session.scalars(select(IpRequest).where(
        IpRequest.requester_id == current_user.id).order_by(IpRequest.created_at.desc())
        .options(selectinload(IpRequest.accused))).all()
    return render_template("ip_requests/mine.html", requests=requests)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a request with the police report (required). A refused form keeps the report
    chosen for the next try, as the complaint form keeps its evidence (CMP-6)."""
    form = IpRequestForm()
    shaped = form.validate_on_submit()
    report, held = None, None
    if form.is_submitted():
        upload = form.police_report.data
        report = (upload.filename, upload.read()) if upload and upload.filename else None
        data = {name: getattr(form, name).data for name in (
            "accused", "item_url", "case_number", "police_station", "incident_date",
            "description")}
        held = next(iter(held_evidence.kept(
            http_request.form.getlist(held_evidence.FIELD), now=utcnow())), None)
    if form.is_submitted() and not shaped:
        _tell_every_problem(form, data, report, held)
    elif shaped:
        try:
            filed = filing.file_request(current_user, data, report, now=utcnow(), held=held)
            db.session.commit()
        except UploadRejected as error:
            db.session.rollback()
            form.police_report.errors = [str(error.message)]
        except AlreadyWaiting as error:
            # Often the same form sent twice (a double tap, a re-send after a slow upload):
            # the request waiting is shown, not an error over a form to fill in again.
            db.session.rollback()
            flash(error.message, "info")
            return redirect(url_for("ip_requests.show", request_id=error.request.id))
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
            _check_file(form, report)
        else:
            flash(_l("Your request has been sent to the moderators. We will tell you when "
                     "they decide."), "success")
            return redirect(url_for("ip_requests.show", request_id=filed.id))
    kept = _keep_report(form, report, held) if form.is_submitted() else []
    if form.is_submitted() and not form.police_report.errors and not kept:
        form.police_report.errors = [str(FILE_AGAIN)]
    status = 422 if form.is_submitted() else 200
    return render_template("ip_requests/new.html", form=form, held=kept), status


def _keep_report(form, report, held):
    """The police report a refused form offers again (:mod:`held_evidence`): the one chosen
    now if it would be taken, else the one kept from the try before; committed."""
    offered = [held] if held is not None else []
    if report and report[1] and not form.police_report.errors:
        offered = held_evidence.hold([report], now=utcnow(), ip=client_ip()) or offered
    offered = held_evidence.offer(offered)
    db.session.commit()
    return offered


@bp.errorhandler(CSRFError)
def form_expired(error):
    """The request form sent after its token expired (a long account of the scam written over
    hours on a phone): it comes back as typed, the police report held as on a refused form,
    with a fresh token and a word, instead of a bare "the form has expired" page that lost it
    all (CMP-6). Nothing was filed."""
    from app.errors import handle_csrf_error

    if http_request.endpoint != "ip_requests.new" or http_request.method != "POST" \
            or not current_user.is_authenticated:
        return handle_csrf_error(error)
    form = IpRequestForm()
    form.form_errors.append(str(EXPIRED))
    upload = form.police_report.data
    report = (upload.filename, upload.read()) if upload and upload.filename else None
    held = next(iter(held_evidence.kept(
        http_request.form.getlist(held_evidence.FIELD), now=utcnow())), None)
    _check_file(form, report)
    kept = _keep_report(form, report, held)
    if report and not kept and not form.police_report.errors:
        form.police_report.errors = [str(FILE_AGAIN)]
    return render_template("ip_requests/new.html", form=form, held=kept), 400


def _tell_every_problem(form, data, report, held=None):
    """A form refused for its shapes also hears the rules' problems with the other fields
    and whether its file would be taken: one answer for every mistake, not one per round."""
    problems, _values = filing.request_problems(current_user, data, report, now=utcnow(),
                                                held=held)
    db.session.rollback()  # (the checks only read)
    show_further_errors(form, problems)
    _check_file(form, report)


def _check_file(form, report):
    """Say now whether the police report sent would be taken (it must be chosen again)."""
    if report and not form.police_report.errors:
        try:
            check_evidence_file(report[1])
        except UploadRejected as error:
            form.police_report.errors = [str(error.message)]


def _item_of(request):
    if request.target_type == "listing":
        return db.session.get(Listing, request.target_id)
    if request.target_type == "auction":
        return db.session.get(Auction, request.target_id)
    return None


@bp.route("/<int:request_id>")
@login_required
def show(request_id):
    """One request. Its addresses are shown only when it is approved and not closed, and
    each showing is an audit entry (MOD-10)."""
    request = _visible_or_404(request_id)
    found, now = None, utcnow()
    if decisions.may_see_addresses(current_user, request, now):
        # Entries this worker still holds go to the log first; then this reading request
        # writes (the audit entry) as a writer from a fresh snapshot: on SQLite a read
        # transaction that another connection's commit overtook cannot become a writer.
        flush_traffic_log(current_app)
        begin_immediate(db.session)
        found = decisions.release(request, current_user, now=now, ip=client_ip())
        db.session.commit()
    response = make_response(render_template(
        "ip_requests/show.html", request=request, addresses=found, released=found is not None,
        item=_item_of(request), close_form=EmptyForm()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:request_id>/close", methods=["POST"])
@require(can_moderate)
def close(request_id):
    """A moderator closes an approved request: the release and the traffic-log hold end."""
    request = db.get_or_404(IpRequest, request_id)
    if EmptyForm().validate_on_submit():
        try:
            decisions.close(request, current_user, now=utcnow(), ip=client_ip())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_l("The request is closed."), "success")
    return redirect(url_for("ip_requests.show", request_id=request_id))


@bp.route("/<int:request_id>/report")
@bp.route("/<int:request_id>/report/<any(thumb, large):size>.jpg")
@login_required
def report(request_id, size="large"):
    """The police report, to the requester and moderators only."""
    request = _visible_or_404(request_id)
    if request.report_media == "image":
        return send_image(request.report_key, size, kind="private")
    return send_pdf(request.report_key, f"police-report-{request.id}.pdf")
