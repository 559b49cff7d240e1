"""The complaint's status page (CMP-1, CMP-5), reached with its code and e-mail: each step,
the due date and business days left, the decision and reasons, the 1212 pointer when our
answer is late, and the "add information" form when a moderator asked for more.

A wrong e-mail gets the same answer as an unknown code. After a successful lookup the
session remembers the complaint (``access``), so its links carry no e-mail."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.accounts.views import show_error
from app.blueprints.complaints import access, bp, clock, held_evidence, intake
from app.blueprints.complaints.errors import ComplaintError
from app.blueprints.complaints.evidence import chosen
from app.blueprints.complaints.forms import AddInformationForm, StatusLookupForm
from app.blueprints.complaints.intake_views import (kept_files, name_refused_files,
                                                    offer_files_again)
from app.blueprints.complaints.texts import CENTRE_EMAIL, CENTRE_PHONE
from app.blueprints.complaints.titles import titles_for
from app.database import utcnow
from app.extensions import db, limiter
from app.forms import EmptyForm, uploaded_files
from app.models.complaints import Complaint, ComplaintEvidence, CounterStatement
from app.permissions import can_moderate, is_member
from app.uploads import send_image, send_pdf

NOT_FOUND = _l("We found no complaint with this tracking code and e-mail address. Check both "
               "and try again.")


def _complaint_by_code(code):
    code = intake.normalise_code(code)
    return db.session.scalar(select(Complaint).where(Complaint.code == code)) if code else None


def _status_page(complaint, info_form=None, status=200, held=()):
    now = utcnow()
    steps = [event for event in complaint.events if not event.internal]
    # What each reported page is called now, unless its rating keeps it from this viewer.
    titles, rated_out = titles_for(complaint.targets, current_user, now)
    return render_template(
        "complaints/status.html", complaint=complaint, steps=steps,
        days_left=clock.business_days_left(complaint.due_at, now),
        late=clock.is_late(complaint, now), decided_late=clock.decided_late(complaint),
        centre_phone=CENTRE_PHONE,
        centre_email=CENTRE_EMAIL, may_forget=access.remembered(complaint), titles=titles,
        rated_out=rated_out, held=held,
        info_form=info_form or (AddInformationForm() if complaint.status == "needs_info"
                                else None)), status


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_COMPLAINT_STATUS"], methods=["POST"])
def status():
    """Look a complaint up by code and e-mail; show it to a browser that may see it."""
    form = StatusLookupForm()
    if form.validate_on_submit():
        complaint = intake.find_complaint(form.code.data, form.email.data)
        if complaint is not None:
            access.grant(complaint)
            return redirect(url_for("complaints.status", code=complaint.code))
        form.form_errors.append(str(NOT_FOUND))
    elif request.method == "GET":
        complaint = _complaint_by_code(request.args.get("code", ""))
        if access.granted(complaint):
            return _status_page(complaint)
        form.code.data = intake.normalise_code(request.args.get("code", "")) or None
    status = 422 if form.is_submitted() else 200
    return render_template("complaints/lookup.html", form=form), status


@bp.route("/status/<code>/forget", methods=["POST"])
def forget(code):
    """This browser stops showing the complaint (a shared computer, an internet café): its
    status page, receipt and evidence need the code and e-mail again. Nothing else changes."""
    complaint = _complaint_by_code(code)
    if not access.granted(complaint):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    access.forget(complaint)
    flash(_l("This browser no longer shows complaint %(code)s. To see it again, look it up "
             "with its tracking code and e-mail address.", code=complaint.code), "success")
    return redirect(url_for("complaints.status"))


@bp.route("/status/<code>/information", methods=["POST"])
def add_information(code):
    """The complainant sends the information a moderator asked for, with evidence."""
    complaint = _complaint_by_code(code)
    if not access.granted(complaint):
        abort(404)
    form = AddInformationForm()
    if complaint.status != "needs_info":
        # Sent again after it was added (a double tap, a re-send after a slow upload), or a
        # moderator decided meanwhile: the steps say where it stands; no form to fill again.
        flash(_l("This complaint is no longer waiting for information from you: if you just "
                 "sent it, it has reached us. The steps below show where the complaint "
                 "stands."), "info")
        return redirect(url_for("complaints.status", code=complaint.code))
    files = chosen(uploaded_files(form.files))
    if form.validate_on_submit():
        try:
            intake.add_information(complaint, form.body.data, files, held=kept_files(),
                                   now=utcnow())
            db.session.commit()
        except ComplaintError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Thank you: your information has been added and the moderators will look "
                     "at your complaint again."), "success")
            return redirect(url_for("complaints.status", code=complaint.code))
    # The evidence files it would take are held for the next try, as on the complaint form;
    # those it would not are named.
    name_refused_files(form, files)
    return _status_page(complaint, info_form=form, status=422, held=offer_files_again(files))


def expired_information(code, message):
    """The status page with the "add information" form as it was typed and ``message``, for
    an answer sent after its form's token expired; None when this browser may not see the
    complaint or it no longer waits for information (the site's own error page then)."""
    complaint = _complaint_by_code(code)
    if not access.granted(complaint) or complaint.status != "needs_info":
        return None
    form = AddInformationForm()
    form.form_errors.append(str(message))
    held = held_evidence.offer(kept_files())
    db.session.rollback()
    return _status_page(complaint, info_form=form, status=400, held=held)


def _may_see_evidence(entry):
    if can_moderate(current_user):
        return True
    if entry.counter_statement_id is not None:
        statement = db.session.get(CounterStatement, entry.counter_statement_id)
        return is_member(current_user) and statement.author_id == current_user.id
    return access.granted(db.session.get(Complaint, entry.complaint_id))


@bp.route("/evidence/<int:evidence_id>")
@bp.route("/evidence/<int:evidence_id>/<any(thumb, large):size>.jpg")
def evidence(evidence_id, size="large"):
    """An evidence file: to moderators, the complainant (logged in or looked up in this
    session) and, for a counter-statement's files, the owner who sent them; 404 to others."""
    entry = db.session.get(ComplaintEvidence, evidence_id)
    if entry is None or not _may_see_evidence(entry):
        abort(404)
    if entry.media == "image":
        return send_image(entry.key, size, kind="private")
    return send_pdf(entry.key, f"evidence-{entry.id}.pdf")
