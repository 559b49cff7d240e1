"""Account pages. Thin: parse the form, call a service, commit, redirect or re-render."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.accounts import bp, reset_requests, services, signup
from app.blueprints.accounts.errors import (
    AccountError, EmailTaken, LoginBlocked, ResetTokenUsed, SignUpNotConfirmed)
from app.blueprints.accounts.forms import (
    ChangePasswordForm, GuardianForm, LoginForm, ProfileForm, RegisterForm, ResetPasswordForm,
    ResetRequestForm)
from app.blueprints.accounts.login import current_token, log_in, log_out
from app.blueprints.accounts.signup_views import sign_up_mail_limit, sign_up_waiting
from app.database import utcnow
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.i18n import LANG_COOKIE, current_language
from app.models import User
from app.notifications import register_link
from app.traffic import note_target_member, record_refusal
from app.net import client_ip
from app.urls import external_url, safe_next


def _limit(name, **options):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"], **options)


def _created_account(response):
    """Whether the form accepted a sign-up (a link or, for an address that has an account, a
    warning was mailed; both count alike, or the limit would tell them apart): refused forms
    (a typo, a taken name) are not counted against the sign-ups one address may make (many
    Thai mobile users share one carrier address); every post still counts against the looser
    limit on attempts."""
    return bool(g.get("account_created"))


def show_further_errors(form, problems):
    """The rules' ``problems`` with a form its own checks refused: each on its field unless
    those checks already flagged that field (one answer for every mistake, not one per
    round). A field the rules find several problems with gets them all."""
    flagged = {name for name, field in form._fields.items() if field.errors}
    for problem in problems:
        if not problem.field or problem.field not in flagged:
            show_error(form, problem)


def show_error(form, error):
    """Put a service's error on the field it concerns, or on the form as a whole (each of
    them for :class:`AccountErrors`); a field keeps one message of each."""
    for one in getattr(error, "errors", None) or [error]:
        field = getattr(form, one.field, None) if one.field else None
        message = str(one.message)
        if field is not None:
            if message not in field.errors:
                field.errors = list(field.errors) + [message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


@bp.route("/register", methods=["GET", "POST"])
@sign_up_mail_limit(deduct_when=_created_account)
@_limit("RATELIMIT_SIGNUP_ATTEMPTS")
def register():
    """Sign up (ACC-1, ACC-3). A form without mistakes always lands on "check your e-mail",
    whether or not its address has an account (``signup``): the page never says who is a
    member."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.is_submitted() and not form.validate():
        # Whatever the form itself found, the rules' own problems are told in the same
        # answer: one round trip, not one per mistake.
        # (A field the form refused keeps that one message: an empty e-mail is "required",
        # not also "not a valid address".)
        show_further_errors(form, [problem for problem in services.registration_problems(
            **_registration(form), now=utcnow()) if not isinstance(problem, EmailTaken)])
    elif form.is_submitted():
        try:
            signup.request_sign_up(**_registration(form), locale=current_language(),
                                   now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            # Counted against the accounts an address may create whichever mail went out:
            # counting only new addresses would let the limit tell them apart (ACC-8).
            g.account_created = True
            return redirect(url_for("accounts.sign_up_sent"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


def _registration(form):
    """The sign-up form's values as :func:`signup.request_sign_up` takes them."""
    return dict(email=form.email.data or "", password=form.password.data or "",
                display_name=form.display_name.data or "", birth_date=form.birth_date.data,
                guardian_name=form.guardian_name.data, guardian_email=form.guardian_email.data,
                guardian_consent=form.guardian_consent.data)


@bp.route("/login", methods=["GET", "POST"])
@_limit("RATELIMIT_LOGIN")
def login():
    """Log in (ACC-1) with the per-address lockout (ACC-4)."""
    next_url = safe_next(request.args.get("next"), url_for("main.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        note_target_member(services.member_id_for_email(form.email.data))
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         ip=client_ip(), now=utcnow())
            log_in(user, remember=form.remember.data)
            db.session.commit()
        except SignUpNotConfirmed as error:  # the password of a sign-up still waiting
            db.session.commit()  # keep the recorded failure
            return sign_up_waiting(form, error.pending, next_url=next_url)
        except LoginBlocked as error:
            db.session.commit()  # keep the failure that caused the block
            show_error(form, error)
            status = 429
            record_refusal()  # an attempt on an account, not a flood: the log keeps it
        except AccountError as error:
            db.session.commit()  # keep the recorded failure
            show_error(form, error)
            status = 422
        else:
            flash(_l("You are logged in."), "success")
            return redirect(next_url)
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form, next_url=next_url), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out: the session is deleted on the server, not just forgotten by the browser."""
    form = EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        log_out()
        db.session.commit()
        flash(_l("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def forgot_password():
    """Ask for a reset link (ACC-1). The answer is the same whether or not the address is
    known, and so is the work done before it: the address is looked up only after the
    answer has gone (``reset_requests``); every post counts against the limit alike."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            reset_requests.request_password_reset(form.email.data, now=utcnow())
        except AccountError as error:  # not an e-mail address at all: said, and kept
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_l("If an account uses that address, we have sent it a link to choose a new "
                     "password. The link works once and expires soon."), "info")
            return redirect(url_for("accounts.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_password(token):
    """Choose a new password with an e-mailed single-use link."""
    now = utcnow()
    try:
        services.find_reset_token(token, now)
    except ResetTokenUsed as error:
        if request.method == "POST" and services.is_reset_sent_again(
                error, request.form.get("password", ""), now):  # the first one changed it
            return _password_reset_done()
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    except AccountError as error:
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, now=now)
            if current_user.is_authenticated:
                log_out()
            db.session.commit()
        except ResetTokenUsed as error:
            # Used by a request sent at the same moment: the same form sent twice (a double
            # tap) lands on the same success; another password (a second tab) is told the
            # link was used, as when it comes later.
            db.session.rollback()
            if services.is_reset_sent_again(error, form.password.data, now):
                return _password_reset_done()
            return render_template("accounts/reset_invalid.html", message=error.message), 400
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return _password_reset_done()
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset_password.html", form=form, token=token), status


def _password_reset_done():
    flash(_l("Your password has been changed. Please log in with it."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    """A member's own details; nobody else's can be reached from here."""
    form = ProfileForm(obj=current_user) if request.method == "GET" else ProfileForm()
    password_form = ChangePasswordForm(formdata=None)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, display_name=form.display_name.data,
                                    locale=form.locale.data, now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your details have been saved."), "success")
            response = redirect(url_for("accounts.profile"))
            response.set_cookie(LANG_COOKIE, form.locale.data, max_age=365 * 86400,
                                samesite="Lax", httponly=True, secure=request.is_secure)
            return response
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/profile.html", form=form, password_form=password_form,
                           guardian_form=GuardianForm(obj=current_user, formdata=None),
                           user=current_user), status


@bp.route("/account/password", methods=["POST"])
@login_required
@_limit("RATELIMIT_LOGIN")
def change_password():
    """Change the password; other sessions of the member end. Limited like the log-in form,
    since a wrong current password tells whoever holds the session a guess was wrong. The
    same form sent again (a double tap) lands on the same success (the service recognises
    it)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.password.data, keep_token=current_token(), now=utcnow())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_l("Your password has been changed. Your other devices were logged out."),
                  "success")
            # "#top": the message is at the top of the page (a redirect without a fragment
            # would keep the form's "#change-password" and open below it).
            return redirect(url_for("accounts.profile", _anchor="top"))
    profile_form = ProfileForm(obj=current_user, formdata=None)
    return render_template("accounts/profile.html", form=profile_form, password_form=form,
                           guardian_form=GuardianForm(obj=current_user, formdata=None),
                           user=current_user), 422


@bp.route("/members/<int:user_id>")
def member(user_id):
    """A member's public page: display name, membership date and auction feedback (ACC-2,
    AUC-11)."""
    from app.blueprints.auctions import sales
    from app.blueprints.auctions.template_helpers import FEEDBACK_LABELS

    member = db.get_or_404(User, user_id)
    return render_template("accounts/member.html", member=member,
                           score=sales.feedback_score(member.id),
                           feedback=sales.received_feedback(member.id),
                           feedback_labels=FEEDBACK_LABELS)


def _member_link(user_id, external=False):
    """Notices about a member (a renamed display name) lead to their public page."""
    if external:
        return external_url("accounts.member", user_id=user_id)
    return url_for("accounts.member", user_id=user_id)


register_link("user", _member_link)
