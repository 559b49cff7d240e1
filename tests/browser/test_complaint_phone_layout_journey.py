"""A member's own complaints on a phone (390 px), found in review (CMP-1, CMP-2): the list of
"My complaints" was a five-column table, 425 px wide in Thai and 514 px in English, so the
answer's due date sat off the screen. Each complaint now reads as a card, each value under its
column's name."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser

SEED = """
from app.blueprints.complaints import intake
from app.models import Shop

holder = member("holder@talat.example", "Holder Malee")
owner = member("owner@talat.example", "Owner Somsak")
db.session.commit()
shop = Shop(owner_id=owner.id, name="Somsak Copies", slug="somsak-copies", description="",
            plan="standard", created_at=utcnow(), updated_at=utcnow())
db.session.add(shop)
db.session.commit()
complaint = intake.file_complaint(dict(
    name="Holder Malee", organisation="", email="holder@talat.example", phone="",
    role="holder", kind="counterfeit", description="Copies of our registered amulet design.",
    original_url="", good_faith=True, accurate=True, signature="Holder Malee",
    urls=["/shops/somsak-copies"]), [], complainant=holder, now=utcnow())
db.session.commit()
print(json.dumps({"code": complaint.code}))
"""


@pytest.fixture(scope="module")
def code(live_server, live_env):
    """The tracking code of the member's one complaint (filed once for the module)."""
    return seed(live_env, SEED)["code"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_my_complaints_fit_a_phone_cmp_1(browser, live_server, code, lang):
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok",
                                  is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    log_in(page, live_server, "holder@talat.example")
    page.goto(f"{live_server}/complaints/mine")
    assert page.locator("main table a[href*='/complaints/status']").count() == 1
    assert code in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    due = page.locator("main table td").last
    box = due.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    context.close()
