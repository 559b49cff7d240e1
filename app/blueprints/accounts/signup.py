"""Sign-up by confirmed address (ACC-1): the form never tells who is a member.

The sign-up form answers every well-formed sign-up the same way ("check your e-mail"),
whether or not its address already has an account, so nobody can use it to learn who
collects on Talat. The address's owner decides what happens next:

* a new address is sent a link; the account exists only once the link is opened (so nobody
  can hold an account in someone else's address either);
* an address that has an account is sent a warning instead: someone tried to open an
  account with it, with links to log in and to choose a new password.

Whoever opens the link must also type the password chosen at sign-up
(:func:`confirm_sign_up`). Without that, anyone could sign up with someone else's address and
their own password, and the address's owner, pressing "Activate" in the mail, would open an
account tied to the owner's address that the one who signed up could log in to (an account
taken over before it existed). With it, only whoever holds both the mail and the password,
the address's owner who signed up, opens an account; the owner of an address someone else
signed up with is told to ignore the mail (no account is opened).

Both branches hash the password, keep the sign-up (a taken address's with a link nobody is
sent, so it can never be opened) and queue at most one e-mail, so neither the answer nor its
timing tells them apart; the rate limits count both alike (``views.register``). Keeping both
matters after the answer too: a log-in with the sign-up's password says "not active yet" for
either address, and "Send the link again" does for either what signing up again would
(``unconfirmed``); otherwise whoever signed up with someone's address could log in with
their own password and read from the answer whether it has an account. Mistakes in what was
typed (a malformed address, a weak password, a taken display name, which is public anyway)
are still told at once.
"""
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l, lazy_ngettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.blueprints.accounts import passwords, sessions
from app.blueprints.accounts.errors import AccountError, AccountErrors, DisplayNameTaken, EmailTaken
from app.blueprints.accounts.services import (
    clean_display_name, create_member, display_name_key, registration_problems)
from app.database import one_at_a_time
from app.extensions import db
from app.mail import queue_mail
from app.models import EmailMessage, PendingSignUp, User
from app.urls import external_url

#: How long the link mailed to a new address works.
LINK_HOURS = 48
#: Mails one address may be sent an hour by sign-ups (links or warnings): more are not
#: sent, silently (the answer stays the same), so the form cannot flood someone's inbox.
MAILS_AN_HOUR = 3
#: How long after an account was made from a link the same confirmation sent again (a
#: double tap) still lands on the welcome.
REPEAT_SECONDS = 120
CONFIRM_KIND = "sign_up_confirm"
WARNING_KIND = "sign_up_taken"


class SignUpLinkInvalid(AccountError):
    """The link is unknown, expired, or was used (and is not a double tap, below)."""

    def __init__(self):
        super().__init__(_l("This sign-up link is invalid, expired or already used. Please "
                            "sign up again, or log in if your account is ready."))


class SignUpLinkJustUsed(SignUpLinkInvalid):
    """The link made an account moments ago: the same confirmation sent twice. ``pending``:
    the sign-up of the link (whose password the confirmation must still carry)."""

    def __init__(self, user, pending):
        super().__init__()
        self.user = user
        self.pending = pending


class SignUpPasswordWrong(AccountError):
    """The password typed on the activation page is not the one chosen at sign-up."""

    field = "password"

    def __init__(self):
        super().__init__(_l("This is not the password chosen when signing up. If you did not "
                            "sign up on Talat, ignore the e-mail; no account is opened."))


class SignUpMailLimit(AccountError):
    """The address was sent :data:`MAILS_AN_HOUR` sign-up links in the past hour; the next
    may go at ``retry_at``."""

    def __init__(self, retry_at):
        from app.i18n import format_datetime

        super().__init__(lazy_ngettext(
            "This address has already been sent %(num)d link in the past hour, the most we "
            "send. Please look for it in your inbox and your spam or junk folder, or ask "
            "again after %(time)s (Bangkok time).",
            "This address has already been sent %(num)d links in the past hour, the most we "
            "send. Please look for them in your inbox and your spam or junk folder, or ask "
            "again after %(time)s (Bangkok time).", MAILS_AN_HOUR,
            time=format_datetime(retry_at)))
        self.retry_at = retry_at


def request_sign_up(*, email, password, display_name, birth_date, now, locale="th",
                    guardian_name="", guardian_email="", guardian_consent=False):
    """Take a sign-up form (ACC-1, ACC-3): raise :class:`AccountErrors` for what is wrong
    with it, as :func:`services.register_member` would, except that a taken address is never
    one of them. Otherwise mail the address: a link to finish the sign-up, or, if it already
    has an account, a warning to its owner. Returns None either way: the caller cannot tell
    which happened, so neither can the visitor."""
    checked = {}
    problems = [problem for problem in registration_problems(
        email=email, password=password, display_name=display_name, birth_date=birth_date,
        guardian_name=guardian_name, guardian_email=guardian_email,
        guardian_consent=guardian_consent, now=now, checked=checked)
        if not isinstance(problem, EmailTaken)]
    if problems:
        raise AccountErrors(problems)
    email = checked["email"]
    password_hash = passwords.hash_password(password)  # in both branches: same time spent
    # Sign-ups of one address one after the other, so the mails counted below stay within
    # MAILS_AN_HOUR however many are sent at once (PostgreSQL; SQLite has one writer).
    one_at_a_time(db.session, f"sign_up:{email}")
    if len(_recent_links(email, now)) >= MAILS_AN_HOUR:  # (sign-ups kept: both branches)
        return None
    minor = checked["minor"]
    _keep_and_mail(email=email, password_hash=password_hash, display_name=checked["name"],
                   birth_date=checked["birth_date"],
                   guardian_name=checked.get("guardian_name") if minor else None,
                   guardian_email=checked.get("guardian_email") if minor else None,
                   locale=locale, now=now)
    return None


def send_link_again(pending, *, now, locale="th"):
    """"Send the link again" (the button a log-in with the password of ``pending`` is
    offered, ``unconfirmed``): do what the same sign-up sent again would do now, a new
    sign-up of the same values whose link works :data:`LINK_HOURS` hours (older links still
    work), or for an address that has an account now, a warning to its owner; so the button
    tells nothing the sign-up form would not. Sign-ups and these share
    :data:`MAILS_AN_HOUR`: past it, raise :class:`SignUpMailLimit`, which says when the next
    may go. Raise :class:`SignUpLinkInvalid` when ``pending`` has expired. Returns the new
    sign-up."""
    one_at_a_time(db.session, f"sign_up:{pending.email}")  # as request_sign_up: one count
    if pending.expires_at <= now:
        raise SignUpLinkInvalid()
    sent = _recent_links(pending.email, now)
    if len(sent) >= MAILS_AN_HOUR:
        raise SignUpMailLimit(sent[len(sent) - MAILS_AN_HOUR] + timedelta(hours=1))
    return _keep_and_mail(email=pending.email, password_hash=pending.password_hash,
                          display_name=pending.display_name, birth_date=pending.birth_date,
                          guardian_name=pending.guardian_name,
                          guardian_email=pending.guardian_email, locale=locale, now=now)


def _keep_and_mail(*, email, password_hash, display_name, birth_date, guardian_name,
                   guardian_email, locale, now):
    """Keep a sign-up of checked values and mail its address the link that finishes it; for
    an address that has an account, warn its owner instead. The sign-up is kept in both
    branches (the taken address's with a link nobody is sent, so it can never be opened):
    a log-in with its password then answers alike for both (``unconfirmed``), and both
    write the same rows. Returns the sign-up."""
    token = secrets.token_urlsafe(32)
    pending = PendingSignUp(
        token_hash=sessions.token_hash(token), email=email, password_hash=password_hash,
        display_name=display_name, birth_date=birth_date, guardian_name=guardian_name,
        guardian_email=guardian_email, locale=locale, created_at=now,
        expires_at=now + timedelta(hours=LINK_HOURS))
    db.session.add(pending)
    db.session.flush()
    owner = db.session.scalar(select(User).where(User.email == email))
    if owner is not None:
        _warn_owner(owner, now)
    else:
        queue_mail(email, CONFIRM_KIND, locale=locale, hours=LINK_HOURS,
                   link=external_url("accounts.confirm_sign_up", token=token))
    return pending


def _recent_links(email, now):
    """When the sign-ups of ``email`` in the past hour were made (a mail each), oldest
    first."""
    return db.session.scalars(select(PendingSignUp.created_at).where(
        PendingSignUp.email == email, PendingSignUp.created_at > now - timedelta(hours=1))
        .order_by(PendingSignUp.created_at)).all()


def _warn_owner(owner, now):
    """Tell the owner of a taken address that someone tried to sign up with it (in their
    language), at most :data:`MAILS_AN_HOUR` times an hour."""
    sent = db.session.scalar(select(func.count(EmailMessage.id)).where(
        EmailMessage.user_id == owner.id, EmailMessage.kind == WARNING_KIND,
        EmailMessage.created_at > now - timedelta(hours=1)))
    if sent >= MAILS_AN_HOUR or owner.closed_at is not None:
        return
    queue_mail(owner.email, WARNING_KIND, user=owner,
               login_link=external_url("accounts.login"),
               reset_link=external_url("accounts.forgot_password"))


def find_pending(token, now):
    """The sign-up a link is for, or raise :class:`SignUpLinkInvalid` (unknown, expired or
    used), :class:`SignUpLinkJustUsed` (its address's account was opened moments ago from
    this link, or from another of the address pressed at the same moment) or
    :class:`AccountError` (its address has an account otherwise: a second opens nothing).
    Only the link that opens an account is marked used (``_open_account``)."""
    if not token or len(token) > 100:
        raise SignUpLinkInvalid()
    pending = db.session.scalar(select(PendingSignUp).where(
        PendingSignUp.token_hash == sessions.token_hash(token)))
    if pending is None or pending.expires_at <= now:
        raise SignUpLinkInvalid()
    user = db.session.scalar(select(User).where(User.email == pending.email))
    if user is None and pending.used_at is None:
        return pending
    if user is not None and _just_opened(user, pending, now):
        raise SignUpLinkJustUsed(user, pending)
    if user is not None and pending.used_at is None:
        raise AccountError(_l("This e-mail address already has a Talat account. Please log in, "
                              "or choose a new password if you have forgotten it."))
    raise SignUpLinkInvalid()


def _just_opened(user, pending, now):
    """Whether ``user``'s account was opened from a link of ``pending``'s address (this one
    or, pressed at the same moment, another) within :data:`REPEAT_SECONDS`."""
    if abs((now - user.created_at).total_seconds()) > REPEAT_SECONDS:
        return False
    if pending.used_at is not None:
        return pending.used_at == user.created_at
    return db.session.scalar(select(PendingSignUp.id).where(
        PendingSignUp.email == pending.email, PendingSignUp.used_at == user.created_at)
        .limit(1)) is not None


def password_matches(pending, password):
    """Whether ``password`` is the one chosen at the sign-up ``pending`` (one argon2
    verification)."""
    return passwords.verify_password(pending.password_hash, password or "")


def confirm_sign_up(token, *, password, display_name, now):
    """Open the account of the sign-up whose link this is and return it (ACC-1): the mail
    proves the address, ``password`` (the one chosen at sign-up, verified once per call)
    proves that whoever opens it is who signed up, so nobody opens an account in someone
    else's address by having its owner press the mailed button. Raise
    :class:`SignUpPasswordWrong` for another password, before anything else is told (even
    that the link was just used: :class:`SignUpLinkJustUsed`, which logs in). ``display_name``:
    the one chosen at sign-up, or another if it was taken since."""
    try:
        pending = find_pending(token, now)
    except SignUpLinkJustUsed as error:
        if not password_matches(error.pending, password):
            raise SignUpPasswordWrong() from None
        raise
    if not password_matches(pending, password):
        raise SignUpPasswordWrong()
    try:
        user = _open_account(token, display_name=display_name, now=now)
        db.session.flush()
        return user
    except IntegrityError:  # the address or the name was taken by a simultaneous request
        db.session.rollback()
        return _open_account(token, display_name=display_name, now=now)


def _open_account(token, *, display_name, now):
    """The account of the link's sign-up, whose password has been checked. Only this link is
    marked used: the address's other links cannot open a second account (the address is
    taken, :func:`find_pending`), and a sign-up someone else made with the address keeps
    answering its maker's log-in as before (``unconfirmed``), so opening the account does
    not tell them it was opened. (A link whose address has an account answers so to whoever
    opens it; links are mailed only to the address, so that is its owner.)"""
    pending = find_pending(token, now)
    # Every link of the address locked first, in id order (PostgreSQL; SQLite writes one at a
    # time): confirmations pressed at once wait for one another, then find their link used
    # or the address taken, instead of each locking its own row and then the others' (a
    # deadlock).
    db.session.execute(select(PendingSignUp.id).where(PendingSignUp.email == pending.email)
                       .order_by(PendingSignUp.id).with_for_update())
    db.session.refresh(pending)  # as the confirmation we waited for left it
    # That one may have used this link (the same button pressed twice) or opened the account
    # from another link of the address: raises SignUpLinkJustUsed (to the welcome).
    find_pending(token, now)
    name = clean_display_name(display_name)
    if db.session.scalar(select(User.id).where(User.display_name_key == display_name_key(name))):
        raise DisplayNameTaken()
    used = db.session.execute(update(PendingSignUp).where(
        PendingSignUp.id == pending.id, PendingSignUp.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:  # a simultaneous confirmation used it first
        raise SignUpLinkInvalid()
    return create_member(email=pending.email, password_hash=pending.password_hash,
                         display_name=name, birth_date=pending.birth_date,
                         locale=pending.locale, now=now, guardian_name=pending.guardian_name,
                         guardian_email=pending.guardian_email)


def name_taken(display_name):
    """True when a member has the display name ``display_name`` (in any letter case), as
    the one chosen at sign-up may have been taken since (ACC-2: names are unique)."""
    return db.session.scalar(select(User.id).where(
        User.display_name_key == display_name_key(display_name))) is not None


def purge_expired(now):
    """Job: delete sign-ups whose link has expired (they hold a password hash, a birth date
    and perhaps a guardian's address). Returns how many."""
    return db.session.execute(delete(PendingSignUp).where(
        PendingSignUp.expires_at <= now)).rowcount
