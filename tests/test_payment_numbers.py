"""Account and PromptPay numbers shown in the groups Thai banks print them in (SHOP-10, AUC-7),
so a buyer can read them off a phone into a banking app."""
import pytest

from app.payment_numbers import account_number, promptpay_number


@pytest.mark.parametrize(("digits", "shown"), [
    ("1234567890", "123-4-56789-0"),        # the common 10-digit account
    ("020012345678", "0200-1234-5678"),     # a 12-digit savings account
    ("12345678901", "1234-5678-901"),       # other lengths in fours
    ("123456789012345", "1234-5678-9012-345"),
    ("", ""),
    ("123-4-56789-0", "123-4-56789-0"),     # not bare digits: shown as stored
])
def test_shop_10_account_numbers_are_grouped(digits, shown):
    assert account_number(digits) == shown


@pytest.mark.parametrize(("digits", "shown"), [
    ("0812345678", "081-234-5678"),         # a phone number
    ("1234567890123", "1-2345-67890-12-3"),  # an ID number
    ("", ""),
])
def test_shop_10_promptpay_numbers_are_grouped(digits, shown):
    assert promptpay_number(digits) == shown


def test_shop_10_the_order_shows_the_shops_numbers_grouped_with_copy_buttons(
        make_member, make_shop, make_listing, client_for):
    from app.extensions import db
    from tests.test_orders import latest_order, place

    owner, buyer = make_member(display_name="Seller"), make_member(display_name="Buyer")
    shop = make_shop(owner=owner, plan="standard")
    shop.bank_name, shop.bank_account_name = "Krungthai", "Somsak <b>S</b>"
    shop.bank_account_number, shop.promptpay_id = "1234567890", "1234567890123"
    db.session.commit()
    listing = make_listing(shop=shop, quantity=1, price_satang=50000)
    client = client_for(buyer)
    assert place(client, listing).status_code == 302
    page = client.get(f"/orders/{latest_order().id}").get_data(as_text=True)
    assert '<span class="pay-number">123-4-56789-0</span>' in page
    assert '<span class="pay-number">1-2345-67890-12-3</span>' in page
    assert 'data-copy="1234567890"' in page and 'data-copy="1234567890123"' in page
    assert "Somsak &lt;b&gt;S&lt;/b&gt;" in page and "<b>S</b>" not in page
