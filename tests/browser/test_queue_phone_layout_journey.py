"""A moderator clears the review queue on a phone (MOD-7). Found in review: the bulk action's
list and reason box had none of the queue's field styling (19 and 21 px high on a 390 px
phone), every row's buttons were 30 px high and its tick box 20 px; each now takes a thumb,
as the header's links do, and nothing runs off the side of the screen."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

SEED = """
from app.blueprints.moderation.reports import file_report

checker = member("phone-queue@talat.example", "Checker Phone")
checker.role = "moderator"
reporter = member("phone-reporter@talat.example", "Reporter Phone")
rude = member("phone-rude@talat.example", "Rude Member")
db.session.commit()
file_report(reporter, "user", rude.id, "spam", "Sends the same advert to everyone",
            now=utcnow())
db.session.commit()
from app.blueprints.complaints import intake
from app.models import Shop

shop = Shop(owner_id=rude.id, name="Rude Copies", slug="rude-copies", description="",
            plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.commit()
intake.file_complaint(dict(
    name="Holder Malee", organisation="", email="holder@talat.example", phone="",
    role="holder", kind="counterfeit", description="Copies of our registered amulet design.",
    original_url="", good_faith=True, accurate=True, signature="Holder Malee",
    urls=["/shops/rude-copies"]), [], now=utcnow())
db.session.commit()
print(json.dumps({}))
"""

def test_on_a_phone_every_control_of_the_queue_takes_a_thumb_mod_7(browser, live_server,
                                                                    live_env):
    """MOD-7 on a phone: the bulk bar, the filters and each row's actions are at least about
    40 px high (a row's tick box 28 px), and the page keeps to the screen's width."""
    seed(live_env, SEED)
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "phone-queue@talat.example")
        page.goto(f"{live_server}/moderation/queue")
        assert page.locator(".queue-row[data-open]").count() >= 1
        assert page.locator("#bulk-form select").count() == 1
        controls = page.evaluate("""() => Array.from(document.querySelectorAll(
            "#bulk-form select, #bulk-form input[type=text], #bulk-form button,"
            + " .queue-filters select, .queue-filters button, .queue-row button,"
            + " .queue-row select, .queue-row input[type=text]"))
          .filter(el => el.offsetParent !== null)
          .map(el => [el.outerHTML.slice(0, 70), el.getBoundingClientRect().height])""")
        assert controls
        assert [c for c in controls if c[1] < 39] == []
        tick = page.locator(".queue-row__select").first.bounding_box()
        assert tick["height"] >= 27 and tick["width"] >= 27, tick
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # A reason box or a choice takes the row's width, so its words are not cut short
        # ("เหตุผล (เจ้าของและ…": who reads the reason was lost).
        widths = page.evaluate("""() => Array.from(document.querySelectorAll(
            ".queue-row .queue-action input[type=text], .queue-row .queue-action select"))
          .filter(el => el.offsetParent !== null)
          .map(el => el.getBoundingClientRect().width
                     / el.closest(".queue-row").getBoundingClientRect().width)""")
        assert widths and min(widths) > 0.8, widths
        # A choice of two (a rejected complaint: filed in good faith, or unfounded) is two
        # radio buttons whose long Thai labels wrap: a list cut them to its width.
        choices = page.evaluate("""() => Array.from(document.querySelectorAll(
            ".queue-row .queue-action__choices label"))
          .filter(el => el.offsetParent !== null)
          .map(el => [el.textContent.trim(), el.getBoundingClientRect().height,
                      el.scrollWidth - el.clientWidth,
                      el.getBoundingClientRect().right
                      - el.closest(".queue-row").getBoundingClientRect().right])""")
        assert any(text.startswith("ยื่นโดยสุจริต") for text, *_ in choices), choices
        assert all(height >= 39 and cut <= 0 and past <= 0
                   for _text, height, cut, past in choices), choices
    finally:
        context.close()
