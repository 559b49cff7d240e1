"""A guardian's consent for a member under 18 (ACC-3), given by the guardian, not claimed.

The sign-up of a member under 18 names a parent or guardian and their e-mail address. The
account exists once the member's own address is confirmed (``signup``), when the guardian is
mailed; the member can then log in and browse, but cannot bid, buy, sell or post (the ACC-5
gate, :func:`app.blueprints.moderation.enforcement.check_can_act`) until the guardian opens
the link mailed to them and agrees. A guardian who does not agree has the account deleted
(ACC-9). The link is signed, not stored: it names the member and the guardian's address and
lasts :data:`LINK_DAYS` days; the member may have it sent again.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.blueprints.accounts.errors import AccountError
from app.extensions import db
from app.mail import queue_mail
from app.models import AccountDeletion, EmailMessage, User
from app.notifications import SUBJECTS, TEXTS, notify_about
from app.permissions import awaiting_guardian
from app.urls import external_url

TEXTS["guardian_agreed"] = _l("Your parent or guardian has agreed to your registration. You "
                              "can now bid, buy, sell and post on Talat.")
SUBJECTS["guardian_agreed"] = _l("Your parent or guardian has agreed: your account is open")

LINK_DAYS = 14
MAIL_KIND = "guardian_consent"
#: The member may have the e-mail sent again, at most this often and this many times a day.
RESEND_MINUTES = 10
RESENDS_A_DAY = 5


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="guardian-consent")


def consent_link(user):
    """The guardian's link for ``user``: it names the member and the guardian's address, so a
    link to an earlier address stops working if the address changes."""
    token = _serializer().dumps({"member": user.id, "guardian": user.guardian_email})
    return external_url("accounts.guardian_consent", token=token)


def member_for_link(token):
    """The member a guardian's link is for, or an :class:`AccountError` saying why not."""
    try:
        data = _serializer().loads(token, max_age=LINK_DAYS * 86400)
    except SignatureExpired:
        raise AccountError(_l("This link has expired. Ask your child to send it again from "
                              "their Talat account.")) from None
    except BadSignature:
        raise AccountError(_l("This link is not valid. Please open the link exactly as it "
                              "is in the e-mail.")) from None
    user = db.session.get(User, data.get("member")) if isinstance(data, dict) else None
    if user is None or user.guardian_email is None or \
            user.guardian_email != data.get("guardian"):
        raise AccountError(_l("This account no longer exists or no longer needs your "
                              "consent."))
    return user


def ask_guardian(user):
    """E-mail the guardian the link (at sign-up, and again when the member asks)."""
    queue_mail(user.guardian_email, MAIL_KIND, user=user, locale=user.locale,
               guardian_name=user.guardian_name, link=consent_link(user), days=LINK_DAYS)


def ask_again(user, *, now):
    """The member has the e-mail sent again: not more than once every
    :data:`RESEND_MINUTES` minutes nor :data:`RESENDS_A_DAY` times a day."""
    if not awaiting_guardian(user, now):
        raise AccountError(_l("Your parent or guardian has already agreed."))
    _check_mail_allowed(user, now)
    ask_guardian(user)


def change_guardian(user, *, name, email, now):
    """The member corrects the guardian's name or address before consent (a typo at sign-up
    left them waiting for a mail sent nowhere) and the link goes to the address now given;
    links sent to the earlier address stop working (:func:`member_for_link`). Counted with
    :func:`ask_again`'s mails, so it cannot flood anyone either. Raise :class:`AccountError`
    (on its field) for a name or address that is not one, or the member's own address."""
    from app.blueprints.accounts.errors import AccountErrors
    from app.blueprints.accounts.services import clean_person_name, normalise_email

    if not awaiting_guardian(user, now):
        raise AccountError(_l("Your parent or guardian has already agreed."))
    problems, cleaned = [], {}
    try:
        cleaned["name"] = clean_person_name(name or "", "guardian_name")
    except AccountError as error:
        problems.append(error)
    try:
        cleaned["email"] = normalise_email(email or "")
    except AccountError:
        problems.append(AccountError(
            _l("Please enter your parent or guardian's e-mail address."), field="guardian_email"))
    else:
        if cleaned["email"] == user.email:
            problems.append(AccountError(_l("Your guardian's e-mail address must be their "
                                            "own, not yours."), field="guardian_email"))
    if problems:
        raise AccountErrors(problems)
    # A new address has had nothing from us: no need to wait the minutes that protect one
    # inbox (the day's count still holds).
    _check_mail_allowed(user, now, minutes=cleaned["email"] == user.guardian_email)
    user.guardian_name, user.guardian_email = cleaned["name"], cleaned["email"]
    ask_guardian(user)


def _check_mail_allowed(user, now, minutes=True):
    """Raise :class:`AccountError` when the guardian's mail went :data:`RESENDS_A_DAY` times
    in 24 hours or (``minutes``) less than :data:`RESEND_MINUTES` ago."""
    sent = db.session.scalars(select(EmailMessage.created_at).where(
        EmailMessage.user_id == user.id, EmailMessage.kind == MAIL_KIND,
        EmailMessage.created_at > now - timedelta(days=1))
        .order_by(EmailMessage.created_at)).all()
    if len(sent) >= RESENDS_A_DAY:  # waiting minutes would not help: say until when
        from app.i18n import format_datetime

        retry_at = sent[len(sent) - RESENDS_A_DAY] + timedelta(days=1)
        raise AccountError(_l("The e-mail to your parent or guardian has been sent "
                              "%(num)d times in the past 24 hours, the most we send. Please ask "
                              "them to look in their inbox and spam folder; you can send it "
                              "again after %(time)s (Bangkok time).", num=RESENDS_A_DAY,
                              time=format_datetime(retry_at)))
    if minutes and sent and now - sent[-1] < timedelta(minutes=RESEND_MINUTES):
        raise AccountError(_l("The e-mail to your parent or guardian was sent a moment ago. "
                              "Please wait %(minutes)d minutes before asking again, and check "
                              "their spam folder.", minutes=RESEND_MINUTES))


def agree(user, *, now):
    """The guardian agrees: the member may now bid, buy, sell and post."""
    if awaiting_guardian(user, now):
        user.guardian_consent_at = now
        notify_about(user, "guardian_agreed", target_type="account", target_id=user.id,
                     facts={}, now=now)


def refuse(user, *, now):
    """The guardian does not agree: the account is deleted (ACC-9). Nothing can block it: the
    member could not bid, buy or sell before consent."""
    from app.blueprints.accounts import deletion

    if not awaiting_guardian(user, now):
        raise AccountError(_l("Your consent was already given. To close the account, please "
                              "contact us."))
    record = AccountDeletion(user_id=user.id, requested_at=now, blockers="")
    db.session.add(record)
    db.session.flush()
    deletion.attempt(record, now=now)
