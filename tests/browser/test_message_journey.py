"""Messaging the seller in real browsers (SHOP-5): the buyer asks about a listing, the shop
answers from its inbox, and the answer appears on the buyer's open page without reloading."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import flask_command
from tests.browser.steps import log_in

pytestmark = pytest.mark.browser

SELLER_EMAIL, SELLER_PASSWORD = "member@talat.example", "amulet-lover-2569"
BUYER_EMAIL, BUYER_PASSWORD = "muang-kao@talat.example", "old-town-amulets-2569"


def open_logged_in(context, base, email, password):
    page = context.new_page()
    log_in(page, base, email, password)
    return page


def test_buyer_asks_seller_answers_and_the_reply_appears_live_shop_5(live_server, live_env,
                                                                     browser, screenshot):
    flask_command(live_env, "demo", "load")
    buyer_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    buyer = open_logged_in(buyer_context, live_server, BUYER_EMAIL, BUYER_PASSWORD)
    buyer.goto(f"{live_server}/shops/baan-phra-somchai")
    buyer.locator("main .listing-card a").first.click()
    buyer.click("a[href*='/contact']")
    buyer.fill("textarea[name=body]", "สวัสดีครับ องค์นี้ยังอยู่ไหมครับ")
    buyer.click("#message-form button[type=submit]")
    expect(buyer.locator(".message--own .message__body").last).to_have_text(
        "สวัสดีครับ องค์นี้ยังอยู่ไหมครับ")
    conversation_path = buyer.url.split("#")[0].replace(live_server, "")

    seller_context = browser.new_context(viewport={"width": 1280, "height": 900},
                                         locale="th-TH")
    seller = open_logged_in(seller_context, live_server, SELLER_EMAIL, SELLER_PASSWORD)
    seller.goto(f"{live_server}/messages")
    seller.locator(f"main a[href^='{conversation_path}']").first.click()
    expect(seller.locator(".message--other .message__body").last).to_have_text(
        "สวัสดีครับ องค์นี้ยังอยู่ไหมครับ")
    seller.fill("textarea[name=body]", "ยังอยู่ครับ พร้อมส่งพรุ่งนี้")
    seller.click("#message-form button[type=submit]")
    expect(seller.locator(".message--own .message__body").last).to_have_text(
        "ยังอยู่ครับ พร้อมส่งพรุ่งนี้")

    # The buyer's page was never reloaded: the reply arrives by itself.
    expect(buyer.locator(".message--other .message__body").last).to_have_text(
        "ยังอยู่ครับ พร้อมส่งพรุ่งนี้", timeout=15_000)
    screenshot(buyer, "conversation-th")
    buyer_context.close()
    seller_context.close()
