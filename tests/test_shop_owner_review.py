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



def test_taking_a_member_out_of_the_circle_asks_first_and_tells_them_rank_1(
        make_member, make_shop, client_for):
    """RANK-1 (found in review): one stray tap on a circle member's Remove took their sight of
    the shop's restricted listings away at once, while a staff member's Remove asks first
    (SHOP-1). It now opens a question too, a plain page that works without JavaScript, naming
    whom it removes and what they lose; only its button removes. The member is told, as
    removed staff are. A removal already done meanwhile leads back to the people page."""
    from app.models import ShopCircle

    owner = make_member()
    shop = make_shop(owner=owner, plan="standard", name="Baan Phra")
    guest = make_member(display_name="Nok Fan")
    client = client_for(owner)
    people_url = f"/shops/{shop.slug}/people"
    post_form(client, f"/shops/{shop.slug}/circle", {"circle-email": guest.email},
              form_url=people_url)
    entry = db.session.scalar(select(ShopCircle).where(ShopCircle.shop_id == shop.id))
    url = f"/shops/{shop.slug}/circle/{entry.id}/remove"
    people = client.get(people_url).get_data(as_text=True)
    assert f'href="{url}"' in people and f'action="{url}"' not in people
    assert 'aria-label="Remove Nok Fan from the circle"' in people
    question = client.get(url)
    html = question.get_data(as_text=True)
    assert question.status_code == 200 and "Remove Nok Fan from the circle?" in html
    assert "Only my shop's circle" in html and "will be told" in html  # what they lose
    assert f'<form method="post" action="{url}"' in html and 'name="csrf_token"' in html
    assert f'href="{people_url}">Keep them in the circle</a>' in html
    assert db.session.scalar(select(func.count(ShopCircle.id))) == 1  # asking removes no one
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    response = post_form(client, url, {}, form_url=url)
    assert response.status_code == 302 and response.headers["Location"] == people_url
    assert "Nok Fan no longer sees your restricted listings." in client.get(
        people_url).get_data(as_text=True)
    assert db.session.scalar(select(func.count(ShopCircle.id))) == 0
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == guest.id)).all()
    assert kinds == ["circle_removed"]
    notices = client_for(guest).get("/notifications").get_data(as_text=True)
    assert "The owner of the shop “Baan Phra” has taken you out of its circle" in notices
    again = client.get(url)
    assert again.status_code == 302 and again.headers["Location"] == people_url
    assert client_for(make_member()).get(url).status_code == 403


def test_a_circle_entry_of_another_shop_is_neither_asked_about_nor_removed_rank_1(
        make_member, make_shop, client_for):
    """RANK-1: the question and the removal take only the owner's own shop's circle."""
    from app.models import ShopCircle

    mine, theirs = make_shop(plan="standard"), make_shop(plan="standard")
    guest = make_member(display_name="Nok Fan")
    db.session.add(ShopCircle(shop_id=theirs.id, user_id=guest.id))
    db.session.commit()
    entry = db.session.scalar(select(ShopCircle))
    client = client_for(mine.owner)
    url = f"/shops/{mine.slug}/circle/{entry.id}/remove"
    assert client.get(url).headers["Location"] == f"/shops/{mine.slug}/people"
    post_form(client, url, {}, form_url=f"/shops/{mine.slug}/people")
    assert db.session.scalar(select(func.count(ShopCircle.id))) == 1
    assert db.session.scalar(select(func.count(Notification.id))) == 0

def test_choosing_more_photos_than_the_listing_has_room_for_says_how_many_shop_3(
        make_member, make_shop, make_listing, client_for, app):
    """SHOP-3 (found in review): with 2 photos on a listing, choosing 9 more stored each file,
    refused the ninth with "A listing has at most 10 photos" and kept none, so the seller did
    not learn how many to choose. They are now refused at once, before any file is read, with
    the room left; the photo panel (htmx) says so too."""
    from pathlib import Path

    from app.models import ListingPhoto
    from tests.images import jpeg, upload

    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    listing = make_listing(shop=shop)
    client = client_for(owner)
    url = f"/listings/{listing.id}/photos"
    post_form(client, url, {"photos": [upload(jpeg()), upload(jpeg(), "b.jpg")]},
              content_type="multipart/form-data")
    files_before = len(list(Path(app.config["UPLOAD_DIR"]).rglob("*.jpg")))
    chosen = [upload(jpeg(), f"{n}.jpg") for n in range(9)]
    response = post_form(client, url, {"photos": chosen}, content_type="multipart/form-data",
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert ("You chose 9 photos, but this listing has room for only 8 more (at most 10 in "
            "all). Please choose 8 or fewer.") in html
    assert db.session.scalar(select(func.count(ListingPhoto.id))) == 2
    assert len(list(Path(app.config["UPLOAD_DIR"]).rglob("*.jpg"))) == files_before


def test_a_new_listing_with_eleven_photos_is_told_the_limit_shop_3(
        make_member, make_shop, client_for):
    """SHOP-3: eleven photos chosen on the new-listing form: refused with the room there is."""
    from app.models import Listing
    from tests.images import jpeg, upload
    from tests.test_listings import listing_form

    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    client = client_for(owner)
    response = post_form(client, f"/shops/{shop.slug}/listings/new",
                         listing_form(photos=[upload(jpeg(), f"{n}.jpg") for n in range(11)]),
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "You chose 11 photos, but this listing has room for only 10 more" in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_a_web_address_typed_in_thai_digits_opens_the_shop_shop_1(make_member, client_for):
    """SHOP-1 (found in review): "shop-๑๒๓", typed on a Thai keyboard, was refused with "only
    small English letters, digits and dashes", though ๑๒๓ are digits; they are read as 123."""
    from app.models import Shop

    client = client_for(make_member())
    response = post_form(client, "/shops/new", {"name": "ร้านเลขไทย", "slug": "Shop-๑๒๓",
                                                "description": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/shops/shop-123"
    assert db.session.scalar(select(Shop.slug)) == "shop-123"


def test_a_wrong_name_and_a_wrong_or_taken_address_are_told_together_shop_1(
        make_member, make_shop, client_for):
    """SHOP-1 (found in review): a one-letter name and a Thai web address were told one per
    try: the name first, the address only after the name was mended. Both are told now, and
    so is an address another shop uses."""
    client = client_for(make_member())
    response = post_form(client, "/shops/new", {"name": "ก", "slug": "ร้าน ทดสอบ",
                                                "description": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A shop name has 2 to 80 characters." in html
    assert "The web address may use only small English letters" in html

    make_shop(slug="taken-shop")
    response = post_form(client, "/shops/new", {"name": "ก", "slug": "taken-shop",
                                                "description": ""})
    html = response.get_data(as_text=True)
    assert "A shop name has 2 to 80 characters." in html
    assert "Another shop uses this web address." in html


def test_a_replaced_logo_is_shown_on_the_details_page_and_its_old_files_go_shop_1(
        make_member, make_shop, client_for, app):
    """SHOP-1 (found in review): the shop's details page did not show the logo, so an owner
    could not tell whether one was set before choosing another; and a logo replaced kept its
    files on disk for good, served to no one. The page shows the logo now; the old one's
    files are removed once the new one is saved."""
    from pathlib import Path

    from app.models import Shop
    from tests.images import jpeg, upload

    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    client = client_for(owner)
    url = f"/shops/{shop.slug}/edit"
    assert "The logo now." not in client.get(url).get_data(as_text=True)
    for color in [(200, 40, 40), (40, 40, 200)]:
        response = post_form(client, url, {"name": shop.name, "description": "",
                                           "logo": upload(jpeg(color=color), "logo.jpg")},
                             content_type="multipart/form-data")
        assert response.status_code == 302
        if color[0] == 200:
            first = db.session.scalar(select(Shop.logo_key).where(Shop.id == shop.id))
    second = db.session.scalar(select(Shop.logo_key).where(Shop.id == shop.id))
    assert first and second and first != second
    names = {path.name for path in Path(app.config["UPLOAD_DIR"]).rglob("*.jpg")}
    assert not any(name.startswith(first) for name in names)
    assert any(name.startswith(second) for name in names)
    html = client.get(url).get_data(as_text=True)
    assert f'src="/media/{second}/thumb.jpg"' in html and "The logo now." in html


def test_the_new_listing_form_sent_again_after_back_posts_nothing_twice_shop_3_shop_2(
        make_member, make_shop, client_for):
    """SHOP-3, SHOP-2 (found in review on a phone): Back after "Post the listing" shows the
    form as it was typed, and sending it again posted the same listing a second time, taking
    a second of a Starter shop's five places. The same listing sent again by its author
    within minutes now leads to the first, which says so; a different one is posted."""
    from app.models import Listing
    from tests.test_listings import listing_form

    owner = make_member()
    shop = make_shop(owner=owner, plan="starter")
    client = client_for(owner)
    url = f"/shops/{shop.slug}/listings/new"
    first = post_form(client, url, listing_form(), content_type="multipart/form-data")
    assert first.status_code == 302
    again = post_form(client, url, listing_form(), content_type="multipart/form-data")
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "You posted this listing a moment ago: here it is." in page
    assert db.session.scalar(select(func.count(Listing.id))) == 1
    other = post_form(client, url, listing_form(title="เหรียญหลวงพ่อคูณ รุ่นแรก"),
                      content_type="multipart/form-data")
    assert other.status_code == 302 and other.headers["Location"] != first.headers["Location"]
    assert db.session.scalar(select(func.count(Listing.id))) == 2


def test_the_open_shop_form_sent_again_after_back_leads_to_the_shop_shop_1(
        make_member, client_for):
    """SHOP-1 (found in review): Back after "Open the shop", then the same form again, said
    "Another shop uses this web address" of the member's own new shop. It now leads to the
    shop; the member's own address with another name is named as theirs."""
    from app.models import Shop

    client = client_for(make_member())
    data = {"name": "ร้านย้อนกลับ", "slug": "back-again", "description": ""}
    assert post_form(client, "/shops/new", data).status_code == 302
    again = post_form(client, "/shops/new", data)
    assert again.status_code == 302 and again.headers["Location"] == "/shops/back-again"
    assert "You opened this shop already: here it is." in \
        client.get("/shops/back-again").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Shop.id))) == 1
    other = post_form(client, "/shops/new", {**data, "name": "ร้านที่สอง"})
    assert other.status_code == 422
    assert "Your shop “ร้านย้อนกลับ” has this web address already." in \
        other.get_data(as_text=True)


def test_the_owner_is_told_a_staff_member_under_18_sees_no_18_plus_listings_acc_3(
        make_member, make_shop, client_for):
    """ACC-3 (found in review): a member under 18 on a shop's staff neither sees nor posts its
    listings for adults, but the owner who added them was told nothing of it, and the staff
    list did not show it: the owner now reads it on adding them, and the list badges them."""
    from datetime import date

    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    teen = make_member(display_name="Young Helper", birth_date=date(date.today().year - 15, 1, 1),
                       guardian_name="Parent", guardian_email="parent@talat.example",
                       guardian_consent=True)
    adult = make_member(display_name="Grown Helper")
    client = client_for(owner)
    response = post_form(client, f"/shops/{shop.slug}/staff", {"email": teen.email},
                         form_url=f"/shops/{shop.slug}/people", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Young Helper is under 18: they will neither see nor post your listings for adults" \
        in html
    assert html.count("data-under-18") == 1
    response = post_form(client, f"/shops/{shop.slug}/staff", {"email": adult.email},
                         form_url=f"/shops/{shop.slug}/people", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Grown Helper is under 18" not in html and html.count("data-under-18") == 1


def test_removing_a_staff_member_asks_first_shop_1(make_member, make_shop, client_for):
    """SHOP-1 (found in review on a phone): one stray tap on a staff member's Remove took
    their access away at once (and now tells them). Remove opens a question first, which
    works without JavaScript; only its button removes. A removal already done meanwhile
    leads back to the staff page."""
    owner, shop, staff = staffed_shop(make_member, make_shop, 1, "standard")
    client = client_for(owner)
    entry = db.session.scalar(select(ShopStaff).where(ShopStaff.shop_id == shop.id))
    url = f"/shops/{shop.slug}/staff/{entry.id}/remove"
    people = client.get(f"/shops/{shop.slug}/people").get_data(as_text=True)
    assert f'href="{url}"' in people and f'action="{url}"' not in people
    question = client.get(url)
    html = question.get_data(as_text=True)
    assert question.status_code == 200 and "Remove Helper 0 from the staff?" in html
    assert f'action="{url}"' in html
    assert db.session.scalar(select(func.count(ShopStaff.id))) == 1
    assert post_form(client, url, {}).status_code == 302
    assert db.session.scalar(select(func.count(ShopStaff.id))) == 0
    again = client.get(url)
    assert again.status_code == 302 and again.headers["Location"] == f"/shops/{shop.slug}/people"
    assert client_for(make_member()).get(url).status_code == 403


def test_a_closed_account_cannot_join_a_shops_staff_shop_1_mod_8(make_member, make_shop,
                                                                client_for):
    """SHOP-1, MOD-8 (found in review): an account the moderators closed could be added to a
    shop's staff, taking one of the plan's places for someone who may not act. It is refused
    with why; the place stays free."""
    from app.database import utcnow

    owner, closed = make_member(), make_member(email="closed@talat.example")
    shop = make_shop(owner=owner, plan="standard")
    closed.closed_at = utcnow()
    db.session.commit()
    response = post_form(client_for(owner), f"/shops/{shop.slug}/staff",
                         {"email": "closed@talat.example"}, form_url=f"/shops/{shop.slug}/people")
    assert "account is closed: it cannot join a shop" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ShopStaff.id))) == 0
