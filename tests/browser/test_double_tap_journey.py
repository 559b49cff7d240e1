"""A second tap on a form's button while the first is on its way (SHOP-3, SHOP-10): on a slow
phone the seller's "Post the listing" and the buyer's "Place the order" were sent twice."""
import pytest

from tests.browser.steps import open_shop_and_start_a_listing, sign_up

pytestmark = pytest.mark.browser

TWO_TAPS = """() => {
  const button = document.querySelector("main form button[type=submit]");
  button.click();
  setTimeout(() => button.click(), 150);
}"""


def test_two_quick_taps_post_one_listing_shop_3(live_server, browser):
    """Found in review: two taps 150 ms apart on "Post the listing" (no photos, so the
    browser sends the form itself) posted the listing twice. The second tap is ignored while
    the first is being sent."""
    base = live_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_up(page, base, "twotaps@talat.example", "ร้านกดสองที")
    open_shop_and_start_a_listing(page, base, "ร้านกดสองที", "two-taps", "พระกริ่ง กดสองที",
                                  "800")
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 200_000,
        "uploadThroughput": 200_000})
    page.evaluate(TWO_TAPS)
    page.wait_for_url("**/listings/*", timeout=15000)
    page.wait_for_timeout(1500)
    assert len(posts) == 1, posts
    page.goto(f"{base}/shops/two-taps")
    assert page.locator(".listing-card", has_text="พระกริ่ง กดสองที").count() == 1
    context.close()
