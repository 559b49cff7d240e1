"""An order names what was bought as the listing was titled when it was ordered (SHOP-10):
renaming the listing afterwards changes neither the order's page, the order lists nor the
e-mails about the order."""
from sqlalchemy import select

from app.extensions import db
from app.models import EmailMessage, Listing, Order, ShopStaff
from tests.conftest import SHIP_TO, post_form
from tests.images import jpeg, upload
from tests.test_listings import listing_form

ORDERED = "พระสมเด็จวัดระฆัง พิมพ์ใหญ่ องค์ครู"
RENAMED = "พระรอด กรุวัดมหาวัน"


def test_renaming_a_listing_keeps_the_title_the_buyer_ordered_shop_10(
        app, make_member, make_shop, make_listing, client_for):
    """SHOP-10: the seller's staff renames the listing while the order waits for payment;
    the buyer's and the shop's order pages and lists, and the next e-mail, still name what was
    ordered, while the listing page shows the new title."""
    owner, staff, buyer = (make_member() for _ in range(3))
    shop = make_shop(owner=owner, plan="standard")
    db.session.add(ShopStaff(shop_id=shop.id, user_id=staff.id))
    db.session.commit()
    listing = make_listing(shop=shop, title=ORDERED, quantity=3)
    buyer_client, staff_client = client_for(buyer), client_for(staff)

    assert post_form(buyer_client, f"/listings/{listing.id}/order",
                     {"quantity": "1", **SHIP_TO}).status_code == 302
    order = db.session.scalar(select(Order))
    assert post_form(staff_client, f"/listings/{listing.id}/edit",
                     listing_form(title=RENAMED, quantity="2", quantity_was="2")
                     ).status_code == 302
    assert db.session.get(Listing, listing.id).title == RENAMED
    assert RENAMED in buyer_client.get(f"/listings/{listing.id}").get_data(as_text=True)

    for client, url in ((buyer_client, f"/orders/{order.id}"), (buyer_client, "/orders"),
                        (staff_client, f"/orders/{order.id}"),
                        (staff_client, f"/shops/{shop.slug}/orders")):
        page = client.get(url).get_data(as_text=True)
        assert ORDERED in page and RENAMED not in page, url

    assert post_form(buyer_client, f"/orders/{order.id}/pay",
                     {"method": "promptpay", "slip": upload(jpeg())},
                     form_url=f"/orders/{order.id}",
                     content_type="multipart/form-data").status_code == 302
    mails = db.session.scalars(select(EmailMessage).where(
        EmailMessage.kind == "order_payment_submitted")).all()
    assert mails and all(ORDERED in m.body_text and RENAMED not in m.body_text for m in mails)
