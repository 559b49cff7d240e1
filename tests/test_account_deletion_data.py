"""ACC-9: what account deletion removes besides the account itself: the bank account and
PromptPay number the member's shops showed to buyers are the member's personal data."""
import pytest

from app.blueprints.accounts import deletion
from app.database import utcnow
from app.extensions import db
from app.models import Shop
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("english")


def test_acc9_deletion_removes_the_shops_bank_and_promptpay_details(app, make_member,
                                                                    make_shop):
    member = make_member(display_name="Leaving")
    shop = make_shop(owner=member)
    shop.bank_name, shop.bank_account_name = "Kasikorn", "Somchai Rakdee"
    shop.bank_account_number, shop.promptpay_id = "123-4-56789-0", "0812345678"
    other = make_shop()
    other.bank_account_name, other.promptpay_id = "Someone Else", "0899999999"
    db.session.commit()
    request = deletion.request_deletion(member, PASSWORD, now=utcnow())
    db.session.commit()
    assert request.completed_at is not None
    db.session.expire_all()
    closed = db.session.get(Shop, shop.id)
    assert closed.status == "closed"
    assert (closed.bank_name, closed.bank_account_name, closed.bank_account_number,
            closed.promptpay_id) == ("", "", "", "")
    kept = db.session.get(Shop, other.id)
    assert (kept.bank_account_name, kept.promptpay_id) == ("Someone Else", "0899999999")


def test_acc9_the_goodbye_mail_is_forgotten_once_delivered(app, make_member):
    """ACC-9: the goodbye e-mail still goes to the old address, but once delivered (or, with
    no mail server, after a week in the admin's outbox) the job deletes it with that address
    and name; other mail stays."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.models import EmailMessage

    leaving = make_member(display_name="Leaving", email="leaving@talat.example")
    other = make_member(display_name="Staying", email="staying@talat.example")
    deletion.request_deletion(leaving, PASSWORD, now=utcnow())
    db.session.commit()

    def goodbye():
        return db.session.scalar(select(EmailMessage).where(
            EmailMessage.to_address == "leaving@talat.example"))

    assert goodbye().kind == "account_deleted"
    goodbye().status = "outbox"  # no mail server: the admin reads it in the outbox
    goodbye().delivered_at = utcnow()
    db.session.commit()
    deletion.run_waiting(utcnow() + timedelta(days=1))
    db.session.commit()
    assert goodbye() is not None  # still readable for a while
    deletion.run_waiting(utcnow() + timedelta(days=8))
    db.session.commit()
    assert goodbye() is None
    assert db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == "staying@talat.example")) is not None
    # Sent through a mail server: forgotten at the next run.
    deletion.request_deletion(other, PASSWORD, now=utcnow())
    db.session.commit()
    mail = db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == "staying@talat.example",
        EmailMessage.kind == "account_deleted"))
    mail.status, mail.delivered_at = "sent", utcnow()
    db.session.commit()
    deletion.run_waiting(utcnow())
    db.session.commit()
    assert db.session.scalar(select(EmailMessage).where(
        EmailMessage.to_address == "staying@talat.example")) is None
