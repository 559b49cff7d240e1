"""Prohibited goods hidden by characters that show nothing (SHOP-4), found typing hostile
titles: "บุ\u200bหรี่ไฟฟ้า" (a zero-width space inside "e-cigarette" in Thai) or a full-width
"ｖａｐｅ" looks the same to a buyer, yet passed the prohibited list; and a title of three
zero-width spaces made a listing with a blank card. The check reads a text as it is shown."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Listing
from tests.test_listings import post_listing
from tests.test_listings import seller as seller  # noqa: PLC0414 (the fixture)

ZWSP, ZWJ, WORD_JOINER, SOFT_HYPHEN = "\u200b", "\u200d", "\u2060", "\u00ad"


@pytest.mark.parametrize("text", [
    f"บุ{ZWSP}หรี่ไฟฟ้า กลิ่นมะม่วง", f"บุหรี่{ZWJ}ไฟฟ้า", f"e{WORD_JOINER}-cigarette",
    f"va{SOFT_HYPHEN}pe pod", "ｖａｐｅ pod", "ｅ-ｃｉｇａｒｅｔｔｅ"])
def test_invisible_characters_do_not_hide_a_prohibited_term_shop_4(app, text):
    """SHOP-4: the term is found as the buyer would read it."""
    from app.blueprints.shops.prohibited import check_text

    assert check_text(text).action == "refuse"


def test_harmless_text_with_a_zero_width_space_still_passes_shop_4(app):
    """SHOP-4: Thai editors put zero-width spaces between words; they change nothing."""
    from app.blueprints.shops.prohibited import check_text

    assert check_text(f"พระสมเด็จ{ZWSP}วัดระฆัง พิมพ์ใหญ่").action is None


def test_a_hidden_e_cigarette_listing_is_refused_with_the_reason_shop_4(seller):
    client, shop = seller
    response = post_listing(client, shop, title=f"บุ{ZWSP}หรี่ไฟฟ้า กลิ่นมะม่วง")
    assert response.status_code == 422
    assert "E-cigarettes and shisha" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_a_title_of_characters_that_show_nothing_is_refused_shop_3(seller):
    """SHOP-3: a title needs 3 characters one can see."""
    client, shop = seller
    response = post_listing(client, shop, title=ZWSP * 5 + " a")
    assert response.status_code == 422
    assert "A title has 3 to 120 characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Listing.id))) == 0
