"""Listings (SHOP-3), the prohibited list (SHOP-4), who sees what (RANK-1, ACC-3)."""
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.models import AuditEntry, Category, Listing, ListingPhoto, ProhibitedTerm, ShopCircle
from tests.conftest import csrf_from, post_form
from tests.images import jpeg, upload


def category_id(slug="phra-somdet"):
    return db.session.scalar(select(Category.id).where(Category.slug == slug))


def listing_form(**fields):
    data = {"title": "พระสมเด็จวัดระฆัง พิมพ์ใหญ่", "category_id": str(category_id()),
            "price": "1,500.50", "quantity": "2", "condition": "good", "content_rating": "general",
            "description": "องค์สวย ผิวเดิม", "certificate_issuer": "", "certificate_number": ""}
    data.update(fields)
    return data


@pytest.fixture
def seller(app, make_member, make_shop, login):
    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    client = app.test_client()
    login(owner.email, target=client)
    client.set_cookie("lang", "en")
    return client, shop


def post_listing(client, shop, **fields):
    return post_form(client, f"/shops/{shop.slug}/listings/new", listing_form(**fields),
                     content_type="multipart/form-data")


def test_seller_posts_a_listing_with_photos_shop_3(seller):
    """SHOP-3: title, description, category, price in baht, quantity, condition, photos,
    content rating, certificate."""
    client, shop = seller
    response = post_listing(client, shop, photos=[upload(jpeg()), upload(jpeg(400, 900))],
                            certificate_issuer="สมาคมพระเครื่อง", certificate_number="A-123",
                            certificate_photo=upload(jpeg()))
    assert response.status_code == 302
    listing = db.session.scalar(select(Listing))
    assert listing.price_satang == 150050
    assert (listing.quantity, listing.condition, listing.status) == (2, "good", "active")
    assert listing.certificate_number == "A-123" and listing.certificate_photo_key
    assert [p.position for p in listing.photos] == [0, 1]
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "฿1,500.50" in page and "สมาคมพระเครื่อง" in page
    assert f"/media/{listing.photos[0].key}/large.jpg" in page


def test_a_broken_photo_refuses_the_whole_listing_and_saves_nothing_shop_3(seller, app):
    client, shop = seller
    response = post_listing(client, shop, title="Keep this title",
                            photos=[upload(jpeg()), upload(b"not an image", "x.jpg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a photo we can read" in html and 'value="Keep this title"' in html
    assert db.session.scalar(select(func.count(Listing.id))) == 0
    from pathlib import Path

    from app.models import HeldPhoto

    # Only the good photo is kept, held for the next try (test_held_photos).
    [held] = db.session.scalars(select(HeldPhoto.key)).all()
    assert sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).rglob("*.jpg")) == [
        f"{held}-large.jpg", f"{held}-thumb.jpg"]


@pytest.mark.parametrize("price", ["abc", "-5", "0", "1.234", "1e5", "99999999999"])
def test_bad_prices_are_refused_and_input_kept_shop_3(seller, price):
    client, shop = seller
    response = post_listing(client, shop, price=price)
    assert response.status_code == 422
    assert f'value="{price}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Listing.id))) == 0


@pytest.mark.parametrize("field, value", [("title", "ab"), ("title", "x" * 121),
                                          ("quantity", "-1"), ("quantity", "many"),
                                          ("condition", "mint"), ("content_rating", "xxx"),
                                          ("category_id", "0"), ("category_id", "999999"),
                                          ("category_id", "99999999999999999999"),
                                          ("description", "x" * 5001),
                                          ("certificate_number", "A1")])
def test_bad_listing_fields_are_refused_shop_3(seller, field, value):
    client, shop = seller
    response = post_listing(client, shop, **{field: value})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_script_in_title_and_description_is_shown_escaped(seller):
    client, shop = seller
    post_listing(client, shop, title="<script>alert(1)</script>",
                 description="<img src=x onerror=alert(2)>")
    listing = db.session.scalar(select(Listing))
    html = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_prohibited_goods_are_refused_with_the_reason_shop_4(seller):
    """SHOP-4: a listing matching the prohibited list is refused; the seller sees why."""
    client, shop = seller
    response = post_listing(client, shop, title="บุหรี่ไฟฟ้า กลิ่นมะม่วง")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "E-cigarettes and shisha" in html
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_uncertain_matches_are_held_for_a_moderator_shop_4(app, seller, make_member, login):
    """SHOP-4: an uncertain match is held for review; only the shop sees it meanwhile."""
    client, shop = seller
    response = post_listing(client, shop, title="พระกริ่ง บูชาปืนใหญ่ เก่า")
    assert response.status_code == 302
    listing = db.session.scalar(select(Listing))
    assert listing.status == "held" and "Illegal weapons" in listing.hold_reason
    assert "Illegal weapons" in client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert app.test_client().get(f"/listings/{listing.id}").status_code == 404
    # Found in review: a Thai page named the group in English (the stored reason, kept in
    # English for the moderators' queue).
    client.set_cookie("lang", "th")
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    group_th = db.session.scalar(select(ProhibitedTerm.group_th).where(
        ProhibitedTerm.group_en == "Illegal weapons").limit(1))
    assert group_th in page and "Illegal weapons" not in page


@pytest.mark.parametrize("text, action", [
    # Found in review: "สุรา" (liquor) matched inside the province สุราษฎร์ธานี.
    ("พระบรมธาตุไชยา รุ่นแรก จ.สุราษฎร์ธานี", None),
    ("ของดีเมืองสุราษฎร์ สุราษฏร์ธานี", None),
    ("สุราขาว ขวดสะสม จากสุราษฎร์ธานี", "hold"),
    ("ขายสุรา", "hold"),
    ("น้ำมันพราย กลิ่นจันทน์หอม", None),
    ("เกล็ดตัวลิ่น", "hold"),
    ("หนังสือแฮร์รี่ พอตเตอร์ ปกแข็ง", None),
    ("พอตใช้แล้วทิ้ง", "hold"),
    # A term that refuses, found only inside a harmless word: a moderator looks (never passed)
    ("ตู้ยาบ้านไม้สัก ของเก่า", "hold"),
    ("ขายยาบ้านะครับ", "refuse"), ("ยาบ้านำเข้า ส่งไว", "refuse"), ("ยาบ้างานดี", "refuse"),
    # Found in review of the first cut: short stems swallowed the term and the next word.
    ("พลุกระบอก ดอกไม้ไฟ", "hold"), ("รับซื้อสุราเก่า", "hold"), ("ไวน์หรือสุรา", "hold"),
    ("ลูกลิ่นมีชีวิต", "hold"), ("ท้าวอสุรา เนื้อผง", None), ("น้ำหอมกลิ่นกุหลาบ", None),
    ("ยาบ้า", "refuse"),
    ("ตู้ยาบ้านเก่า แถมยาบ้า", "refuse"),
    ("ว่านงาช้าง กระถางใหญ่", None),
    ("งาช้างแกะสลัก", "hold"),
    ("ตลาดพระย่านพลุกพล่าน", None),
    ("พลุ ดอกไม้ไฟ", "hold"),
])
def test_common_words_holding_a_prohibited_term_do_not_match_shop_4(app, text, action):
    """SHOP-4 (found in review): a province, a smell, a book or a house plant whose Thai name
    merely contains a prohibited term is not held, and the term itself still matches."""
    from app.blueprints.shops.prohibited import check_text

    assert check_text(text).action == action


@pytest.mark.parametrize("text, action", [
    # Left from review: a seller saying what the goods are NOT was refused as pirate goods.
    ("หนังสือพระเครื่อง ของแท้ ไม่ละเมิดลิขสิทธิ์", "hold"),
    ("ไม่ใช่งานก๊อป ไม่ใช่ เกรดมิเรอร์", "hold"),
    ("Original DVD, not pirated", "hold"), ("no vape, no shisha", "hold"),
    ("non-pirated software", "hold"),
    ("ไม่มีบุหรี่ในชุดนี้", "hold"),  # a term that holds, negated, still holds
    # Negated in one place, meant in another: refused as before
    ("ไม่ละเมิดลิขสิทธิ์ แผ่นผี ครบชุด", "refuse"),
    ("ยาบ้า ไม่ใช่ยาบ้า", "refuse"), ("not pirated, pirated", "refuse"),
    # Not a negation: a word that only ends like one
    ("ของใหม่ละเมิดลิขสิทธิ์", "refuse"), ("casino", "refuse"), ("piano casino", "refuse"),
])
def test_a_refusing_term_written_only_negated_is_held_not_refused_shop_4(app, text, action):
    """SHOP-4: "ไม่ละเมิดลิขสิทธิ์" (not infringing) no longer refuses the listing as pirated
    media; since words alone cannot tell an honest seller from a sly one, a moderator looks."""
    from app.blueprints.shops.prohibited import check_text

    assert check_text(text).action == action


def test_a_listing_saying_it_infringes_no_copyright_waits_for_a_moderator_shop_4(seller):
    client, shop = seller
    response = post_listing(client, shop, title="หนังสือพระเครื่อง ฉบับพิมพ์แท้",
                            description="ลิขสิทธิ์ถูกต้อง ไม่ละเมิดลิขสิทธิ์ครับ")
    assert response.status_code == 302
    listing = db.session.scalar(select(Listing))
    assert listing.status == "held" and "Pirated media and software" in listing.hold_reason


def test_a_meth_listing_written_next_to_a_common_word_is_refused_shop_4(seller):
    """Found in review of the first cut: "ยาบ้านำเข้า" (imported methamphetamine) read as the
    harmless "ยาบ้าน" and went online."""
    client, shop = seller
    response = post_listing(client, shop, title="ยาบ้านำเข้า เกรดเอ",
                            description="มีของพร้อมส่งนะครับ")
    assert response.status_code == 422
    assert db.session.scalar(select(Listing.id)) is None


def test_a_listing_from_surat_thani_is_online_not_held_shop_4(seller):
    """SHOP-4: "จ.สุราษฎร์ธานี" in the title or "เมืองสุราษฎร์" in the description does not
    hold the listing as tobacco and alcohol."""
    client, shop = seller
    response = post_listing(client, shop, title="พระบรมธาตุไชยา รุ่นแรก จ.สุราษฎร์ธานี",
                            description="ของดีเมืองสุราษฎร์ กลิ่นว่านหอม")
    assert response.status_code == 302
    assert db.session.scalar(select(Listing.status)) == "active"


def test_latin_terms_match_whole_words_only_shop_4(seller):
    client, shop = seller
    assert post_listing(client, shop, title="Gundam figure vaporwave").status_code == 302
    assert db.session.scalar(select(Listing.status)) == "active"


def test_editing_in_prohibited_words_is_refused_too_shop_4(seller, make_listing):
    client, shop = seller
    listing = make_listing(shop=shop)
    response = post_form(client, f"/listings/{listing.id}/edit",
                         listing_form(title="ขาย casino chips"))
    assert response.status_code == 422
    assert db.session.get(Listing, listing.id).title == "พระสมเด็จวัดระฆัง พิมพ์ใหญ่"


def test_seller_edits_marks_sold_out_and_deletes_shop_3(seller, make_listing):
    client, shop = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}"
    response = post_form(client, f"{url}/edit", listing_form(title="พระรอด กรุวัดมหาวัน",
                                                             price="2000"))
    assert response.status_code == 302
    assert db.session.get(Listing, listing.id).price_satang == 200000
    post_form(client, f"{url}/sold-out", {"confirmed": "yes"}, form_url=url)
    refreshed = db.session.get(Listing, listing.id)
    assert (refreshed.status, refreshed.quantity) == ("sold_out", 0)
    assert refreshed.sold_out_at is not None
    post_form(client, f"{url}/delete", {"confirmed": "yes"}, form_url=url)
    assert db.session.get(Listing, listing.id).status == "deleted"
    assert client.get(url).status_code == 404


def test_deleting_a_listing_asks_for_confirmation_first_shop_3(seller, make_listing):
    """SHOP-3: one tap on Delete only opens a confirmation page (it works without
    JavaScript); the listing goes only when that page's button is pressed. The page is a GET
    (found in review: as the answer to a POST, Back asked to resubmit and reload gave 405),
    and an unconfirmed POST is sent to it."""
    client, shop = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'href="{url}/delete"' in page
    asked = client.get(f"{url}/delete")
    assert asked.status_code == 200
    assert client.get(f"{url}/delete").status_code == 200  # reload
    body = asked.get_data(as_text=True)
    assert "This cannot be undone" in body and 'name="confirmed" value="yes"' in body
    assert f'href="{url}"' in body  # a way back that keeps the listing
    assert "<script>" not in body and "style=" not in body
    unconfirmed = post_form(client, f"{url}/delete", {}, form_url=url)
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"] == f"{url}/delete"
    assert db.session.get(Listing, listing.id).status == "active"
    done = client.post(f"{url}/delete", data={"csrf_token": csrf_from(body),
                                              "confirmed": "yes"})
    assert done.status_code == 302 and done.headers["Location"] == f"/shops/{shop.slug}"
    assert db.session.get(Listing, listing.id).status == "deleted"


def test_marking_sold_out_asks_first_and_says_the_count_it_had_shop_3(seller, make_listing):
    """SHOP-3 (found in review): "Mark sold out" set the quantity to 0 at one tap and the
    seller had to remember the count. A GET page asks first and says how many there are;
    the message after says it again."""
    client, shop = seller
    listing = make_listing(shop=shop, quantity=7)
    url = f"/listings/{listing.id}"
    assert f'href="{url}/sold-out"' in client.get(url).get_data(as_text=True)
    asked = client.get(f"{url}/sold-out")
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "has 7 available now" in body
    assert 'name="confirmed" value="yes"' in body
    unconfirmed = post_form(client, f"{url}/sold-out", {}, form_url=url)
    assert unconfirmed.status_code == 303
    assert db.session.get(Listing, listing.id).quantity == 7
    done = post_form(client, f"{url}/sold-out", {"confirmed": "yes"}, form_url=url,
                     follow_redirects=True)
    assert "It had 7 available" in done.get_data(as_text=True)
    refreshed = db.session.get(Listing, listing.id)
    assert (refreshed.status, refreshed.quantity) == ("sold_out", 0)


def test_fake_listing_cannot_be_edited_or_deleted_by_its_owner_shop_7(seller, make_listing):
    client, shop = seller
    listing = make_listing(shop=shop, status="fake")
    response = post_form(client, f"/listings/{listing.id}/edit", listing_form(title="Cleaned"),
                         form_url=f"/listings/{listing.id}")
    assert response.status_code == 422
    post_form(client, f"/listings/{listing.id}/delete", {}, form_url=f"/listings/{listing.id}")
    assert db.session.get(Listing, listing.id).status == "fake"


def test_photos_are_added_reordered_and_removed(seller, make_listing, app):
    client, shop = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}/photos"
    response = post_form(client, url, {"photos": [upload(jpeg()), upload(jpeg(), "b.jpg"),
                                                  upload(jpeg(), "c.jpg")]},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    photos = db.session.scalars(select(ListingPhoto).order_by(ListingPhoto.position)).all()
    first, second, third = (p.id for p in photos)
    fragment = post_form(client, f"{url}/{third}/earlier", {}, form_url=url,
                         headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    order = db.session.scalars(select(ListingPhoto.id).order_by(ListingPhoto.position)).all()
    assert order == [first, third, second]
    post_form(client, f"{url}/{first}/delete", {"confirmed": "yes"}, form_url=url)
    order = db.session.scalars(select(ListingPhoto.id).order_by(ListingPhoto.position)).all()
    assert order == [third, second]
    from pathlib import Path

    assert len(list(Path(app.config["UPLOAD_DIR"]).rglob("*.jpg"))) == 4


def test_removing_a_photo_asks_for_confirmation_first_shop_3(seller, make_listing):
    """SHOP-3: one tap on Remove does not delete the photo: without JavaScript a confirmation
    page asks first; under htmx the browser asks (hx-confirm) and the form then says so."""
    client, shop = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}/photos"
    post_form(client, url, {"photos": [upload(jpeg()), upload(jpeg(), "b.jpg")]},
              content_type="multipart/form-data")
    first, second = db.session.scalars(
        select(ListingPhoto.id).order_by(ListingPhoto.position)).all()
    panel = client.get(url).get_data(as_text=True)
    remove_form = re.search(r'<form[^>]*action="%s/%d/delete"[^>]*>' % (url, first), panel)
    assert remove_form and "hx-confirm=" in remove_form.group(0)
    assert """hx-vals='{"confirmed": "yes"}'""" in remove_form.group(0)

    unconfirmed = post_form(client, f"{url}/{first}/delete", {}, form_url=url)
    assert unconfirmed.status_code == 303  # to the page a GET shows (Back and reload work)
    asked = client.get(unconfirmed.headers["Location"])
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "This cannot be undone" in body
    assert 'name="confirmed" value="yes"' in body and f'href="{url}"' in body
    assert "<script>" not in body and "style=" not in body
    assert db.session.scalars(select(ListingPhoto.id).order_by(ListingPhoto.position)).all() \
        == [first, second]
    assert client.post(f"{url}/{second}/delete",
                       data={"csrf_token": csrf_from(body)}).status_code == 303  # asks too
    assert post_form(client, f"{url}/99999/delete", {}, form_url=url).status_code == 404

    fragment = client.post(f"{url}/{first}/delete", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_from(body), "confirmed": "yes"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert db.session.scalars(select(ListingPhoto.id)).all() == [second]


def test_photo_buttons_are_a_comfortable_tap_size():
    """The move and remove buttons on the photos page are about 44 px high on phones."""
    css = (Path(__file__).resolve().parent.parent / "app/static/css/talat.css").read_text()
    rule = re.search(r"\.photo-list__actions \.btn\s*\{([^}]*)\}", css)
    assert rule and re.search(r"min-height:\s*2\.75rem", rule.group(1))


def test_at_most_ten_photos_shop_3(seller, make_listing):
    client, shop = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}/photos"
    post_form(client, url, {"photos": [upload(jpeg(120, 120), f"{i}.jpg") for i in range(10)]},
              content_type="multipart/form-data")
    response = post_form(client, url, {"photos": [upload(jpeg(120, 120))]},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "at most 10 photos" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ListingPhoto.id))) == 10


def test_other_members_cannot_touch_a_listing(app, make_member, make_listing, login):
    listing = make_listing()
    client = app.test_client()
    login(make_member().email, target=client)
    url = f"/listings/{listing.id}"
    assert client.get(f"{url}/edit").status_code == 403
    assert post_form(client, f"{url}/delete", {}, form_url="/").status_code == 403
    assert db.session.get(Listing, listing.id).status == "active"


def test_adult_listing_is_hidden_from_visitors_and_minors_by_direct_url_rank_1_acc_3(
        app, make_member, make_listing, login):
    """RANK-1, ACC-3: 18+ listings never appear to visitors or under-18 members."""
    listing = make_listing(content_rating="adult")
    url = f"/listings/{listing.id}"
    assert app.test_client().get(url).status_code == 404
    today = date.today()
    minor = make_member(birth_date=date(today.year - 15, 1, 1), guardian_name="Somsri Jaidee",
                        guardian_email="guardian@talat.example", guardian_consent=True)
    minor_client = app.test_client()
    login(minor.email, target=minor_client)
    assert minor_client.get(url).status_code == 404
    adult_client = app.test_client()
    login(make_member().email, target=adult_client)
    assert adult_client.get(url).status_code == 200
    shop_page = app.test_client().get(f"/shops/{listing.shop.slug}").get_data(as_text=True)
    assert listing.title not in shop_page


def test_an_under_18_staff_member_sees_no_18_plus_listing_title_in_the_shops_messages_acc_3(
        app, make_member, make_shop, make_listing, login):
    """ACC-3 (found in review): a buyer's conversation about the shop's 18+ listing showed
    its title to a member under 18 on the shop's staff, in the inbox and on the page; they
    now read "a listing you can no longer see", as a buyer who lost access does. An adult
    on the staff still sees it."""
    from app.models import Conversation, Message, ShopStaff

    today = date.today()
    minor = make_member(birth_date=date(today.year - 15, 1, 1), guardian_name="Somsri Jaidee",
                        guardian_email="guardian@talat.example", guardian_consent=True)
    grown = make_member()
    shop = make_shop()
    for member in (minor, grown):
        db.session.add(ShopStaff(shop_id=shop.id, user_id=member.id, added_at=shop.created_at))
    listing = make_listing(shop=shop, title="ADULTONLY amulet", content_rating="adult")
    buyer = make_member()
    conversation = Conversation(listing_id=listing.id, shop_id=shop.id, buyer_id=buyer.id,
                                created_at=utcnow(), last_message_at=utcnow())
    db.session.add(conversation)
    db.session.flush()
    db.session.add(Message(conversation_id=conversation.id, sender_id=buyer.id,
                           body="Is it still available?", created_at=utcnow()))
    db.session.commit()
    for member, sees in ((minor, False), (grown, True)):
        client = app.test_client()
        login(member.email, target=client)
        client.set_cookie("lang", "en")
        for url in ("/messages", f"/messages/{conversation.id}"):
            html = client.get(url).get_data(as_text=True)
            assert ("ADULTONLY" in html) is sees, (member.display_name, url)
            assert ("A listing you can no longer see" in html) is not sees, url


def test_an_under_18_staff_member_sees_no_18_plus_listing_of_the_shop_acc_3(
        app, make_member, make_shop, make_listing, login):
    """ACC-3, RANK-1 (found in review): a member under 18 on a shop's staff saw its 18+
    listings on their page, on the shop's page and in search, and could open their edit page,
    as "the shop's people" see everything the shop lists. Now 18+ content stays hidden from
    them there too, and they cannot rate a listing 18+ themselves."""
    from app.models import ShopStaff

    today = date.today()
    minor = make_member(birth_date=date(today.year - 15, 1, 1), guardian_name="Somsri Jaidee",
                        guardian_email="guardian@talat.example", guardian_consent=True)
    shop = make_shop()
    db.session.add(ShopStaff(shop_id=shop.id, user_id=minor.id, added_at=shop.created_at))
    db.session.commit()
    adult = make_listing(shop=shop, title="ADULTONLY amulet", content_rating="adult")
    general = make_listing(shop=shop, title="Everyone amulet")
    client = app.test_client()
    login(minor.email, target=client)
    client.set_cookie("lang", "en")
    assert client.get(f"/listings/{adult.id}").status_code == 404
    assert client.get(f"/listings/{adult.id}/edit").status_code == 404
    assert client.get(f"/listings/{adult.id}/photos").status_code == 404
    assert client.get(f"/listings/{general.id}/edit").status_code == 200
    for url in (f"/shops/{shop.slug}", "/search?q=amulet"):
        html = client.get(url).get_data(as_text=True)
        assert "Everyone amulet" in html and "ADULTONLY" not in html, url
    refused = post_form(client, f"/shops/{shop.slug}/listings/new",
                        listing_form(title="Minor's adult post", content_rating="adult"),
                        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "Members under 18 cannot post listings for adults" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Listing.id).where(Listing.title == "Minor's adult post")) \
        is None


def test_restricted_listing_is_shown_only_to_the_shops_circle_rank_1(app, make_member,
                                                                    make_listing, login):
    """RANK-1: restricted listings only to their chosen group."""
    listing = make_listing(content_rating="restricted")
    insider, outsider = make_member(), make_member()
    db.session.add(ShopCircle(shop_id=listing.shop_id, user_id=insider.id))
    db.session.commit()
    url = f"/listings/{listing.id}"
    inside, outside = app.test_client(), app.test_client()
    login(insider.email, target=inside)
    login(outsider.email, target=outside)
    assert inside.get(url).status_code == 200
    assert outside.get(url).status_code == 404


def test_circle_is_managed_by_the_owner_rank_1(seller, make_member):
    client, shop = seller
    member = make_member(email="friend@talat.example")
    post_form(client, f"/shops/{shop.slug}/circle", {"circle-email": "friend@talat.example"},
              form_url=f"/shops/{shop.slug}/people")
    assert db.session.scalar(select(ShopCircle.user_id)) == member.id


def test_adding_to_the_circle_says_what_happened_rank_1(seller, make_member):
    """RANK-1, found in review: adding a member said nothing, adding them again said nothing,
    and the owner could add herself. Now each gets its own message."""
    client, shop = seller
    member = make_member(email="friend@talat.example", display_name="Friend Nok")
    url, people = f"/shops/{shop.slug}/circle", f"/shops/{shop.slug}/people"
    response = post_form(client, url, {"circle-email": member.email}, form_url=people,
                         follow_redirects=True)
    assert "Friend Nok now sees your restricted listings." in response.get_data(as_text=True)
    again = post_form(client, url, {"circle-email": member.email}, form_url=people)
    assert again.status_code == 422
    assert "already in your circle" in again.get_data(as_text=True)
    own = post_form(client, url, {"circle-email": shop.owner.email}, form_url=people)
    assert own.status_code == 422 and "You own this shop" in own.get_data(as_text=True)
    assert db.session.scalars(select(ShopCircle.user_id)).all() == [member.id]


def test_starter_shops_show_no_buy_button_shop_2(app, make_shop, make_listing):
    listing = make_listing(shop=make_shop(plan="starter"))
    html = app.test_client().get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "/order" not in html


def test_moderators_change_a_listings_content_rating_and_sellers_cannot_rank_1(
        app, make_member, make_listing, login):
    """RANK-1: the seller sets the content rating; moderators can change it."""
    listing = make_listing()
    moderator, seller_client = make_member(role="moderator"), app.test_client()
    mod_client = app.test_client()
    login(moderator.email, target=mod_client)
    url = f"/listings/{listing.id}/content-rating"
    post_form(mod_client, url, {"content_rating": "adult"}, form_url=f"/listings/{listing.id}")
    assert db.session.get(Listing, listing.id).content_rating == "adult"
    # Found in review (MOD-10): the change was not in the audit log.
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "listing.content_rating"))
    assert (entry.actor_id, entry.target_id) == (moderator.id, listing.id)
    assert "general" in entry.before and "adult" in entry.after
    assert app.test_client().get(f"/listings/{listing.id}").status_code == 404
    owner_email = listing.shop.owner.email
    login(owner_email, target=seller_client)
    response = post_form(seller_client, url, {"content_rating": "general"}, form_url="/")
    assert response.status_code == 403
    assert db.session.get(Listing, listing.id).content_rating == "adult"


def test_a_bad_certificate_photo_is_named_under_the_certificate_shop_3(seller):
    """Found in review: a certificate that is not a photo was reported under Photos."""
    client, shop = seller
    response = post_listing(client, shop, title="พระรอด", certificate_issuer="สมาคม",
                            certificate_photo=upload(b"%PDF-1.4 not a photo", "cert.pdf"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="certificate_photo-error-1"' in page
    assert 'id="photos-error-1"' not in page
    assert db.session.scalar(select(func.count(Listing.id))) == 0


class _Ids(HTMLParser):
    """Every id on a page, and each label's ``for``."""

    def __init__(self):
        super().__init__()
        self.ids, self.labels, self.tags = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
            self.tags[attrs["id"]] = (tag, attrs)
        if tag == "label" and "for" in attrs:
            self.labels.append(attrs["for"])


def page_ids(html):
    parser = _Ids()
    parser.feed(html)
    return parser


def test_the_add_photos_label_names_the_file_field_and_ids_are_unique(seller, make_listing):
    """SHOP-3: on the photos page the "Add photos" label points at the file field (tapping
    it opens the picker), and no id is used twice, the photo panel's included."""
    client, shop = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}/photos"
    post_form(client, url, {"photos": [upload(jpeg()), upload(jpeg(), "b.jpg")]},
              content_type="multipart/form-data")
    for html in (client.get(url).get_data(as_text=True),
                 client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)):
        found = page_ids(html)
        assert len(found.ids) == len(set(found.ids)), sorted(found.ids)
        assert found.labels
        for target in found.labels:
            tag, attrs = found.tags[target]
            assert tag in ("input", "select", "textarea")
        tag, attrs = found.tags["photos"]
        assert tag == "input" and attrs["type"] == "file" and attrs["name"] == "photos"
        panel = re.search(r'<section id="([^"]+)"[^>]*photos-panel', html).group(1)
        assert f'hx-target="#{panel}"' in html
