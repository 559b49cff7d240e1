"""Photos are validated (SHOP-3, AUC-1): when several files are chosen at once and one is
refused, the message names that file, so the member knows which one to replace."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Auction, Listing, ListingPhoto
from tests.conftest import post_form
from tests.images import jpeg, upload
from tests.test_auctions import auction_form
from tests.test_listings import listing_form

NOT_AN_IMAGE = b"%PDF-1.4 this is a receipt, not a photo\n" * 20
BAD_NAME = "ใบเสร็จ<b>.jpg"


def chosen():
    return [upload(jpeg(), "front.jpg"), upload(NOT_AN_IMAGE, BAD_NAME),
            upload(jpeg(), "back.jpg")]


def test_a_refused_photo_among_several_is_named_on_the_new_listing_form_shop_3(
        app, make_member, make_shop, client_for):
    """SHOP-3: the second of three photos is not an image: the form says which, in the
    page's language, escaped, and nothing is saved."""
    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    client = client_for(owner)
    response = post_form(client, f"/shops/{shop.slug}/listings/new",
                         listing_form(photos=chosen()), content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ใบเสร็จ&lt;b&gt;.jpg: This file is not a photo we can read" in html
    assert db.session.scalar(select(func.count(Listing.id))) == 0

    client.set_cookie("lang", "th")
    html = post_form(client, f"/shops/{shop.slug}/listings/new", listing_form(photos=chosen()),
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "ใบเสร็จ&lt;b&gt;.jpg: ไฟล์นี้ไม่ใช่รูปที่ระบบอ่านได้" in html


def test_a_refused_photo_is_named_on_the_photos_page_shop_3(
        app, make_member, make_shop, make_listing, client_for):
    """SHOP-3: the photos page (also under htmx) names the file it refused."""
    owner = make_member()
    listing = make_listing(shop=make_shop(owner=owner, plan="standard"))
    client = client_for(owner)
    url = f"/listings/{listing.id}/photos"
    for headers in ({}, {"HX-Request": "true"}):
        response = post_form(client, url, {"photos": chosen()}, headers=headers,
                             content_type="multipart/form-data")
        assert response.status_code == 422
        assert "ใบเสร็จ&lt;b&gt;.jpg: This file is not a photo" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ListingPhoto.id))) == 0


def test_a_refused_photo_is_named_on_the_new_auction_form_auc_1(app, make_member,
                                                                 client_for):
    """AUC-1: the same on the form that starts an auction."""
    client = client_for(make_member())
    response = post_form(client, "/auctions/new", auction_form(photos=chosen()),
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "ใบเสร็จ&lt;b&gt;.jpg: This file is not a photo" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Auction.id))) == 0


def test_a_listing_refused_for_its_price_also_names_the_photo_it_would_refuse_shop_3(
        app, make_member, make_shop, make_listing, client_for):
    """SHOP-3 (found in use): a bad price and a bad photo took two rounds: the photos were
    only looked at once the price was right, so the member chose the same bad file again. The
    first answer now names it too, on the new and the edit form; good photos and a good
    certificate photo add no message."""
    owner = make_member()
    shop = make_shop(owner=owner, plan="standard")
    client = client_for(owner)
    response = post_form(client, f"/shops/{shop.slug}/listings/new",
                         listing_form(price="1,5,00", photos=chosen(),
                                      certificate_photo=upload(jpeg(), "cert.jpg")),
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please enter the price in baht" in html
    assert "ใบเสร็จ&lt;b&gt;.jpg: This file is not a photo we can read" in html
    assert "front.jpg:" not in html and "cert.jpg:" not in html  # (kept, not refused)
    assert db.session.scalar(select(func.count(Listing.id))) == 0

    listing = make_listing(shop=shop)
    response = post_form(client, f"/listings/{listing.id}/edit",
                         listing_form(title="", certificate_photo=upload(b"", "empty.jpg")),
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "empty.jpg: The file is empty." in html
