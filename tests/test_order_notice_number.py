"""The order's number in a notice (SHOP-10), found reading the buyer's notifications in Thai:
"ร้าน … ยกเลิกคำสั่งซื้อ 12 ของคุณ" reads as "cancelled 12 of your orders". A notice names the
order as every page and e-mail does, "#12"."""
from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.test_order_seller_cancel import shop_cancel
from tests.test_orders import market as market  # noqa: PLC0414 (the fixture)
from tests.test_orders import order_at


def test_a_cancelled_order_notice_names_the_order_with_its_hash_shop_10(english, market,
                                                                      client_for):
    m = market
    order = order_at(m, "awaiting_payment")
    assert shop_cancel(client_for(m.staff), order.id,
                       "ขายหน้าร้านไปแล้วเมื่อเช้า ขออภัยครับ").status_code == 302
    for member, client in ((m.buyer, m.buyer_client), (m.owner, m.seller_client)):
        assert db.session.scalar(select(Notification).where(Notification.user_id == member.id))
        page = unescape(client.get("/notifications").get_data(as_text=True))
        assert f"order #{order.id} for" in page, member.display_name
    m.buyer_client.set_cookie("lang", "th")
    page = unescape(m.buyer_client.get("/notifications").get_data(as_text=True))
    assert f"คำสั่งซื้อ #{order.id}" in page
