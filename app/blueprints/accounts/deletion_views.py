"""The account-deletion page (ACC-9): ask with the password, see what must settle first,
retry or withdraw. Thin: the rules live in ``deletion``."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from app.blueprints.accounts import bp, deletion
from app.blueprints.accounts.deletion_items import SHOWN, open_items
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.forms import REQUIRED, TOO_LONG
from app.blueprints.accounts.login import log_out
from app.blueprints.accounts.passwords import MAX_PASSWORD_LENGTH
from app.blueprints.accounts.views import show_error
from app.database import utcnow
from app.extensions import db, limiter
from app.forms import EmptyForm, TalatForm


class DeleteAccountForm(TalatForm):
    """Confirm the deletion with the password."""

    password = PasswordField(_l("Your password"), validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG)])
    confirm = BooleanField(_l("I understand that my account cannot be restored"),
                           validators=[DataRequired(REQUIRED)])


def _page(form, status=200):
    open_now = deletion.blockers(current_user, utcnow())
    return render_template(
        "accounts/delete.html", form=form, cancel_form=EmptyForm(formdata=None),
        waiting=deletion.waiting_request(current_user), open_now=open_now,
        items=open_items(current_user, open_now), shown=SHOWN,
        labels=deletion.BLOCKER_LABELS), status


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def delete_account():
    """Ask for the deletion; it completes at once when nothing is open."""
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page(form, 422 if form.is_submitted() else 200)
    try:
        request = deletion.request_deletion(current_user, form.password.data, now=utcnow())
        done = request.completed_at is not None
        if done:
            log_out()
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        show_error(form, error)
        return _page(form, 422)
    if done:
        flash(_l("Your account has been deleted. Goodbye."), "info")
        return redirect(url_for("main.home"))
    flash(_l("Your request is recorded. Your account will be deleted as soon as what is "
             "listed below has settled."), "info")
    return redirect(url_for("accounts.delete_account"))


@bp.route("/account/delete/cancel", methods=["POST"])
@login_required
def cancel_deletion():
    """Withdraw a waiting deletion request."""
    if EmptyForm().validate_on_submit():
        if deletion.cancel(current_user, now=utcnow()) is not None:
            db.session.commit()
            flash(_l("Your deletion request is withdrawn; your account stays."), "success")
    return redirect(url_for("accounts.delete_account"))
