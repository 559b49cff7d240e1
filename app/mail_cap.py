"""What the hourly e-mail cap (ACC-7) holds back from one member, told on their notifications
page: an outbid collector in a bidding rush should know why the e-mails stopped, and that
every notice is on the page all the same."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.mail import CAP_WAITING_NOTE
from app.models import EmailMessage

#: How far back a message dropped after waiting too long is still mentioned.
DROPPED_SHOWN_FOR = timedelta(days=7)


@dataclass(frozen=True)
class HeldBack:
    """E-mails to the member waiting for the cap now, and dropped for it lately."""

    waiting: int
    dropped: int


def held_back(user_id, now):
    """:class:`HeldBack` for the account ``user_id`` (one query)."""
    waiting = func.count().filter(EmailMessage.status == "queued",
                                  EmailMessage.note == CAP_WAITING_NOTE)
    dropped = func.count().filter(EmailMessage.status == "dropped",
                                  EmailMessage.created_at >= now - DROPPED_SHOWN_FOR)
    row = db.session.execute(select(waiting, dropped).where(
        EmailMessage.user_id == user_id, EmailMessage.status.in_(("queued", "dropped")))).one()
    return HeldBack(waiting=row[0], dropped=row[1])
