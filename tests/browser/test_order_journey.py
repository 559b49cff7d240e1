"""Ordering in a real browser, through to a review (SHOP-10, SHOP-6): the buyer orders, sends
the slip, the seller confirms and ships, the buyer confirms receipt and rates the shop. Every
step after ordering is an htmx form that swaps the order panel in place (422 errors too). The
shop's PromptPay number shows grouped, with a button that copies its digits."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import flask_command
from tests.browser.steps import ADMIN_PASSWORD, image_file, log_in, sign_up

pytestmark = pytest.mark.browser


def test_buyer_orders_pays_receives_and_reviews_shop_10_shop_6(
        live_server, live_env, browser, tmp_path, screenshot):
    base = live_server
    flask_command(live_env, "users", "create-admin", "--email", "boss2@talat.example",
                  "--display-name", "Order Admin", "--password", ADMIN_PASSWORD)
    seller = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    sell = seller.new_page()
    sign_up(sell, base, "seller2@talat.example", "ร้านป้าศรี")
    sell.goto(f"{base}/shops/new")
    sell.fill("input[name=name]", "บ้านพระป้าศรี")
    sell.fill("input[name=slug]", "auntie-sri")
    sell.click("main form button[type=submit]")
    admin = browser.new_context()
    admin_page = admin.new_page()
    log_in(admin_page, base, "boss2@talat.example", ADMIN_PASSWORD)
    admin_page.goto(f"{base}/shops/auntie-sri")
    admin_page.select_option("select[name=plan]", "standard")
    admin_page.click("form[action$='/plan'] button[type=submit]")
    admin.close()
    sell.goto(f"{base}/shops/auntie-sri/edit")
    sell.fill("input[name=promptpay_id]", "๐๘๑-๒๓๔-๕๖๗๘")
    sell.click("main form button[type=submit]")
    sell.goto(f"{base}/shops/auntie-sri/listings/new")
    sell.fill("input[name=title]", "พระผงสุพรรณ เนื้อดิน")
    sell.select_option("select[name=category_id]", index=2)
    sell.fill("input[name=price]", "1,200")
    sell.fill("input[name=quantity]", "2")
    sell.click("main form button[type=submit]")
    listing_url = sell.url

    buyer = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                permissions=["clipboard-read", "clipboard-write"])
    buy = buyer.new_page()
    sign_up(buy, base, "buyer2@talat.example", "คุณหนึ่ง")
    buy.goto(listing_url)
    buy.click("a[href$='/order']")
    # The total follows the quantity through htmx, which must be listening before we type.
    buy.wait_for_url("**/order")
    buy.wait_for_load_state("load")
    buy.fill("input[name=quantity]", "2")
    expect(buy.locator("#order-total")).to_contain_text("฿2,400")
    buy.fill("input[name=recipient_name]", "คุณหนึ่ง ใจดี")
    buy.fill("input[name=phone]", "๐๘๑ ๒๓๔ ๕๖๗๘")
    buy.fill("textarea[name=address]", "12/3 หมู่ 4 ตำบลบ้านเหล่า อำเภอเมือง จังหวัดพะเยา")
    buy.fill("input[name=postcode]", "56000")
    buy.click("main form button[type=submit]")
    expect(buy.locator("#order-panel")).to_be_visible()
    order_url = buy.url

    screenshot(buy, "order-pay-th")
    # The PromptPay number as a phone number is read, and its copy button gives the digits.
    expect(buy.locator(".payment-details .pay-number")).to_have_text("081-234-5678")
    buy.click(".payment-details .copy-button")
    expect(buy.locator(".payment-details .copy-button")).to_have_text("คัดลอกแล้ว")
    assert buy.evaluate("navigator.clipboard.readText()") == "0812345678"
    buy.check("input[name=method][value=promptpay]")
    buy.set_input_files("input[name=slip]", image_file(tmp_path, "slip.jpg"))
    buy.click("form[action$='/pay'] button[type=submit]")
    expect(buy.locator("#order-panel .order-status--payment_submitted")).to_be_visible()
    expect(buy.locator(".order-slip img")).to_be_visible()
    assert buy.url == order_url  # swapped in place, no navigation

    sell.goto(order_url)
    expect(sell.locator(".order-panel__address")).to_contain_text("จังหวัดพะเยา")
    sell.once("dialog", lambda dialog: dialog.accept())  # "Has ฿2,400 arrived?"
    sell.click("form[action$='/confirm-payment'] button")
    expect(sell.locator("form[action$='/ship']")).to_be_visible()
    sell.fill("input[name=tracking_number]", "<b>x</b>")
    sell.click("form[action$='/ship'] button[type=submit]")
    expect(sell.locator("#order-panel .field__error")).to_be_visible()
    sell.select_option("select[name=carrier]", "flash")
    sell.fill("input[name=tracking_number]", "TH0123456789")
    sell.click("form[action$='/ship'] button[type=submit]")
    expect(sell.locator(".order-panel__tracking")).to_have_text("TH0123456789")
    screenshot(sell, "order-shipped-th")
    seller.close()

    buy.reload()
    buy.once("dialog", lambda dialog: dialog.accept())  # "Have you received the item?"
    buy.click("form[action$='/receive'] button")
    buy.check("input[name=rating][value='5']")
    buy.fill("textarea[name=comment]", "ของแท้ แพ็คดีมาก")
    buy.click("form[action$='/review'] button[type=submit]")
    expect(buy.locator(".order-review .stars")).to_have_text("★★★★★")
    screenshot(buy, "order-reviewed-th")
    buy.goto(f"{base}/shops/auntie-sri")
    expect(buy.locator(".shop-reviews")).to_contain_text("ของแท้ แพ็คดีมาก")
    buy.goto(f"{base}/orders")
    expect(buy.locator(".order-table")).to_contain_text("พระผงสุพรรณ")
    buyer.close()
