"""Password policy and hashing (ACC-1): argon2id hashes only; at least 10 characters; common
passwords refused (the 30,000 most common leaked passwords, shipped with zxcvbn)."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.blueprints.accounts.errors import WeakPassword
from app.digits import to_arabic

MAX_PASSWORD_LENGTH = 200

#: The Thai Kedmanee keyboard: each Thai character beside the Latin key it sits on, without
#: and with Shift. "ๅ/-ภถุึคตจ" is 1234567890 typed with the Thai layout switched on.
_KEDMANEE_PLAIN = ("ๅ/-ภถุึคตจขช" "ๆไำพะัีรนยบลฃ" "ฟหกดเ้่าสวง" "ผปแอิืทมใฝ",
                   "1234567890-=" "qwertyuiop[]\\" "asdfghjkl;'" "zxcvbnm,./")
_KEDMANEE_SHIFT = ("%+๑๒๓๔ู฿๕๖๗๘๙" "๐\"ฎฑธํ๊ณฯญฐ,ฅ" "ฤฆฏโฌ็๋ษศซ." "()ฉฮฺ์?ฒฬฦ",
                   "~!@#$%^&*()_+" "QWERTYUIOP{}|" "ASDFGHJKL:\"" "ZXCVBNM<>?")
_LATIN_KEYS = str.maketrans(_KEDMANEE_PLAIN[0] + _KEDMANEE_SHIFT[0],
                            _KEDMANEE_PLAIN[1] + _KEDMANEE_SHIFT[1])


@lru_cache(maxsize=1)
def common_passwords():
    """The set of common passwords, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _hasher():
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST_KIB"], parallelism=1)


def check_password_policy(password, *, email="", display_name=""):
    """Raise :class:`WeakPassword` with the reason if ``password`` may not be used."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise WeakPassword(_l("Your password must be at least %(n)d characters long.", n=minimum))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(_l("Your password may be at most %(n)d characters long.",
                              n=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    if any(form in common_passwords() or len(set(form)) < 4
           for form in _readings(lowered)):
        raise WeakPassword(_l("This password is too common and easy to guess. "
                              "Please choose another."))
    local_part = email.split("@", 1)[0].lower()
    # The display name is public: one inside the password (spaces aside, "สมชาย ใจดี" in
    # "สมชายใจดี2569") gives half of it away. Names under 4 letters are only refused whole,
    # so a short name ("Lek") does not forbid every password with those letters in it.
    name = "".join(display_name.lower().split())
    if (len(local_part) >= 3 and local_part in lowered) or (
            name and (name == "".join(lowered.split()) or
                      (len(name) >= 4 and name in "".join(lowered.split())))):
        raise WeakPassword(_l("Your password must not contain your e-mail address or "
                              "display name."))


def _readings(lowered):
    """The ways a common password can hide in ``lowered``: as typed, with Thai digits read
    as 0-9 ("๑๒๓๔๕๖๗๘๙๐"), and with Thai-layout characters read as the Latin keys they
    sit on ("ๅ/-ภถุึคตจ", "ไนหพรก" for qwerty / "ฟหกด" for asdf)."""
    readings = {lowered, to_arabic(lowered)}
    if not lowered.isascii():
        readings.add(lowered.translate(_LATIN_KEYS).lower())
    return readings


def hash_password(password):
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """True if ``password`` matches; never raises for a malformed hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with weaker parameters than configured now."""
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost, memory_cost):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                          parallelism=1).hash("not-a-real-password")


def burn_verification_time(password):
    """Spend the time a real verification would, so unknown e-mails are not revealed by timing."""
    config = current_app.config
    verify_password(_dummy_hash(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"]),
                    password)
