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
