"""All models, one module per domain; importing this package registers them on the metadata."""
from app.models.accounts import LoginBlock, LoginFailure, LoginSession, PasswordResetToken, User
from app.models.mail import EmailMessage
from app.models.traffic import TrafficLogEntry

__all__ = [
    "User", "LoginSession", "LoginFailure", "LoginBlock", "PasswordResetToken",
    "EmailMessage", "TrafficLogEntry",
]
