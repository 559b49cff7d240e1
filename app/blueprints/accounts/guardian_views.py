"""The guardian's consent page (ACC-3) and the member's "send it again". Thin: the rules live
in ``guardian``."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts import bp, guardian
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.forms import ChangePasswordForm, GuardianForm, ProfileForm
from app.database import utcnow
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.i18n import BUDDHIST_ERA_OFFSET, current_language
from app.permissions import awaiting_guardian
from app.urls import safe_next


@bp.route("/guardian/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def guardian_consent(token):
    """A parent or guardian, usually not a member, agrees to a child's registration or not."""
    now = utcnow()
    try:
        member = guardian.member_for_link(token)
    except AccountError as error:
        return render_template("accounts/reset_invalid.html", message=error.message,
                               guardian_link=True), 400
    form = EmptyForm()
    year = member.birth_date.year  # (the Buddhist-era year in Thai, as Thai dates read)
    page = dict(member=member, form=form, message=None,
                born=year + BUDDHIST_ERA_OFFSET if current_language() == "th" else year,
                agreed=member.guardian_consent_at)
    if form.validate_on_submit():
        decision = request.form.get("decision")
        if decision == "refuse" and member.guardian_consent_at is None:
            # Deleting cannot be undone, and its button sits beside "I agree": one tap on the
            # wrong one (a phone) must not delete the child's account. Asked once more.
            return render_template("accounts/guardian_consent.html", confirm_refusal=True,
                                   **page)
        try:
            if decision == "agree":
                guardian.agree(member, now=now)
            elif decision in ("refuse", "refuse_confirmed"):  # (refuse: already agreed)
                guardian.refuse(member, now=now)
            else:
                raise AccountError(_l("Please choose whether you agree."))
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            return render_template("accounts/guardian_consent.html", member=None, form=form,
                                   message=error.message), 422
        return render_template("accounts/guardian_done.html", agreed=decision == "agree")
    return render_template("accounts/guardian_consent.html", **page)


@bp.route("/account/guardian/resend", methods=["POST"])
@login_required
def resend_guardian_mail():
    """The member under 18 has the consent e-mail sent to their guardian again."""
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            guardian.ask_again(current_user, now=utcnow())
            db.session.commit()
            flash(_l("We have sent the e-mail to %(email)s again.",
                     email=current_user.guardian_email), "success")
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
    # Back to the page the banner's button was pressed on (ACC-3), the account page by default.
    return redirect(safe_next(request.form.get("next"), url_for("accounts.profile")))


@bp.route("/account/guardian", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def change_guardian():
    """The member under 18 corrects the guardian's name or address (ACC-3); the consent
    e-mail goes to the address now given."""
    from app.blueprints.accounts.views import show_error

    form = GuardianForm()
    if form.validate_on_submit():
        try:
            guardian.change_guardian(current_user, name=form.guardian_name.data,
                                     email=form.guardian_email.data, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            if not awaiting_guardian(current_user):  # (agreed meanwhile: no form to show it)
                flash(error.message, "error")
                return redirect(url_for("accounts.profile"))
            show_error(form, error)
        else:
            flash(_l("We have sent the e-mail to %(email)s.", email=current_user.guardian_email),
                  "success")
            return redirect(url_for("accounts.profile", _anchor="top"))
    return render_template("accounts/profile.html", user=current_user, guardian_form=form,
                           form=ProfileForm(obj=current_user, formdata=None),
                           password_form=ChangePasswordForm(formdata=None)), 422
