"""The public complaint form (CMP-1), its receipt, and a member's own complaints. Thin:
parse the form, call ``intake``, commit once, redirect or re-render with what was typed."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from app.blueprints.accounts.views import show_error, show_further_errors
from app.blueprints.complaints import (access, bp, clock, evidence, held_evidence, intake,
                                      problems)
from app.blueprints.complaints.errors import AlreadyFiled, ComplaintError, ComplaintErrors
from app.blueprints.complaints.forms import ComplaintForm, StatusLookupForm
from app.database import utcnow
from app.extensions import db, limiter
from app.forms import uploaded_files
from app.i18n import current_language
from app.models.complaints import Complaint
from app.net import client_ip
from app.permissions import is_member
from app.urls import text_arg

EXPIRED = _l("The form had expired, so nothing was sent. What you typed is below: check it "
             "and send it again.")
FIELDS = ("name", "organisation", "email", "phone", "role", "kind", "description",
          "original_url", "good_faith", "accurate", "signature")


def _limit(name, **options):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"], **options)


def _filed(response):
    """Whether a post of the form filed a complaint: a refused form does not count, nor a
    duplicate sent back to the first one's receipt (it filed nothing)."""
    return response.status_code < 400 and not g.get("complaint_duplicate")


def _prefill(form):
    """A member's e-mail; the page a "report" link came from (``?url=``). The full name is
    left for the complainant to type (CMP-1): an account holds only a display name, a
    nickname such as "Somchai amulets", which is not the legal name a complaint is made and
    signed in (the field asks the browser for the person's own name instead)."""
    if is_member(current_user):
        form.email.data = current_user.email
    url = text_arg("url", 500)
    if url:
        form.urls.data = url


@bp.route("/new", methods=["GET", "POST"])
@_limit("RATELIMIT_COMPLAINT", deduct_when=_filed)
@_limit("RATELIMIT_COMPLAINT_POSTS")
def new():
    """The complaint form, open to anyone (CMP-1). A refused form comes back as typed, with
    the evidence files it would take held for the next try."""
    form = ComplaintForm()
    if request.method == "GET":
        _prefill(form)
        return render_template("complaints/new.html", form=form, held=[])
    shaped = form.validate_on_submit()
    data = {name: getattr(form, name).data for name in FIELDS}
    data["urls"] = (form.urls.data or "").splitlines()
    files = evidence.chosen(uploaded_files(form.files))
    held = kept_files()
    complainant = current_user if is_member(current_user) else None
    if not shaped:
        # The rules' problems with the fields the form's own checks let through, too.
        show_further_errors(form, _every_problem(data, files, complainant, held))
    else:
        try:
            complaint = intake.file_complaint(
                data, files, complainant=complainant, held=held,
                now=utcnow(), ip=client_ip(), locale=current_language())
            db.session.commit()
        except ComplaintError as error:
            db.session.rollback()
            show_error(form, error)
            show_error(form, ComplaintErrors(
                _every_problem(data, files, complainant, held) or [error]))
        except AlreadyFiled as sent:
            db.session.rollback()
            return _already_filed(sent.complaint)
        else:
            access.grant(complaint)
            return redirect(url_for("complaints.receipt", code=complaint.code))
    return render_template("complaints/new.html", form=form, held=offer_files_again(files)), 422


def kept_files():
    """The files held from an earlier try of the form that its ticked boxes keep."""
    return held_evidence.kept(request.form.getlist(held_evidence.FIELD), now=utcnow())


def name_refused_files(form, files):
    """On a refused form, name on its file field each chosen file that evidence would not
    take (CMP-1, CMP-3): the files it would take are held for the next try and the form says
    a file named in an error must be chosen again, so one left out unnamed was lost without
    the sender knowing."""
    for problem in evidence.file_problems(files, len(kept_files())):
        show_error(form, problem)


def offer_files_again(files):
    """The files a refused form offers again (:func:`evidence.offer_again`), committed."""
    offered = evidence.offer_again(request.form.getlist(held_evidence.FIELD), files,
                                   now=utcnow(), ip=client_ip())
    db.session.commit()
    return offered


def _every_problem(data, files, complainant, held):
    """All that is wrong with the complaint sent, in one answer (the checks only read)."""
    found = problems.complaint_problems(data, files, viewer=complainant, held=len(held),
                                        now=utcnow())
    db.session.rollback()
    return found


def _already_filed(complaint):
    """The form sent again (a double tap, a re-send after a slow upload): one complaint is
    filed. This browser, if it saw the first receipt, sees it again; any other is told the
    code is in the receipt e-mailed to the address (the code is not shown to whoever merely
    repeats what was typed)."""
    g.complaint_duplicate = True  # not counted against the complaints one may file (_filed)
    if access.granted(complaint):
        flash(_l("You had already sent this complaint: here is its receipt."), "info")
        return redirect(url_for("complaints.receipt", code=complaint.code))
    flash(_l("This complaint had already reached us a moment ago, so it was not filed twice. "
             "Its tracking code is in the receipt we e-mailed to %(email)s.",
             email=complaint.email), "info")
    return redirect(url_for("complaints.status"))


@bp.errorhandler(CSRFError)
def form_expired(error):
    """The complaint form (or the answer to a moderator's question) sent after its token
    expired (a long text written over hours on a phone, a browser session that ended): it
    comes back as typed, with a fresh token, instead of a bare error page that loses it.
    Nothing was filed."""
    from app.blueprints.complaints.status_views import expired_information
    from app.errors import handle_csrf_error

    if request.method == "POST" and request.endpoint == "complaints.add_information":
        return expired_information(request.view_args["code"], EXPIRED) or \
            handle_csrf_error(error)
    if request.endpoint != "complaints.new" or request.method != "POST":
        return handle_csrf_error(error)
    form = ComplaintForm()
    form.form_errors.append(str(EXPIRED))
    held = held_evidence.offer(kept_files())
    db.session.rollback()
    return render_template("complaints/new.html", form=form, held=held), 400


@bp.errorhandler(429)
def too_many(error):
    """Past a limit, the complaint form (or the status lookup) comes back with what was typed
    and the files kept from an earlier try (not a bare error page that loses them) and says
    how long to wait."""
    from app.errors import form_again_past_limit

    return form_again_past_limit(error, {
        "complaints.new": (ComplaintForm, "complaints/new.html"),
        "complaints.status": (StatusLookupForm, "complaints/lookup.html")},
        held=held_evidence.offer(kept_files()))  # (files kept from an earlier try stay)


@bp.route("/receipt/<code>")
def receipt(code):
    """The tracking code and due date, right after filing (this browser only)."""
    complaint = db.session.scalar(select(Complaint).where(
        Complaint.code == intake.normalise_code(code)))
    if not access.granted(complaint):
        abort(404)
    return render_template("complaints/receipt.html", complaint=complaint)


@bp.route("/mine")
@login_required
def mine():
    """The complaints the logged-in member filed, newest first."""
    complaints = db.session.scalars(select(Complaint).where(
        Complaint.complainant_id == current_user.id)
        .order_by(Complaint.created_at.desc()).limit(200)).all()
    return render_template("complaints/mine.html", complaints=complaints, now=utcnow(),
                           clock=clock)
