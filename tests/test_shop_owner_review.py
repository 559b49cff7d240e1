"""Found driving a shop owner's pages on a phone (SHOP-1, SHOP-3, RANK-1): what the owner and
the shop's people are told when staff and circle change, and how chosen photos are refused."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification, ShopStaff
from tests.conftest import post_form
from tests.test_plan_downgrade import staffed_shop


def test_a_removed_staff_member_is_told_and_the_owner_reads_it_is_done_shop_1(
        make_member, make_shop, client_for):
    """SHOP-1 (found in review): "Remove" on the staff page reloaded it without a word, and the
    member removed was not told, though they were told when added: their open pages of the
    shop answered "You may not do this" with no reason. Now the owner reads that it is done and
    the member gets a notice naming the shop."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 1, "standard")
    client = client_for(owner)
    entry = db.session.scalar(select(ShopStaff).where(ShopStaff.shop_id == shop.id))
    response = post_form(client, f"/shops/{shop.slug}/staff/{entry.id}/remove", {},
                         form_url=f"/shops/{shop.slug}/people", follow_redirects=True)
    assert "Helper 0 is no longer on your staff." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ShopStaff.id))) == 0
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == staff[0].id)).all()
    assert kinds == ["staff_removed"]
    notices = client_for(staff[0]).get("/notifications").get_data(as_text=True)
    assert f"The owner of the shop “{shop.name}” has removed you from its staff" in notices


def test_taking_a_member_out_of_the_circle_says_so_rank_1(make_member, make_shop, client_for):
    """RANK-1 (found in review): taking a member out of the circle reloaded the page without a
    word; the owner now reads whom it concerned."""
    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    guest = make_member(display_name="Nok Fan")
    client = client_for(owner)
    post_form(client, f"/shops/{shop.slug}/circle", {"circle-email": guest.email},
              form_url=f"/shops/{shop.slug}/people")
    from app.models import ShopCircle

    entry = db.session.scalar(select(ShopCircle).where(ShopCircle.shop_id == shop.id))
    response = post_form(client, f"/shops/{shop.slug}/circle/{entry.id}/remove", {},
                         form_url=f"/shops/{shop.slug}/people", follow_redirects=True)
    assert "Nok Fan no longer sees your restricted listings." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ShopCircle.id))) == 0
