"""Account rules (ACC-1 … ACC-4): registration, log-in, password reset, profile.

Services validate, change state and flush; the view commits. ``now`` is passed in.
"""
import json
import re
import unicodedata
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.blueprints.accounts import lockout, passwords, sessions, unconfirmed
from app.blueprints.accounts.errors import (
    AccountError, AccountErrors, DisplayNameTaken, EmailTaken, InvalidCredentials, LoginBlocked,
    ResetTokenInvalid, ResetTokenUsed, SignUpNotConfirmed, WrongCurrentPassword)
from app.extensions import db
from app.permissions import staff_role
from app.i18n import BUDDHIST_ERA_OFFSET, age_on, bangkok_today
from app.mail import queue_mail
from app.models import AuditEntry, PasswordResetToken, User

ADULT_AGE = 18
MAX_AGE = 120
NAME_MIN, NAME_MAX = 2, 40
#: Marks (Thai vowels above and below, tone marks, accents) one letter may carry.
MAX_MARKS = 3
_ALLOWED_NAME_PUNCTUATION = set(" ._-")


def normalise_email(raw):
    """Validate an address and return it lower-cased; raise AccountError if it is not one."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(_l("Please enter a valid e-mail address."), field="email") from None
    return result.normalized.lower()


#: Words that, next to the site's name, read as its staff ("Talat Support", "ทีมงานตลาด").
_STAFF_WORDS = ("official", "staff", "support", "team", "helpdesk", "help desk", "care",
                "ทีมงาน", "เจ้าหน้าที่", "ฝ่ายบริการ", "ฝ่ายช่วยเหลือ", "ซัพพอร์ต",
                "อย่างเป็นทางการ")
#: Parts of names that would pass a member off as the site or its staff (ACC-2): staff words
#: on their own, and the site's name with a staff word on either side.
_STAFF_OF_SITE = tuple(
    f"{site} {word}" if site.isascii() else f"{site}{word}"
    for site in ("talat", "ตลาด") for word in _STAFF_WORDS) + tuple(
    f"{word} {site}" if site.isascii() else f"{word}{site}"
    for site in ("talat", "ตลาด") for word in _STAFF_WORDS)
RESERVED_NAME_PARTS = ("admin", "แอดมิน", "moderator", "ผู้ดูแล") + _STAFF_OF_SITE
#: The Latin ones as whole words: "Care Talat" is staff, "Skincare Talat" a shop's fan.
_STAFF_OF_SITE_RE = re.compile("|".join(
    rf"(?<![a-z0-9]){re.escape(part)}(?![a-z0-9])" for part in _STAFF_OF_SITE
    if part.isascii()))
RESERVED_NAMES = ("talat", "ตลาด")
#: Digits written for the letters they look like ("m0derat0r", "4dmin"); 1 stands for i or l.
_LOOKALIKES = (str.maketrans("013457", "oieast"), str.maketrans("013457", "oleast"))
_SEPARATORS = re.compile(r"[ ._-]+")
_SQUEEZED_PARTS = frozenset(part.replace(" ", "") for part in RESERVED_NAME_PARTS)


def is_reserved_name(key):
    """True if the name ``key`` (see :func:`display_name_key`) contains a staff word or is the
    site's name, also when written with digits for letters or split by spaces, dots, dashes
    or underscores ("ad min", "ตลาด.", "talat_official"). Split words count only when whole
    words join into the staff word, so "Ahmad Minh" stays allowed."""
    for lookalikes in _LOOKALIKES:
        plain = key.translate(lookalikes)
        words = [word for word in _SEPARATORS.split(plain) if word]
        if "".join(words) in RESERVED_NAMES or _STAFF_OF_SITE_RE.search(plain) or any(
                part in plain for part in RESERVED_NAME_PARTS
                if part not in _STAFF_OF_SITE or not part.isascii()):
            return True
        if any((word.startswith(part) if part.isascii() else part in word)
               for word in words for part in _SQUEEZED_PARTS
               if part.startswith(("talat", "ตลาด")) or part.endswith(("talat", "ตลาด"))):
            return True  # written as one word: "TalatSupport", "ทีมงานตลาด"
        for start in range(len(words)):
            for end in range(start + 2, len(words) + 1):
                if "".join(words[start:end]) in _SQUEEZED_PARTS:
                    return True
    return False


def clean_display_name(raw, allow_reserved=False):
    """A display name: 2–40 letters (any script), digits, spaces, dots, dashes, underscores."""
    name = unicodedata.normalize("NFKC", " ".join(raw.split()))
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise AccountError(_l("A display name must have %(min)d to %(max)d characters.",
                              min=NAME_MIN, max=NAME_MAX), field="display_name")
    marks = 0
    for char in name:
        category = unicodedata.category(char)
        if not (category[0] in "LMN" or char in _ALLOWED_NAME_PUNCTUATION):
            raise AccountError(_l("A display name may contain only letters, digits, spaces, "
                                  "dots, dashes and underscores."), field="display_name")
        marks = marks + 1 if category[0] == "M" else 0
        if marks > MAX_MARKS:  # stacked accents ("zalgo") spill over the lines around them
            raise AccountError(_l("A display name may have at most %(n)d vowel or tone marks "
                                  "on one letter.", n=MAX_MARKS), field="display_name")
    key = display_name_key(name)
    if len(key) > NAME_MAX:
        raise AccountError(_l("A display name must have %(min)d to %(max)d characters.",
                              min=NAME_MIN, max=NAME_MAX), field="display_name")
    if not allow_reserved and is_reserved_name(key):
        raise AccountError(_l("This display name is reserved for Talat's own team. Please "
                              "choose another."), field="display_name")
    return name


def display_name_key(name):
    """The case- and form-insensitive key that makes display names unique."""
    return unicodedata.normalize("NFKC", name).casefold()


def name_search_key(text):
    """What a name typed into a search box is compared with: its :func:`display_name_key`,
    spaces tidied. (Lower-cased only, a Thai name with SARA AM, "ำ", never matched: the key
    holds it as its two parts, NIKHAHIT and SARA AA, as NFKC writes it.)"""
    return display_name_key(" ".join(text.split()))


def clean_person_name(raw, field):
    """A real person's name (a guardian's): letters, marks, spaces, dots, apostrophes, dashes."""
    name = " ".join(raw.split())
    if not 2 <= len(name) <= 100 or not all(
            unicodedata.category(c)[0] in "LM" or c in " .'-" for c in name):
        raise AccountError(_l("Please enter a real name (letters only)."), field=field)
    return name


def registration_problems(*, email, password, display_name, birth_date, now,
                          guardian_name="", guardian_email="", guardian_consent=False,
                          staff_name=False, checked=None):
    """Every problem of a sign-up at once, as :class:`AccountError` (none: it may go ahead);
    a value the form could not read (``birth_date`` None) is left to the form's own message.
    ``checked`` receives the cleaned values."""
    checked = {} if checked is None else checked
    problems = []

    def attempt(check):
        try:
            return check()
        except AccountError as error:
            problems.append(error)
            return None

    email = attempt(lambda: normalise_email(email))
    name = attempt(lambda: clean_display_name(display_name, allow_reserved=staff_name))
    today = bangkok_today(now)
    age = None
    if birth_date is not None:
        if birth_date.year > today.year + BUDDHIST_ERA_OFFSET - 120:
            birth_date = _from_buddhist_era(birth_date)  # typed as 2533 instead of 1990
        age = age_on(birth_date, today)
        if birth_date >= today or age > MAX_AGE:
            problems.append(AccountError(_l("Please enter your real date of birth."),
                                         field="birth_date"))
            age = None
    if not password:  # (the form says the same; the CLI and the demo come here directly)
        problems.append(AccountError(_l("This field is required."), field="password"))
    else:
        attempt(lambda: passwords.check_password_policy(
            password, email=email or "", display_name=name or display_name or ""))
    minor = age is not None and age < ADULT_AGE
    if minor:
        checked["guardian_name"] = attempt(
            lambda: clean_person_name(guardian_name or "", "guardian_name"))
        try:
            checked["guardian_email"] = normalise_email(guardian_email or "")
        except AccountError:
            problems.append(AccountError(
                _l("Please enter your parent or guardian's e-mail address."),
                field="guardian_email"))
        else:
            if checked["guardian_email"] == email:
                problems.append(AccountError(_l("Your guardian's e-mail address must be their "
                                                "own, not yours."), field="guardian_email"))
        if not guardian_consent:
            problems.append(AccountError(_l("Members under 18 need their parent or guardian's "
                                            "consent to register."), field="guardian_consent"))
    if email and db.session.scalar(select(User.id).where(User.email == email)):
        problems.append(EmailTaken())
    if name and db.session.scalar(select(User.id).where(
            User.display_name_key == display_name_key(name))):
        problems.append(DisplayNameTaken())
    checked.update(email=email, name=name, birth_date=birth_date, minor=minor)
    return problems


def register_member(*, email, password, display_name, birth_date, now, locale="th",
                    guardian_name="", guardian_email="", guardian_consent=False,
                    staff_name=False):
    """Create a member account (ACC-1, ACC-3). Under 18 names a guardian, who is e-mailed a
    link to agree; until they do, the member can browse but not act (``guardian``).

    ``staff_name`` allows a reserved display name (only the CLI creates staff accounts).
    Raises :class:`AccountErrors` with every problem found (see :func:`registration_problems`)."""
    checked = {}
    problems = registration_problems(
        email=email, password=password, display_name=display_name, birth_date=birth_date,
        guardian_name=guardian_name, guardian_email=guardian_email,
        guardian_consent=guardian_consent, now=now, staff_name=staff_name, checked=checked)
    if problems:
        raise AccountErrors(problems)
    return create_member(
        email=checked["email"], password_hash=passwords.hash_password(password),
        display_name=checked["name"], birth_date=checked["birth_date"], locale=locale, now=now,
        guardian_name=checked.get("guardian_name") if checked["minor"] else None,
        guardian_email=checked.get("guardian_email") if checked["minor"] else None)


def create_member(*, email, password_hash, display_name, birth_date, locale, now,
                  guardian_name=None, guardian_email=None):
    """Add the account of values already checked (by :func:`register_member`, or by the
    sign-up whose address was just confirmed), welcome the member and, for a member under 18
    (``guardian_email`` given), ask the guardian to agree (ACC-3)."""
    user = User(email=email, password_hash=password_hash,
                display_name=display_name, display_name_key=display_name_key(display_name),
                birth_date=birth_date, role="member", locale=locale, created_at=now,
                updated_at=now)
    if guardian_email:  # consent is the guardian's to give, through the link mailed to them
        user.guardian_name, user.guardian_email = guardian_name, guardian_email
        user.guardian_consent_at = None
    db.session.add(user)
    db.session.flush()
    queue_mail(user.email, "welcome", user=user)
    if guardian_email:
        from app.blueprints.accounts import guardian

        guardian.ask_guardian(user)
    return user


def _from_buddhist_era(value):
    try:
        return value.replace(year=value.year - BUDDHIST_ERA_OFFSET)
    except ValueError:  # 29 February in a year that is not a leap year in the other era
        return value.replace(year=value.year - BUDDHIST_ERA_OFFSET, day=28)


def is_adult(user, now):
    """True if the member is 18 or older today (Bangkok date) (ACC-3)."""
    return age_on(user.birth_date, bangkok_today(now)) >= ADULT_AGE


def adult_condition(birth_date_column, now):
    """The SQL twin of :func:`is_adult` on a birth-date column: born 18 years ago today or
    earlier (one born on 29 February turns 18 on 1 March in a common year, as there)."""
    today = bangkok_today(now)
    try:
        latest = today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # today is 29 February; 18 years ago was a common year
        latest = today.replace(year=today.year - ADULT_AGE, day=28)
    return birth_date_column <= latest


def _login_email(email):
    try:
        return normalise_email(email)
    except AccountError:
        return email.strip().lower()[:254]


def member_id_for_email(email):
    """The id of the member a log-in form's address names, or None (for the traffic log's
    target, ACC-6; never shown to the visitor)."""
    return db.session.scalar(select(User.id).where(User.email == _login_email(email)))


def authenticate(email, password, *, ip, now):
    """Return the member for these credentials, counting failures per address (ACC-4).

    The password of a sign-up whose link has not been opened yet raises
    :class:`SignUpNotConfirmed` instead of :class:`InvalidCredentials` (``unconfirmed``).
    Every failed log-in makes the same look-ups and exactly two argon2 verifications, so
    neither the answer nor its time tells a member's address, a waiting sign-up's or a
    stranger's apart to someone without the password."""
    block = lockout.active_block(ip, now)
    if block is not None:
        raise LoginBlocked(block.blocked_until)
    email = _login_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    pending = unconfirmed.newest_sign_up(email, now)  # asked whatever the address
    if user is not None:
        ok = passwords.verify_password(user.password_hash, password)
    else:
        passwords.burn_verification_time(password)
        ok = False
    if not ok:
        waiting = None  # the second verification, whatever the address
        if pending is None:
            passwords.burn_verification_time(password)
        elif passwords.verify_password(pending.password_hash, password):
            waiting = pending
        block = lockout.record_failure(ip, email, now)  # a waiting sign-up's counts too
        if block is not None:
            raise LoginBlocked(block.blocked_until)
        if waiting is not None:
            raise SignUpNotConfirmed(waiting)
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    db.session.flush()
    return user


def cancel_reset_links(user, now):
    """Mark every outstanding reset link of ``user`` used (ACC-1): a new link, a password
    change and a completed reset each leave no older link able to set the password."""
    db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now))


def find_reset_token(token, now):
    """The usable reset token for ``token``, or raise :class:`ResetTokenInvalid`."""
    if not token or len(token) > 100:
        raise ResetTokenInvalid()
    reset = db.session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == sessions.token_hash(token)))
    if reset is not None and reset.used_at is not None and \
            reset.used_at == reset.user.updated_at and \
            reset.used_at != reset.user.password_changed_at:  # used by :func:`reset_password`
        raise ResetTokenUsed(reset)
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise ResetTokenInvalid()
    return reset


def is_reset_sent_again(used, new_password, now):
    """Whether a form sent with the already-used link (:class:`ResetTokenUsed` ``used``) is
    the same form sent again (a double tap): moments after the change, with the password
    the change set. Another form (a second tab, another password typed) is told the link is
    used, not that its password was set."""
    reset = used.reset
    if reset is None or not new_password or \
            (now - reset.used_at).total_seconds() > PASSWORD_REPEAT_SECONDS:
        return False
    return passwords.verify_password(reset.user.password_hash, new_password)


def reset_password(token, new_password, *, now):
    """Set a new password with a reset token, use the token up and end every session."""
    reset = find_reset_token(token, now)
    user = reset.user
    passwords.check_password_policy(new_password, email=user.email, display_name=user.display_name)
    used = db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.id == reset.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now))
    if used.rowcount != 1:  # a simultaneous request (a double tap, a second tab) used it first
        raise ResetTokenUsed(reset)
    cancel_reset_links(user, now)  # any other link sent meanwhile
    user.password_hash = passwords.hash_password(new_password)
    user.updated_at = now
    sessions.end_all_sessions(user)
    db.session.flush()
    queue_mail(user.email, "password_changed", user=user)
    return user


#: How long after a password change the same change form sent again (a double tap, a
#: re-send on a slow connection) is recognised as that change.
PASSWORD_REPEAT_SECONDS = 120


def change_password(user, current_password, new_password, *, keep_token, now):
    """Change a password from the profile; every other session of the member is ended.

    True when changed; False when nothing was done because this is the same form sent again
    just after it changed the password (the "current" password it carries is then the old
    one): the new password must be the one now in force, so only someone who knows it gets
    that answer. (Every session older than the change but the changer's was ended by it.)

    The member's row is read again, locked, first: two forms sent at once from two tabs
    would otherwise both check the old password and both succeed, the later one silently
    undoing the earlier one's password."""
    db.session.refresh(user, with_for_update=True)
    if not passwords.verify_password(user.password_hash, current_password):
        if _sent_again(user, new_password, now):
            return False
        raise WrongCurrentPassword()
    passwords.check_password_policy(new_password, email=user.email, display_name=user.display_name)
    user.password_hash = passwords.hash_password(new_password)
    user.updated_at = user.password_changed_at = now
    cancel_reset_links(user, now)  # a link mailed before the change must not undo it (ACC-1)
    sessions.end_all_sessions(user, except_token=keep_token)
    db.session.flush()
    queue_mail(user.email, "password_changed", user=user)
    return True


def _sent_again(user, new_password, now):
    changed = user.password_changed_at  # (after ``now`` too: a tap's twin read the clock later)
    return changed is not None and \
        now - changed <= timedelta(seconds=PASSWORD_REPEAT_SECONDS) and \
        bool(new_password) and passwords.verify_password(user.password_hash, new_password)


def update_profile(user, *, display_name, locale, now):
    """Change the member's own display name and language. A name kept as it was is not
    refused for a reserved word the check learned later."""
    unchanged = display_name_key(" ".join(display_name.split())) == user.display_name_key
    display_name = clean_display_name(display_name,
                                      allow_reserved=staff_role(user) != "member" or unchanged)
    key = display_name_key(display_name)
    if key != user.display_name_key and db.session.scalar(
            select(User.id).where(User.display_name_key == key)):
        raise DisplayNameTaken()
    if not unchanged and _squeezed(key) in names_removed_by_moderators(user):
        raise AccountError(_l("A moderator removed this name from your account, so you cannot "
                              "use it again. Please choose another."), field="display_name")
    if locale not in current_app.config["LANGUAGES"]:
        raise AccountError(_l("Please choose a language from the list."), field="locale")
    user.display_name, user.display_name_key, user.locale = display_name, key, locale
    user.updated_at = now
    db.session.flush()
    return user


def _squeezed(key):
    """A name key without its separators: "Bad.Name" and "bad name" are the same name."""
    return _SEPARATORS.sub("", key)


def names_removed_by_moderators(user):
    """The names moderators took off ``user`` (ACC-2), as squeezed keys: the member may not
    set one of them again, or a rename would last only until the member's next visit to
    /account. Read from the rename entries of the audit log, which is never rewritten."""
    removed = set()
    for before in db.session.scalars(select(AuditEntry.before).where(
            AuditEntry.action == "user.rename", AuditEntry.target_type == "user",
            AuditEntry.target_id == user.id)):
        try:
            name = json.loads(before or "{}").get("display_name")
        except (ValueError, AttributeError):
            continue
        if isinstance(name, str) and name:
            removed.add(_squeezed(display_name_key(" ".join(name.split()))))
    return removed


def set_language(user, locale):
    """Remember a logged-in member's language choice."""
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
        db.session.flush()


def set_restrictions(user, *, suspended_until, closed_at, now):
    """Set a member's suspension end and closure (ACC-5); moderation's sanctions call this."""
    user.suspended_until, user.closed_at = suspended_until, closed_at
    user.updated_at = now
    db.session.flush()


def rename_refusal(user, by=None):
    """Why ``by`` may not rename ``user`` (a message), or None when they may: a deleted
    account's name stays as it is, and, like sanctions, a moderator's or an admin's name is
    changed only by an admin (or by themselves)."""
    from app.models.accounts import TOMBSTONE_NAME

    if user._display_name == TOMBSTONE_NAME.format(id=user.id):
        return _l("A deleted account's name cannot be changed.")
    if by is not None and by.id != user.id and staff_role(user) != "member" and \
            by.role != "admin":
        return _l("Only an admin can rename a moderator or an admin.")
    return None


def rename_member(user, new_name, *, now, by=None):
    """A moderator renames an inappropriate display name (ACC-2); the new name is checked and
    kept unique exactly as at registration, unless :func:`rename_refusal` says no."""
    refusal = rename_refusal(user, by)
    if refusal is not None:
        raise AccountError(refusal)
    display_name = clean_display_name(new_name, allow_reserved=staff_role(user) != "member")
    key = display_name_key(display_name)
    if key != user.display_name_key and db.session.scalar(
            select(User.id).where(User.display_name_key == key)):
        raise DisplayNameTaken()
    user.display_name, user.display_name_key, user.updated_at = display_name, key, now
    db.session.flush()
    return user
