"""The owner's page about a suspended page (CMP-3): why it is hidden (reason, rule), how to
correct it, and the one counter-statement with evidence files; afterwards, its state."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import MultipleFileField
from sqlalchemy.exc import IntegrityError
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.forms import REQUIRED, TEXT_TOO_LONG
from app.blueprints.accounts.views import show_error
from app.blueprints.complaints import bp, counter, hiding
from app.blueprints.complaints.evidence import chosen
from app.blueprints.complaints.intake_views import (kept_files, name_refused_files,
                                                    offer_files_again)
from app.database import utcnow
from app.extensions import db
from app.forms import TalatForm, uploaded_files
from app.models.complaints import Complaint, ComplaintTarget
from app.permissions import can_moderate
from app.uploads import EVIDENCE_ACCEPT, UploadRejected


class CounterForm(TalatForm):
    """The owner's counter-statement (CMP-3)."""

    body = TextAreaField(_l("Your counter-statement"), validators=[
        DataRequired(REQUIRED), Length(max=counter.MAX_BODY, message=TEXT_TOO_LONG)])
    files = MultipleFileField(_l("Evidence: photos or PDF files (at most 5)"),
                              render_kw={"accept": EVIDENCE_ACCEPT})


def _target_or_404(target_id):
    target = db.session.get(ComplaintTarget, target_id)
    if target is None or not target.outcome:
        abort(404)
    if target.owner_id != current_user.id and not can_moderate(current_user):
        abort(404)
    return target


@bp.route("/pages/<int:target_id>/answer", methods=["GET", "POST"], endpoint="counter")
@login_required
def counter_page(target_id):
    """The owner reads why the page is suspended and may answer once."""
    target = _target_or_404(target_id)
    complaint = db.session.get(Complaint, target.complaint_id)
    form = CounterForm()
    may_answer = counter.may_counter(current_user, target)
    if form.is_submitted() and not may_answer:
        if target.owner_id == current_user.id and counter.statement_of(target) is not None:
            # The answer sent again (a double tap, a re-send after a slow upload): the first
            # one counts, and the owner is told so, not refused as if it were not theirs.
            flash(_l("Your counter-statement had already been sent."), "info")
            return redirect(url_for("complaints.counter", target_id=target.id))
        abort(403)
    files = chosen(uploaded_files(form.files)) if form.is_submitted() else []
    if may_answer and form.validate_on_submit():
        try:
            counter.file_counter(target, current_user, form.body.data, files,
                                 held=kept_files(), now=utcnow())
            db.session.commit()
        except UploadRejected as error:
            db.session.rollback()
            form.files.errors = [str(error.message)]
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        except IntegrityError:
            # The same answer sent twice at once (a double click): the first one counts.
            db.session.rollback()
            flash(_l("Your counter-statement had already been sent."), "error")
            return redirect(url_for("complaints.counter", target_id=target_id))
        else:
            flash(_l("Your counter-statement has been sent to the moderators. We will tell "
                     "you their decision."), "success")
            return redirect(url_for("complaints.counter", target_id=target.id))
    # A refused answer keeps the evidence files it would take, as the complaint form does,
    # and names those it would not.
    kept = []
    if form.is_submitted():
        name_refused_files(form, files)
        kept = offer_files_again(files)
    page = hiding.target_object(target)
    # Restored after the owner deleted the page: it stays gone, not "published again".
    gone = target.outcome == "restored" and hiding.page_gone(target.target_type, page)
    return render_template("complaints/counter.html", target=target, complaint=complaint,
                           page=page, form=form, gone=gone, kept=kept,
                           may_answer=may_answer, statement=counter.statement_of(target),
                           held=not gone and target.outcome == "restored"
                           and hiding.hidden_by_complaint(target.target_type,
                                                          target.target_id)), \
        422 if form.is_submitted() else 200


@bp.app_template_global()
def complaint_hold(target_type, target_id):
    """For the banner on a suspended page (CMP-3): the complaint target hiding it, when the
    viewer is its owner or a moderator; otherwise None."""
    if not current_user.is_authenticated:
        return None
    hold = hiding.hidden_notice(target_type, target_id)
    if hold is None or (hold.owner_id != current_user.id and not can_moderate(current_user)):
        return None
    return hold
