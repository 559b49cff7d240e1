"""The staff page on a phone (SHOP-1, SHOP-2), found in review: with a name and a badge or two,
each person's Remove wrapped onto a line of its own at the left, straight under the next
person's name, and nothing set the people apart, so "Remove" read as the next person's. Each
person is now a row ruled off from the next, their Remove at its end."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import log_in, seed

pytestmark = pytest.mark.browser


def test_each_remove_button_sits_at_the_end_of_its_own_persons_row_shop_1(
        browser, live_server, live_env):
    seed(live_env, """
from app.models import Shop, ShopStaff, ShopCircle
owner = member("owner-people@talat.example", "เจ้าของร้านคน")
shop = Shop(owner_id=owner.id, name="ร้านคนเยอะ", slug="many-people", plan="starter",
            description="")
db.session.add(shop)
db.session.flush()
for n, name in enumerate(["ผู้ช่วยร้านคนที่หนึ่ง ชื่อยาวมาก", "ผู้ช่วยสอง"]):
    helper = member(f"helper{n}-people@talat.example", name)
    db.session.add(ShopStaff(shop_id=shop.id, user_id=helper.id))  # paused: Starter has none
    db.session.add(ShopCircle(shop_id=shop.id, user_id=helper.id))
db.session.commit()
print(json.dumps({}))
""")
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok")
    page = context.new_page()
    try:
        log_in(page, live_server, "owner-people@talat.example")
        page.goto(f"{live_server}/shops/many-people/people")
        rows = page.evaluate("""() => Array.from(document.querySelectorAll(
            ".people-list > li")).map(li => {
              const row = li.getBoundingClientRect();
              const button = li.querySelector(".btn").getBoundingClientRect();
              return {rowRight: row.right, rowTop: row.top, rowBottom: row.bottom,
                      right: button.right, top: button.top, bottom: button.bottom,
                      ruled: getComputedStyle(li).borderBottomStyle};
            })""")
        assert len(rows) == 4, rows
        for row in rows:
            assert abs(row["right"] - row["rowRight"]) <= 1, row  # at the end of its row
            assert row["rowTop"] <= row["top"] and row["bottom"] <= row["rowBottom"], row
        assert [row["ruled"] for row in (rows[0], rows[2])] == ["solid", "solid"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_your_shops_are_rows_a_thumb_can_take_shop_1(browser, live_server):
    """SHOP-1 (found in review): on "Your shops" each shop was a 26 px link, the rows 8 px
    apart, and a long name's badge wrapped under it, next to the following shop's name. Each
    shop is now a ruled row whose link is at least 44 px high."""
    context = browser.new_context(viewport=PHONE, locale="th-TH", timezone_id="Asia/Bangkok")
    page = context.new_page()
    try:
        log_in(page, live_server, "helper0-people@talat.example")  # seeded above: paused staff
        page.goto(f"{live_server}/shops/mine")
        rows = page.evaluate("""() => Array.from(document.querySelectorAll(
            ".shop-list > li")).map(li => ({
              height: li.querySelector("a").getBoundingClientRect().height,
              ruled: getComputedStyle(li).borderBottomStyle, text: li.innerText}))""")
        assert len(rows) == 1 and "ร้านคนเยอะ" in rows[0]["text"], rows
        assert rows[0]["height"] >= 44, rows
    finally:
        context.close()
