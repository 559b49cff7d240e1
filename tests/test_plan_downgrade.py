"""A shop moved to a smaller plan (SHOP-2): staff beyond the new limit, the newest first, stop
managing listings until the plan allows them again; the owner is told and sees who."""
from datetime import timedelta

from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import Notification, Shop, ShopStaff
from tests.conftest import post_form


def staffed_shop(make_member, make_shop, count, plan):
    owner = make_member(display_name="Owner")
    shop = make_shop(owner=owner, plan=plan)
    staff = [make_member(display_name=f"Helper {n}") for n in range(count)]
    for member in staff:  # added in this order: Helper 0 first
        db.session.add(ShopStaff(shop_id=shop.id, user_id=member.id))
        db.session.commit()
    return owner, shop, staff


def move_to(client_for, make_member, shop, plan):
    admin = client_for(make_member(role="admin"))
    response = post_form(admin, f"/shops/{shop.slug}/plan", {"plan": plan, "confirmed": "yes"},
                         form_url=f"/shops/{shop.slug}")
    assert response.status_code == 302


def may_post(client_for, member, shop):
    return client_for(member).get(f"/shops/{shop.slug}/listings/new").status_code == 200


def test_staff_over_a_smaller_plan_stop_managing_newest_first_shop_2(
        make_member, make_shop, client_for):
    """SHOP-2: Professional (8 staff) with 6 staff, moved to Standard (4): Helpers 4 and 5,
    added last, may no longer post or edit; the four added first still may."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 6, "professional")
    assert all(may_post(client_for, member, shop) for member in staff)
    move_to(client_for, make_member, shop, "standard")
    assert [may_post(client_for, member, shop) for member in staff] == [True] * 4 + [False] * 2
    assert may_post(client_for, owner, shop)


def test_the_owner_is_told_and_sees_who_is_paused_shop_2(make_member, make_shop, client_for):
    owner, shop, staff = staffed_shop(make_member, make_shop, 6, "professional")
    move_to(client_for, make_member, shop, "standard")
    notice = db.session.scalar(select(Notification).where(Notification.user_id == owner.id,
                                                          Notification.kind == "staff_over_plan"))
    assert notice is not None
    owner_client = client_for(owner)
    page = owner_client.get("/notifications").get_data(as_text=True)
    assert "is now on the Standard plan, which allows 4 staff members" in page
    assert f"/shops/{shop.slug}/people" in page
    people = owner_client.get(f"/shops/{shop.slug}/people").get_data(as_text=True)
    assert "The 2 added last are paused: they cannot manage listings, orders or messages" in people
    assert people.count("Paused: over the plan") == 2
    owner_client.set_cookie("lang", "th")
    people = owner_client.get(f"/shops/{shop.slug}/people").get_data(as_text=True)
    assert people.count("พักสิทธิ์: เกินจำนวนที่แพ็กเกจกำหนด") == 2
    assert "ทีมงาน 2 คนที่เพิ่มเข้ามาล่าสุดจึงถูกพักสิทธิ์ จัดการประกาศขาย คำสั่งซื้อ" in people
    page = owner_client.get("/notifications").get_data(as_text=True)
    assert "ซึ่งมีทีมงานร้านได้ 4 คน" in page and "is now on" not in page


def test_paused_staff_come_back_when_room_is_made_shop_2(make_member, make_shop, client_for):
    """Removing an active helper lets the next one in; a larger plan lets them all in."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 6, "professional")
    move_to(client_for, make_member, shop, "standard")
    first = db.session.scalar(select(ShopStaff).where(ShopStaff.user_id == staff[0].id))
    post_form(client_for(owner), f"/shops/{shop.slug}/staff/{first.id}/remove", {},
              form_url=f"/shops/{shop.slug}/people")
    assert [may_post(client_for, member, shop) for member in staff[1:]] == [True] * 4 + [False]
    move_to(client_for, make_member, shop, "professional")
    assert all(may_post(client_for, member, shop) for member in staff[1:])


def test_no_notice_when_the_staff_still_fit_shop_2(make_member, make_shop, client_for):
    owner, shop, _ = staffed_shop(make_member, make_shop, 4, "professional")
    move_to(client_for, make_member, shop, "standard")
    assert db.session.scalar(select(Notification).where(
        Notification.kind == "staff_over_plan")) is None


# --- listings beyond the plan's limit ---------------------------------------------------------

def shop_with_listings(make_member, make_shop, make_listing, count, plan):
    owner = make_member(display_name="Owner")
    shop = make_shop(owner=owner, plan=plan)
    start = utcnow() - timedelta(days=30)
    listings = [make_listing(shop=shop, title=f"พระเครื่อง ลำดับ {n}",
                             created_at=start + timedelta(days=n)) for n in range(count)]
    return owner, shop, [listing.id for listing in listings]


def shown_to_buyers(client_for, listing_ids):
    visitor = client_for(None)
    return [visitor.get(f"/listings/{listing_id}").status_code == 200
            for listing_id in listing_ids]


def test_listings_over_a_smaller_plan_are_hidden_from_buyers_newest_first_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2: "Starter: up to 5 listings shown". Standard with 7 listings moved to Starter:
    the 2 posted last leave every public page; the shop's people still see them, marked."""
    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 7, "standard")
    move_to(client_for, make_member, shop, "starter")
    assert shown_to_buyers(client_for, ids) == [True] * 5 + [False] * 2
    page = client_for(None).get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "ลำดับ 4" in page and "ลำดับ 5" not in page and "ลำดับ 6" not in page
    owner_client = client_for(owner)
    page = owner_client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "ลำดับ 6" in page and page.count("Hidden from buyers: over the plan") == 2
    assert "Buyers do not see the 2 posted last" in page
    assert owner_client.get(f"/listings/{ids[6]}").status_code == 200
    notices = owner_client.get("/notifications").get_data(as_text=True)
    assert "which shows up to 5 listings. Your 2 newest listings are hidden" in notices
    owner_client.set_cookie("lang", "th")
    page = owner_client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert page.count("ผู้ซื้อมองไม่เห็น: เกินจำนวนที่แพ็กเกจกำหนด") == 2


def test_hidden_listings_come_back_when_room_is_made_shop_2(make_member, make_shop,
                                                            make_listing, client_for):
    """Deleting a shown listing shows the next one; a larger plan shows them all."""
    from app.blueprints.shops.listing_services import delete_listing
    from app.models import Listing

    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 7, "standard")
    move_to(client_for, make_member, shop, "starter")
    delete_listing(db.session.get(Listing, ids[0]), now=utcnow())
    db.session.commit()
    assert shown_to_buyers(client_for, ids[1:]) == [True] * 5 + [False]
    move_to(client_for, make_member, shop, "standard")
    assert shown_to_buyers(client_for, ids[1:]) == [True] * 6


def test_a_listing_hidden_past_the_plan_cannot_be_ordered_shop_2(make_member, make_shop,
                                                                 make_listing, client_for,
                                                                 english):
    """SHOP-2, SHOP-10: a listing hidden from buyers past a smaller plan's limit is refused by
    the order service itself, not only by its page being out of sight."""
    from app.blueprints.shops.order_services import order_refusal
    from app.models import Listing

    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 7, "standard")
    move_to(client_for, make_member, shop, "starter")
    move_to(client_for, make_member, shop, "standard")  # the Buy button back, room again
    hidden = db.session.get(Listing, ids[0])
    hidden.over_plan_since = utcnow()  # as a plan move leaves it before room is made
    db.session.commit()
    refusal = order_refusal(hidden, make_member())
    assert refusal is not None and "cannot be ordered" in str(refusal.message)
    assert order_refusal(db.session.get(Listing, ids[1]), make_member()) is None


def test_paused_staff_still_cannot_buy_from_their_own_shop_shop_2(make_member, make_shop,
                                                                   make_listing, client_for):
    """Paused staff are still the shop's people: no ordering from it nor writing to it as a
    buyer (SHOP-10, SHOP-5)."""
    from app.blueprints.shops.order_services import order_refusal

    owner, shop, staff = staffed_shop(make_member, make_shop, 6, "professional")
    move_to(client_for, make_member, shop, "standard")
    listing = make_listing(shop=shop, quantity=3)
    assert order_refusal(listing, staff[5]) is not None
    assert client_for(staff[5]).get(f"/listings/{listing.id}/contact").status_code == 403


def test_a_listing_over_the_plan_signed_fake_is_shown_and_hidden_again_when_lifted_shop_7(
        make_member, make_shop, make_listing, client_for):
    """SHOP-7, SHOP-2 (found in review): a listing hidden as over the plan that was then
    signed FAKE stayed hidden, though a FAKE listing stays shown as a warning; when the sign
    goes, it is over the plan again and hidden again."""
    from app.blueprints.moderation import signs

    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 7, "standard")
    move_to(client_for, make_member, shop, "starter")
    moderator = make_member(role="moderator")
    sign = signs.hang_sign("listing", ids[6], "fake", moderator, "A copy.", now=utcnow())
    db.session.commit()
    assert shown_to_buyers(client_for, ids) == [True] * 5 + [False, True]
    signs.end_sign(sign, moderator, "Checked again.", now=utcnow())
    db.session.commit()
    assert shown_to_buyers(client_for, ids) == [True] * 5 + [False, False]


def test_a_move_that_would_hide_listings_or_pause_staff_asks_first_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2, found in review: the admin's plan menu on a shop's page hid listings and
    paused staff the moment it was sent, with no word of what it would do. A smaller plan
    now says what it will take away and waits for a confirmation; a larger one goes at once."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 6, "professional")
    for _ in range(7):
        make_listing(shop=shop)
    admin = client_for(make_member(role="admin"))
    url = f"/shops/{shop.slug}/plan"
    asked = post_form(admin, url, {"plan": "starter"}, form_url=f"/shops/{shop.slug}")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "data-plan-effects" in html
    assert "2 listings, the newest, will be hidden from buyers." in html
    assert "6 staff members, those added last, will be paused." in html
    assert db.session.get(Shop, shop.id).plan == "professional"
    assert db.session.scalar(select(Notification.id)) is None
    confirmed = post_form(admin, url, {"plan": "starter", "confirmed": "yes"},
                          form_url=f"/shops/{shop.slug}")
    assert confirmed.status_code == 302 and db.session.get(Shop, shop.id).plan == "starter"
    upward = post_form(admin, url, {"plan": "premium"}, form_url=f"/shops/{shop.slug}")
    assert upward.status_code == 302 and db.session.get(Shop, shop.id).plan == "premium"


def test_a_fake_listing_takes_no_place_in_the_plan_shop_2_shop_7(make_member, make_shop,
                                                                  make_listing, client_for):
    """SHOP-2, SHOP-7 (found in review): the owner may not delete a FAKE-signed listing, so it
    held one of Starter's 5 places for good. It takes none: the owner may post again and the
    counter says 4 of 5."""
    from app.blueprints.moderation import signs
    from app.blueprints.shops import plans

    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 5, "starter")
    signs.hang_sign("listing", ids[0], "fake", make_member(role="moderator"), "A copy.",
                    now=utcnow())
    db.session.commit()
    assert plans.counted_listings(shop) == 4
    plans.check_listing_limit(shop)  # no PlanLimitReached
    db.session.rollback()
    page = client_for(owner).get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "4 of 5 listings used" in page


def test_a_shown_listing_signed_fake_makes_room_for_a_hidden_one_shop_2_shop_7(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2, SHOP-7: the plan-downgrade hiding counts as the limit does: a shown listing
    signed FAKE stays shown and frees its place for the oldest hidden one."""
    from app.blueprints.moderation import signs

    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 7, "standard")
    move_to(client_for, make_member, shop, "starter")
    signs.hang_sign("listing", ids[0], "fake", make_member(role="moderator"), "A copy.",
                    now=utcnow())
    db.session.commit()
    assert shown_to_buyers(client_for, ids) == [True] * 6 + [False]


def test_the_counter_after_a_downgrade_says_how_many_are_shown_and_hidden_shop_2(
        make_member, make_shop, make_listing, client_for):
    """SHOP-2 (found in review): "9 of 5 listings used" after a downgrade; it now says 5 are
    shown and 4 hidden beyond the plan."""
    owner, shop, ids = shop_with_listings(make_member, make_shop, make_listing, 9, "standard")
    move_to(client_for, make_member, shop, "starter")
    page = client_for(owner).get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "9 of 5" not in page
    assert "5 listings shown, the most the plan allows; 4 more hidden from buyers" in page
    assert "Buyers do not see the 4 posted last" in page


def test_staff_are_told_when_added_and_when_a_plan_pauses_them_shop_1_shop_2(
        make_member, make_shop, client_for):
    """SHOP-1, SHOP-2 (found in review): only the owner was told anything. A member added to
    the staff is told; staff a smaller plan pauses, and allows again, are told too."""
    from app.blueprints.shops import shop_services

    owner, shop, staff = staffed_shop(make_member, make_shop, 5, "professional")
    newcomer = make_member(display_name="Newcomer")
    shop_services.add_staff(shop, newcomer.email, by=owner, now=utcnow())
    db.session.commit()
    notices = client_for(newcomer).get("/notifications").get_data(as_text=True)
    assert "You have been added to the staff of the shop" in notices
    move_to(client_for, make_member, shop, "standard")  # 4 staff: Helper 4 and Newcomer
    kinds = {member.id: db.session.scalars(select(Notification.kind).where(
        Notification.user_id == member.id)).all() for member in [*staff, newcomer]}
    assert kinds[staff[0].id] == [] and kinds[staff[3].id] == []
    assert kinds[staff[4].id] == ["staff_paused"]
    assert sorted(kinds[newcomer.id]) == ["staff_added", "staff_paused"]
    page = client_for(staff[4]).get("/notifications").get_data(as_text=True)
    assert "your staff access is paused" in page
    move_to(client_for, make_member, shop, "professional")
    assert "staff_resumed" in db.session.scalars(select(Notification.kind).where(
        Notification.user_id == staff[4].id)).all()


def test_the_empty_notices_page_is_not_only_about_auctions_shop_1(make_member, client_for):
    page = client_for(make_member()).get("/notifications").get_data(as_text=True)
    assert "your shops and their staff, your orders" in page
    assert "when you are outbid, when an auction you watch" not in page
