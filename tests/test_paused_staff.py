"""Staff paused by a smaller plan (SHOP-1, SHOP-2) see the shop as buyers do: not its held,
hidden or over-plan listings, nor its orders and messages, and the shop page tells them why.
The staff the plan still allows and the owner keep seeing everything."""
from datetime import timedelta

from sqlalchemy import select

from app.blueprints.shops import message_services
from app.database import utcnow
from app.extensions import db
from app.models import Listing, ListingPhoto
from app.uploads import store_image
from tests.images import jpeg
from tests.test_plan_downgrade import move_to, staffed_shop

PAUSED_NOTE = "Your staff access to this shop is paused by its Standard plan"
PAUSED_NOTE_TH = "สิทธิ์ทีมงานร้านของคุณถูกพักไว้ตามแพ็กเกจ"


def downgraded_shop(make_member, make_shop, client_for):
    """Professional (8 staff) with 6 staff moved to Standard (4): Helpers 4 and 5 paused."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 6, "professional")
    move_to(client_for, make_member, shop, "standard")
    return owner, shop, staff[0], staff[5]


def test_paused_staff_do_not_see_held_or_hidden_listings_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-1, SHOP-2: a held and a hidden listing are 404 to a paused helper, as to a buyer;
    an active helper and the owner still open them."""
    owner, shop, active, paused = downgraded_shop(make_member, make_shop, client_for)
    held = make_listing(shop=shop, title="พระรอตรวจ", status="held",
                        hold_reason="Illegal weapons").id
    hidden = make_listing(shop=shop, title="พระซ่อนไว้", status="hidden").id
    for listing_id in (held, hidden):
        assert client_for(paused).get(f"/listings/{listing_id}").status_code == 404
        assert client_for(None).get(f"/listings/{listing_id}").status_code == 404
        # its manager's pages do not say it exists either (found in review: they answered 403)
        for member in (paused, make_member()):
            assert client_for(member).get(f"/listings/{listing_id}/edit").status_code == 404
            assert client_for(member).get(f"/listings/{listing_id}/photos").status_code == 404
        assert client_for(active).get(f"/listings/{listing_id}").status_code == 200
        assert client_for(owner).get(f"/listings/{listing_id}").status_code == 200


def test_paused_staff_do_not_see_listings_hidden_over_the_plan_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2: Standard with 2 staff and 7 listings moved to Starter (5 listings, no staff):
    both helpers are paused and, like buyers, no longer see the 2 listings posted last."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 2, "standard")
    start = utcnow() - timedelta(days=30)
    ids = [make_listing(shop=shop, title=f"พระลำดับ {n}", created_at=start + timedelta(days=n)).id
           for n in range(7)]
    move_to(client_for, make_member, shop, "starter")
    for helper in staff:
        client = client_for(helper)
        assert [client.get(f"/listings/{i}").status_code for i in ids] == [200] * 5 + [404] * 2
        page = client.get(f"/shops/{shop.slug}").get_data(as_text=True)
        assert "พระลำดับ 4" in page and "พระลำดับ 6" not in page
        assert "Hidden from buyers" not in page
    assert client_for(owner).get(f"/listings/{ids[6]}").status_code == 200


def test_active_staff_still_see_listings_hidden_over_the_plan_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2: a listing over the plan's limit stays visible to the staff the plan allows."""
    owner, shop, active, paused = downgraded_shop(make_member, make_shop, client_for)
    listing = make_listing(shop=shop, title="พระเกินแพ็กเกจ")
    listing.over_plan_since = utcnow()
    db.session.commit()
    assert client_for(active).get(f"/listings/{listing.id}").status_code == 200
    assert client_for(owner).get(f"/listings/{listing.id}").status_code == 200
    assert client_for(paused).get(f"/listings/{listing.id}").status_code == 404


def test_the_shop_page_shows_paused_staff_what_buyers_see_and_why_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2: the shop page lists no held listing for a paused helper and says, in their
    language, that their staff access is paused by the plan; the others see no such note."""
    owner, shop, active, paused = downgraded_shop(make_member, make_shop, client_for)
    make_listing(shop=shop, title="พระรอตรวจ", status="held", hold_reason="Illegal weapons")
    make_listing(shop=shop, title="พระเปิดขาย")
    client = client_for(paused)
    page = client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "พระเปิดขาย" in page and "พระรอตรวจ" not in page
    assert PAUSED_NOTE in page and "Add a listing" not in page
    client.set_cookie("lang", "th")
    page = client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert PAUSED_NOTE_TH in page and PAUSED_NOTE not in page
    for member in (active, owner):
        page = client_for(member).get(f"/shops/{shop.slug}").get_data(as_text=True)
        assert "พระรอตรวจ" in page and PAUSED_NOTE not in page


def test_paused_staff_get_no_photo_of_a_held_listing_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2: the photos of a held listing follow the listing: 404 to a paused helper."""
    owner, shop, active, paused = downgraded_shop(make_member, make_shop, client_for)
    held = make_listing(shop=shop, status="held", hold_reason="Illegal weapons")
    stored = store_image(jpeg(120, 100))
    db.session.add(ListingPhoto(listing_id=held.id, key=stored.key, position=0,
                                width=stored.width, height=stored.height))
    db.session.commit()
    url = f"/media/{stored.key}/thumb.jpg"
    assert client_for(paused).get(url).status_code == 404
    assert client_for(active).get(url).status_code == 200
    assert client_for(owner).get(url).status_code == 200


def test_paused_staff_have_no_shop_conversations_or_order_pages_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2, SHOP-5, SHOP-10: a buyer's message to the shop is unread for the active helper
    only; the paused one has it neither in the inbox nor in the count, and the shop's order
    list is closed to them and not linked from their orders page."""
    owner, shop, active, paused = downgraded_shop(make_member, make_shop, client_for)
    listing = make_listing(shop=shop)
    buyer = make_member()
    message_services.contact_seller(listing, buyer, "ยังมีของไหมครับ", now=utcnow())
    db.session.commit()
    assert message_services.unread_total(active) == 1
    assert message_services.unread_total(paused) == 0
    assert message_services.inbox_size(paused) == 0
    assert client_for(paused).get(f"/shops/{shop.slug}/orders").status_code == 403
    assert client_for(active).get(f"/shops/{shop.slug}/orders").status_code == 200
    orders_page = client_for(paused).get("/orders").get_data(as_text=True)
    assert f"/shops/{shop.slug}/orders" not in orders_page
    assert f"/shops/{shop.slug}/orders" in client_for(active).get("/orders").get_data(
        as_text=True)
    mine = client_for(paused).get("/shops/mine").get_data(as_text=True)
    assert "Staff, paused by the shop" in mine


def test_paused_staff_are_offered_no_buy_button_on_their_own_shop_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2, SHOP-10: a paused helper sees the listing as buyers do, but without the Buy
    and Contact buttons that would only refuse them (they still work for the shop)."""
    owner, shop, active, paused = downgraded_shop(make_member, make_shop, client_for)
    listing = make_listing(shop=shop, quantity=2)
    page = client_for(paused).get(f"/listings/{listing.id}").get_data(as_text=True)
    assert f"/listings/{listing.id}/order" not in page
    assert f"/listings/{listing.id}/contact" not in page
    assert f"/listings/{listing.id}/edit" not in page
    assert db.session.get(Listing, listing.id).status == "active"
    # nor a Watch button: the shop's own watches do not count for the rankings (RANK-2)
    assert f"/listings/{listing.id}/watch" not in page
    assert f"/listings/{listing.id}/watch" in client_for(make_member()).get(
        f"/listings/{listing.id}").get_data(as_text=True)


def _agree(shop, members):
    """For each member: may they manage the shop's listings (the permission check the edit,
    order and message routes use) exactly when the shop is among those whose people they are
    (the SQL condition every listing page, photo, search and inbox uses)?"""
    from app.blueprints.shops.shop_services import managed_shop_ids_of
    from app.permissions import can_manage_listings

    db.session.expire_all()
    return {member.display_name: (can_manage_listings(member, shop),
                                  shop.id in managed_shop_ids_of(member))
            for member in members}


def test_the_staff_who_manage_are_the_staff_who_see_in_every_case_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-1, SHOP-2: one rule decides which staff the plan allows, for managing and for
    seeing alike: staff added at the same moment (ordered as added), one removed and added
    again (now the newest), the owner also listed as staff (their row counts, they stay the
    owner), a move down to no staff and back up (the paused come back)."""
    from app.models import ShopStaff

    owner, shop, staff = staffed_shop(make_member, make_shop, 5, "premium")
    same_moment = utcnow() - timedelta(days=3)
    db.session.add(ShopStaff(shop_id=shop.id, user_id=owner.id))
    for row in db.session.scalars(select(ShopStaff).where(ShopStaff.shop_id == shop.id)):
        row.added_at = same_moment
    db.session.commit()
    held = make_listing(shop=shop, status="held", hold_reason="Illegal weapons").id
    people = [owner, *staff]

    def check(expected_managers):
        seen = _agree(shop, people)
        assert all(manage == see for manage, see in seen.values()), seen
        assert {name for name, (manage, _) in seen.items() if manage} == expected_managers
        for member in staff:  # and the pages say the same
            client = client_for(member)
            status = client.get(f"/listings/{held}").status_code
            edit = client.get(f"/listings/{held}/edit").status_code
            assert (status, edit) in ((200, 200), (404, 404)), (member.display_name, status)
            assert (status == 200) == (member.display_name in expected_managers)

    everyone = {"Owner", "Helper 0", "Helper 1", "Helper 2", "Helper 3", "Helper 4"}
    check(everyone)
    move_to(client_for, make_member, shop, "standard")  # 4 staff rows: Helpers 0 to 3
    check({"Owner", "Helper 0", "Helper 1", "Helper 2", "Helper 3"})  # Helper 4 is paused
    first = db.session.scalar(select(ShopStaff).where(ShopStaff.user_id == staff[0].id))
    db.session.delete(first)
    db.session.commit()
    db.session.add(ShopStaff(shop_id=shop.id, user_id=staff[0].id, added_at=same_moment))
    db.session.commit()
    check({"Owner", "Helper 1", "Helper 2", "Helper 3", "Helper 4"})  # Helper 0: newest
    move_to(client_for, make_member, shop, "starter")
    check({"Owner"})
    move_to(client_for, make_member, shop, "premium_plus")
    check(everyone)
