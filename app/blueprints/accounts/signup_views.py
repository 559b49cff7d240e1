"""The pages after the sign-up form (ACC-1): "check your e-mail", and the link that opens the
account. Thin: the rules live in ``signup``."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.blueprints.accounts import bp, signup
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.forms import ConfirmSignUpForm
from app.blueprints.accounts.login import log_in, log_out
from app.database import utcnow
from app.extensions import db, limiter
from app.forms import EmptyForm


@bp.route("/register/sent")
def sign_up_sent():
    """Where every accepted sign-up lands, whether or not its address had an account."""
    if current_user.is_authenticated:  # (as the sign-up form itself does)
        return redirect(url_for("main.home"))
    return render_template("accounts/sign_up_sent.html", hours=signup.LINK_HOURS)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
def confirm_sign_up(token):
    """The link mailed to a new address: a button opens the account and logs the member in
    (a GET changes nothing, so a mail scanner that follows links does not use it up)."""
    now = utcnow()
    try:
        pending = signup.find_pending(token, now)
    except signup.SignUpLinkJustUsed as error:
        if request.method == "POST" and EmptyForm().validate():  # the button pressed twice
            return _welcome(error.user)
        if current_user.is_authenticated and current_user.id == error.user.id:
            return redirect(url_for("main.home"))
        return _invalid(error)
    except AccountError as error:
        return _invalid(error)
    form = ConfirmSignUpForm(data={"display_name": pending.display_name})
    if form.validate_on_submit():
        try:
            user = _confirm(token, form.display_name.data, now)
        except signup.SignUpLinkJustUsed as error:
            return _welcome(error.user)
        except signup.SignUpLinkInvalid as error:
            return _invalid(error)
        except AccountError as error:
            db.session.rollback()
            if error.field != "display_name":
                return _invalid(error)
            form.display_name.errors = list(form.display_name.errors) + [str(error.message)]
        else:
            return _welcome(user)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/sign_up_confirm.html", form=form, pending=pending,
                           token=token), status


def _confirm(token, display_name, now):
    """Open the account; a confirmation sent at the same moment (a double tap) that got
    there first is found by the second try."""
    try:
        user = signup.confirm_sign_up(token, display_name=display_name, now=now)
        db.session.flush()
        return user
    except IntegrityError:  # the address or the name was taken by a simultaneous request
        db.session.rollback()
        return signup.confirm_sign_up(token, display_name=display_name, now=now)


def _welcome(user):
    if current_user.is_authenticated:
        log_out()
    log_in(user, remember=False)
    db.session.commit()
    flash(_l("Welcome to Talat, %(name)s!", name=user.display_name), "success")
    return redirect(url_for("main.home"))


def _invalid(error):
    db.session.rollback()
    return render_template("accounts/reset_invalid.html", message=error.message,
                           sign_up_link=True), 400
