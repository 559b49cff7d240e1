"""Messages between the buyer and the seller of an auction sale (AUC-7): found in review, a
winner had no way to pay the seller or to tell them where to send the item. The sale page
carries their conversation and, while payment is due, the seller's payment details."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.models import EmailMessage, Notification, SaleMessage
from tests.conftest import post_form

pytestmark = pytest.mark.usefixtures("english")

HOSTILE = '<script>alert("x")</script>'




def write(client, sale, body, **kwargs):
    kwargs.setdefault("form_url", sale.url)
    return post_form(client, f"{sale.url}/messages", {"body": body}, **kwargs)


def notices(user, kind="sale_message"):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def test_buyer_and_seller_write_to_each_other_on_the_sale_page_auc_7(sale):
    response = write(sale.alice_client, sale, "Please send it to 12 Sukhumvit Rd,\nBangkok.")
    assert response.status_code == 302 and response.headers["Location"].endswith("#messages")
    page = sale.seller_client.get(sale.url).get_data(as_text=True)
    assert "12 Sukhumvit Rd,\nBangkok." in page and "Alice" in page
    told = notices(sale.seller)
    assert len(told) == 1 and (told[0].target_type, told[0].target_id) == ("sale", sale.sale.id)
    assert sale.url in sale.seller_client.get("/notifications").get_data(as_text=True)
    mails = db.session.scalar(select(func.count(EmailMessage.id)).where(
        EmailMessage.kind == "notice_sale_message"))
    # A second message while the first notice is unread: no second notice, no second e-mail.
    write(sale.alice_client, sale, "And please pack it well.")
    assert len(notices(sale.seller)) == 1
    assert db.session.scalar(select(func.count(EmailMessage.id)).where(
        EmailMessage.kind == "notice_sale_message")) == mails == 1
    reply = write(sale.seller_client, sale, "Sent today, tracking TH123456789.",
                  headers={"HX-Request": "true"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "<html" not in html and 'id="messages"' in html
    assert html.index("Sukhumvit") < html.index("TH123456789")
    assert len(notices(sale.alice)) == 1
    assert db.session.scalar(select(func.count(SaleMessage.id))) == 3


def test_only_the_two_parties_write_and_strangers_do_not_read_auc_7(sale, make_member,
                                                                    client_for):
    stranger = client_for(make_member())
    assert stranger.get(sale.url).status_code == 403
    assert write(stranger, sale, "Hello?", form_url="/").status_code == 403
    moderator = client_for(make_member(role="moderator"))
    write(sale.alice_client, sale, "Where do I pay?")
    page = moderator.get(sale.url).get_data(as_text=True)
    assert "Where do I pay?" in page and f'action="{sale.url}/messages"' not in page
    assert write(moderator, sale, "Moderator here.").status_code == 422
    assert sale.bob_client.get(sale.url).status_code == 403  # the losing bidder
    assert db.session.scalar(select(func.count(SaleMessage.id))) == 1


def test_a_bad_message_is_refused_keeping_what_was_typed_and_text_is_escaped_auc_7(sale):
    empty = write(sale.alice_client, sale, "   ")
    assert empty.status_code == 422 and "Please write your message." in empty.get_data(
        as_text=True)
    long = "ก" * 2001
    refused = write(sale.alice_client, sale, long)
    assert refused.status_code == 422 and long in refused.get_data(as_text=True)
    write(sale.alice_client, sale, HOSTILE)
    page = sale.seller_client.get(sale.url).get_data(as_text=True)
    assert HOSTILE not in page and "&lt;script&gt;" in page


def test_a_suspended_party_writes_until_the_sale_is_completed_acc_5(sale, moderator):
    """ACC-5: a suspended member posts nothing, but a message about a sale still open
    settles it, as its steps do: the other party, who did nothing wrong, must still hear
    where to send the parcel or its tracking number. Once the sale is completed, nothing."""
    from app.blueprints.moderation.sanctions import impose

    impose(sale.alice, "suspension", moderator, now=utcnow(), rule="ACC-5", facts="test",
           ends_at=utcnow() + timedelta(days=3))
    db.session.commit()
    assert write(sale.alice_client, sale, "Paid; please send it to my home.").status_code \
        in (200, 302)
    assert db.session.scalar(select(func.count(SaleMessage.id))) == 1
    sale.sale.step = "completed"
    db.session.commit()
    assert write(sale.alice_client, sale, "Still there?").status_code == 422
    assert db.session.scalar(select(func.count(SaleMessage.id))) == 1


def test_the_buyer_sees_the_sellers_payment_details_while_payment_is_due_auc_7(
        sale, make_shop):
    assert "How to pay" not in sale.alice_client.get(sale.url).get_data(as_text=True)
    shop = make_shop(owner=sale.seller)
    shop.bank_name, shop.bank_account_number = "Kasikorn", "1234567890"
    shop.bank_account_name, shop.promptpay_id = "Seller Somsak", "0812345678"
    db.session.commit()
    page = sale.alice_client.get(sale.url).get_data(as_text=True)
    # grouped as banks print them, each with a button that copies the bare digits
    assert "How to pay" in page and "123-4-56789-0" in page and "081-234-5678" in page
    assert 'data-copy="1234567890"' in page and 'data-copy="0812345678"' in page
    sale.sale.step = "paid"
    db.session.commit()
    assert "123-4-56789-0" not in sale.alice_client.get(sale.url).get_data(as_text=True)
