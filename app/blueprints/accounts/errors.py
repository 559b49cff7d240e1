"""Domain errors of the accounts services; each carries a message in the user's language."""
from flask_babel import lazy_gettext as _l


class AccountError(Exception):
    """Base class: ``field`` names the form field the message belongs to, if any."""

    field = None

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        if field is not None:
            self.field = field


class AccountErrors(AccountError):
    """Several problems found at once (a form is told all of them in one answer)."""

    def __init__(self, errors):
        super().__init__(errors[0].message, errors[0].field)
        self.errors = list(errors)


class EmailTaken(AccountError):
    """Another account already uses this e-mail address, in any letter case."""

    field = "email"

    def __init__(self):
        super().__init__(_l("An account with this e-mail address already exists. "
                            "Log in, or reset your password if you forgot it."))


class DisplayNameTaken(AccountError):
    """Display names are unique regardless of letter case."""

    field = "display_name"

    def __init__(self):
        super().__init__(_l("This display name is taken. Please choose another."))


class WeakPassword(AccountError):
    """The password breaks the password policy."""

    field = "password"


class InvalidCredentials(AccountError):
    """Wrong e-mail or password; deliberately does not say which."""

    def __init__(self):
        super().__init__(_l("The e-mail address or password is incorrect."))


class SignUpNotConfirmed(AccountError):
    """The log-in's password is that of a sign-up whose mailed link has not been opened yet
    (ACC-1): said only to whoever typed that password (``unconfirmed``)."""

    def __init__(self, pending):
        super().__init__(_l("Your account is not active yet."))
        self.pending = pending


class LoginBlocked(AccountError):
    """Too many failed log-ins from this address (ACC-4)."""

    def __init__(self, until):
        from app.i18n import format_datetime

        super().__init__(_l("Too many failed log-ins from your network. Logging in from this "
                            "address is paused until %(time)s. You can still log in from "
                            "another network.", time=format_datetime(until)))
        self.until = until


class ResetTokenInvalid(AccountError):
    """The reset link is unknown, used or expired."""

    def __init__(self):
        super().__init__(_l("This password reset link is invalid, expired or already used. "
                            "Please ask for a new one."))


class ResetTokenUsed(ResetTokenInvalid):
    """The reset link has already been used to choose a new password (a form sent twice by
    a double tap comes here too)."""

    def __init__(self, reset=None):
        AccountError.__init__(self, _l("This link has already been used to choose a new "
                                       "password. Please log in with it, or ask for a new "
                                       "link if you have forgotten it again."))
        self.reset = reset


class WrongCurrentPassword(AccountError):
    """Changing a password needs the current one."""

    field = "current_password"

    def __init__(self):
        super().__init__(_l("Your current password is incorrect."))
