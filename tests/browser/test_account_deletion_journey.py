"""A member deletes the account from the account page (ACC-9): asked for the password, the
deletion completes at once when nothing is open, the member is logged out, and the old e-mail
and password no longer log in."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import PASSWORD, sign_up

pytestmark = pytest.mark.browser


def test_member_deletes_the_account_and_cannot_log_in_again_acc_9(live_server, page,
                                                                  screenshot):
    sign_up(page, live_server, "leaving@talat.example", "Leaving Lek")
    page.goto(f"{live_server}/account")
    page.click("a[href='/account/delete']")
    page.fill("input[name=password]", "not the password")
    page.check("input[name=confirm]")
    page.click("main form.form button[type=submit]")
    expect(page.locator(".field--error input[name=password]")).to_be_visible()
    screenshot(page, "account-deletion")

    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=confirm]")
    page.click("main form.form button[type=submit]")
    expect(page.locator("header .account-menu__me")).to_have_count(0)

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "leaving@talat.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("main .alert--error, main .field__error").first).to_be_visible()
    expect(page.locator("header .account-menu__me")).to_have_count(0)
