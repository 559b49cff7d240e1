"""The pages after the sign-up form (ACC-1): "check your e-mail", the link that opens the
account, and "not active yet" with its "Send the link again" button for a log-in before the
link was opened. Thin: the rules live in ``signup`` and ``unconfirmed``."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.accounts import bp, sessions, signup, unconfirmed
from app.blueprints.accounts.errors import AccountError
from app.blueprints.accounts.forms import ConfirmSignUpForm, LoginForm, ResendSignUpForm
from app.blueprints.accounts.login import log_in, log_out
from app.database import utcnow
from app.extensions import db, limiter
from app.i18n import current_language, format_datetime

#: One bucket of ``RATELIMIT_SIGNUP`` per address for everything that mails a sign-up link or
#: warning (ACC-8): the sign-up form (``views.register``) and "Send the link again", so one
#: address cannot have twice as many sent by using both.
SIGN_UP_MAILS = "sign-up-mails"


def sign_up_mail_limit(**options):
    """The shared limit on sign-up mails per address (:data:`SIGN_UP_MAILS`)."""
    return limiter.shared_limit(lambda: current_app.config["RATELIMIT_SIGNUP"],
                                scope=SIGN_UP_MAILS, methods=["POST"], **options)


@bp.route("/register/sent")
def sign_up_sent():
    """Where every accepted sign-up lands, whether or not its address had an account."""
    if current_user.is_authenticated:  # (as the sign-up form itself does)
        return redirect(url_for("main.home"))
    return render_template("accounts/sign_up_sent.html", hours=signup.LINK_HOURS)


def _link_key():
    """The rate-limit key of the sign-up link a request is for (its hash: the link itself
    opens an account and is kept nowhere)."""
    return "sign-up-link:" + sessions.token_hash((request.view_args or {}).get("token", ""))


def _wrong_password(response):
    return bool(g.get("sign_up_password_wrong"))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP_LINK"], methods=["POST"],
               key_func=_link_key, scope="sign-up-link", deduct_when=_wrong_password)
def confirm_sign_up(token):
    """The link mailed to a new address: the password chosen at sign-up and a button open the
    account and log the member in (a GET changes nothing, so a mail scanner that follows
    links does not use it up). Wrong passwords are limited per address (the route's limit)
    and per link (``RATELIMIT_SIGNUP_LINK``, counting only wrong ones)."""
    now = utcnow()
    form = ConfirmSignUpForm()
    try:
        pending = signup.find_pending(token, now)
    except signup.SignUpLinkJustUsed as error:
        if request.method == "POST" and form.validate_on_submit():  # the button pressed twice
            return _open(token, form, None, now)  # (the password is checked there too)
        if current_user.is_authenticated and current_user.id == error.user.id:
            return redirect(url_for("main.home"))
        return _invalid(error)
    except AccountError as error:
        return _invalid(error)
    if not form.is_submitted():
        form.display_name.data = pending.display_name
        if signup.name_taken(pending.display_name):
            # Taken by someone else while the link waited: said before the button is pressed.
            form.display_name.errors = [str(_l(
                "Someone else took the display name you chose while your link was waiting. "
                "Please choose another one to finish opening your account."))]
    elif form.validate():
        return _open(token, form, pending, now)
    return _confirm_page(form, pending, token)


def _confirm_page(form, pending, token):
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/sign_up_confirm.html", form=form, pending=pending,
                           token=token), status


def _open(token, form, pending, now):
    """Open the account from the posted form; a wrong password or a taken name comes back on
    the form, what was typed kept (the password excepted)."""
    try:
        user = signup.confirm_sign_up(token, password=form.password.data,
                                      display_name=form.display_name.data, now=now)
    except signup.SignUpLinkJustUsed as error:
        return _welcome(error.user)
    except signup.SignUpLinkInvalid as error:
        return _invalid(error)
    except AccountError as error:
        db.session.rollback()
        if error.field == "password":
            g.sign_up_password_wrong = True  # counted against the link (route doc)
        if error.field not in ("display_name", "password") or pending is None:
            return _invalid(error)
        field = getattr(form, error.field)
        field.errors = list(field.errors) + [str(error.message)]
        return _confirm_page(form, pending, token)
    return _welcome(user)


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


def sign_up_waiting(login_form, pending, *, next_url=None, problem=None, status=422):
    """The log-in page telling whoever typed the password of ``pending`` that the account
    waits for the link mailed to it, until when that works, with "Send the link again"
    (``unconfirmed``); ``problem``: why the last "again" sent nothing."""
    resend_form = ResendSignUpForm(formdata=None, data={
        "proof": unconfirmed.resend_proof(pending)})
    return render_template("accounts/login.html", form=login_form, waiting=pending,
                           resend_form=resend_form, resend_problem=problem,
                           next_url=next_url or url_for("main.home")), status


@bp.route("/register/again", methods=["POST"])
@sign_up_mail_limit()
def send_sign_up_link_again():
    """"Send the link again" (ACC-1), from a log-in with the password of a sign-up whose link
    was not opened: only with that log-in's proof, within the sign-up mails an address may
    be sent an hour (``signup.send_link_again``)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ResendSignUpForm()
    now = utcnow()
    try:
        if not form.validate_on_submit():
            raise unconfirmed.ResendProofInvalid()
        pending = unconfirmed.sign_up_from_proof(form.proof.data, now)
        fresh = signup.send_link_again(pending, now=now, locale=current_language())
        db.session.commit()
    except signup.SignUpMailLimit as error:
        db.session.rollback()
        login_form = LoginForm(formdata=None, data={"email": pending.email})
        return sign_up_waiting(login_form, pending, problem=error.message, status=429)
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.login"))
    flash(_l("We have sent a new link to %(email)s. It works until %(time)s (Bangkok time).",
             email=fresh.email, time=format_datetime(fresh.expires_at)), "success")
    return redirect(url_for("accounts.login"))
