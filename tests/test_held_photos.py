"""SHOP-3, AUC-1: the photos of a listing or auction form refused for another reason (a typo in
the price, a rule) are kept for the next try. A browser forgets the files chosen in a file
input once the page comes back with an error, so every refusal made the seller find and choose
each photo again on their phone. The photos the form would take are now held, offered back
with their thumbnails as ticked boxes, and become the listing's or auction's photos (the same
stored files) when the form is saved."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app import held_photos
from app.database import utcnow
from app.extensions import db
from app.jobs import JOBS
from app.models import Auction, AuctionPhoto, HeldPhoto, Listing
from app.uploads import SIZES, UploadRejected, _path
from tests.conftest import csrf_from
from tests.images import jpeg, upload
from tests.test_files_after_errors import auction_form, listing_form

pytestmark = pytest.mark.usefixtures("english")

KEPT_RE = re.compile(r'name="(kept_photo|kept_certificate)" value="(\d+)" checked>\s*'
                     r'<img src="([^"]+)"[^>]*>\s*<span class="kept-photos__name">([^<]*)</span>')
KEPT_NOTE = "the photos we can take are kept below their field"


def offered(html, name="kept_photo"):
    """The held photos a page offers under ``name``: file name to id."""
    return {file: photo_id for field, photo_id, _src, file in KEPT_RE.findall(html)
            if field == name}


def send(client, url, data):
    """Post ``data`` as a browser would, with the page's CSRF token (from the form's GET)."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def stored(key):
    return all(_path("public", key, size).is_file() for size in SIZES)


def chosen(name, data=None):
    return FileStorage(stream=io.BytesIO(data or jpeg()), filename=name)


@pytest.fixture
def seller(make_member, make_shop, client_for):
    owner = make_member()
    return owner, make_shop(owner=owner), client_for(owner)


def test_shop_3_a_listing_refused_for_its_price_keeps_its_photos_for_the_next_try(seller):
    """SHOP-3: refused for its price, the form offers back both photos and the certificate
    photo, ticked, with thumbnails only their sender can open; sent again with the price
    mended and nothing chosen, the listing has those photos, in order, and nothing is held."""
    owner, shop, client = seller
    url = f"/shops/{shop.slug}/listings/new"
    refused = send(client, url, listing_form(
        price="a lot", photos=[upload(jpeg(), "front.jpg"), upload(jpeg(), "back.jpg")],
        certificate_photo=upload(jpeg(), "card.jpg")))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and KEPT_NOTE in html
    photos, certificate = offered(html), offered(html, "kept_certificate")
    assert list(photos) == ["front.jpg", "back.jpg"] and list(certificate) == ["card.jpg"]
    thumbnail = KEPT_RE.search(html).group(3)
    assert "no-store" in client.get(thumbnail).headers["Cache-Control"]

    saved = send(client, url, listing_form(kept_photo=list(photos.values()),
                                           kept_certificate=certificate["card.jpg"]))
    assert saved.status_code == 302
    listing = db.session.scalar(select(Listing))
    held_keys = dict(db.session.execute(select(HeldPhoto.id, HeldPhoto.key)).all())
    assert held_keys == {}
    assert [p.position for p in listing.photos] == [0, 1]
    assert listing.certificate_photo_key and all(stored(p.key) for p in listing.photos)
    page = client.get(saved.location).get_data(as_text=True)
    assert f"/media/{listing.photos[0].key}/large.jpg" in page
    assert client.get(f"/media/{listing.photos[0].key}/thumb.jpg").status_code == 200


def test_shop_3_a_broken_photo_is_named_and_the_good_ones_are_kept(seller):
    """SHOP-3: one unreadable file among the photos refuses the listing; it is named, the
    good photo is kept, and the next try (an unticked box left out, a new photo chosen)
    saves the kept photo first, then the new one."""
    _owner, shop, client = seller
    url = f"/shops/{shop.slug}/listings/new"
    refused = send(client, url, listing_form(photos=[
        upload(jpeg(), "good.jpg"), upload(b"not an image", "broken.jpg"),
        upload(jpeg(), "spare.jpg")]))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "broken.jpg:" in html
    photos = offered(html)
    assert list(photos) == ["good.jpg", "spare.jpg"]
    good_key = db.session.scalar(select(HeldPhoto.key).where(
        HeldPhoto.id == int(photos["good.jpg"])))
    saved = send(client, url, listing_form(kept_photo=[photos["good.jpg"]],
                                           photos=[upload(jpeg(), "new.jpg")]))
    assert saved.status_code == 302
    listing = db.session.scalar(select(Listing))
    assert len(listing.photos) == 2 and listing.photos[0].key == good_key


def test_shop_3_a_second_refusal_keeps_the_kept_photos_and_the_new_ones(seller):
    """SHOP-3: refused twice (the price, then the title), the photos of both tries are
    offered; a box sent for a photo that is not held (forged, or already used) is ignored."""
    _owner, shop, client = seller
    url = f"/shops/{shop.slug}/listings/new"
    first = offered(send(client, url, listing_form(
        price="", photos=[upload(jpeg(), "a.jpg")])).get_data(as_text=True))
    second = send(client, url, listing_form(title="x", kept_photo=[first["a.jpg"], "999999"],
                                            photos=[upload(jpeg(), "b.jpg")]))
    assert second.status_code == 422
    assert list(offered(second.get_data(as_text=True))) == ["a.jpg", "b.jpg"]


def test_shop_3_another_member_can_neither_use_nor_see_a_held_photo(seller, make_member,
                                                                     make_shop, client_for):
    """SHOP-3: a held photo belongs to the member who sent it: another member's form that
    names its id gets no photo from it, and its thumbnail is 404 to them and to visitors."""
    _owner, shop, client = seller
    html = send(client, f"/shops/{shop.slug}/listings/new", listing_form(
        price="", photos=[upload(jpeg(), "mine.jpg")])).get_data(as_text=True)
    photo_id = offered(html)["mine.jpg"]
    thumbnail = KEPT_RE.search(html).group(3)
    assert client.get(thumbnail).status_code == 200
    other = make_member()
    other_client = client_for(other)
    assert other_client.get(thumbnail).status_code == 404
    assert client_for(None).get(thumbnail).status_code in (302, 401)
    other_shop = make_shop(owner=other)
    saved = send(other_client, f"/shops/{other_shop.slug}/listings/new",
                 listing_form(kept_photo=[photo_id]))
    assert saved.status_code == 302
    assert db.session.scalar(select(Listing).where(Listing.shop_id == other_shop.id)).photos == []
    assert db.session.scalar(select(func.count(HeldPhoto.id))) == 1


def test_shop_3_a_refused_edit_keeps_the_new_certificate_photo(seller, make_listing):
    """SHOP-3: the edit form refused for its price keeps the certificate photo chosen with
    it; sent again, the listing has that certificate photo."""
    _owner, shop, client = seller
    listing = make_listing(shop=shop)
    url = f"/listings/{listing.id}/edit"
    refused = send(client, url, listing_form(price="", certificate_photo=upload(
        jpeg(), "card.jpg")))
    certificate = offered(refused.get_data(as_text=True), "kept_certificate")
    assert refused.status_code == 422 and list(certificate) == ["card.jpg"]
    key = db.session.scalar(select(HeldPhoto.key))
    assert send(client, url, listing_form(kept_certificate=certificate["card.jpg"],
                                          quantity="1")).status_code == 302
    assert db.session.get(Listing, listing.id).certificate_photo_key == key


def test_auc_1_an_auction_refused_for_its_price_keeps_its_photos(make_member, client_for):
    """AUC-1: refused for a missing starting price, the photos are offered back; sent again
    with the price, the auction has them in order; eleven photos in all are refused and all
    eleven offered again, none lost."""
    client = client_for(make_member())
    refused = send(client, "/auctions/new", auction_form(
        starting_price="", photos=[upload(jpeg(), f"{n}.jpg") for n in range(10)]))
    photos = offered(refused.get_data(as_text=True))
    assert refused.status_code == 422 and len(photos) == 10
    too_many = send(client, "/auctions/new", auction_form(
        kept_photo=list(photos.values()), photos=[upload(jpeg(), "extra.jpg")]))
    assert too_many.status_code == 422
    html = too_many.get_data(as_text=True)
    assert "at most 10 photos" in html and len(offered(html)) == 11
    photos = offered(html)
    keys = [db.session.get(HeldPhoto, int(photos[f"{n}.jpg"])).key for n in (3, 1)]
    saved = send(client, "/auctions/new", auction_form(
        kept_photo=[photos["3.jpg"], photos["1.jpg"]]))
    assert saved.status_code == 302
    auction = db.session.scalar(select(Auction))
    assert db.session.scalars(select(AuctionPhoto.key).where(
        AuctionPhoto.auction_id == auction.id).order_by(AuctionPhoto.position)).all() == keys
    assert client.get(f"/auctions/media/{keys[0]}/thumb.jpg").status_code == 200


def test_shop_3_a_held_photo_is_used_once(app, make_member):
    """SHOP-3: two forms sent at once with the same box ticked: the second finds the photo
    gone and is refused (its own rollback keeps the first's listing), never given the same
    stored file twice."""
    owner = make_member()
    now = utcnow()
    [row] = held_photos.hold(owner, [chosen("a.jpg")], now=now)
    db.session.commit()
    rows = held_photos.kept(owner, [row.id], now=now)
    assert held_photos.take(rows) == rows
    with pytest.raises(UploadRejected) as refused:
        held_photos.take(rows)
    assert refused.value.field == "photos" and "used a moment ago" in str(refused.value.message)


def test_shop_3_a_member_holds_at_most_thirty_photos_at_a_time(app, make_member):
    """SHOP-3: a member who would hold more than thirty photos in a day has none held (the
    form then asks for them again); a file that is no photo is never held."""
    owner = make_member()
    now = utcnow()
    assert len(held_photos.hold(owner, [chosen(f"{n}.jpg") for n in range(29)]
                                + [chosen("x.jpg", b"nope")], now=now)) == 29
    assert held_photos.hold(owner, [chosen("a.jpg"), chosen("b.jpg")], now=now) == []
    assert len(held_photos.hold(owner, [chosen("c.jpg")], now=now)) == 1


def test_shop_3_held_photos_not_used_within_a_day_are_deleted(app, make_member):
    """SHOP-3, AUC-1: the purge job deletes held photos (row and stored files) after a day;
    an expired one is no longer offered; a newer one stays."""
    owner = make_member()
    now = utcnow()
    [old] = held_photos.hold(owner, [chosen("old.jpg")], now=now - timedelta(hours=25))
    [new] = held_photos.hold(owner, [chosen("new.jpg")], now=now)
    db.session.commit()
    old_id, old_key, new_key = old.id, old.key, new.key
    assert held_photos.kept(owner, [old_id], now=now) == []
    assert JOBS["purge-held-photos"](app, now) == 1
    assert not stored(old_key) and stored(new_key)
    assert db.session.scalars(select(HeldPhoto.key)).all() == [new_key]


def test_shop_3_the_purge_spares_a_photo_used_at_its_last_moment(app, make_member,
                                                                  monkeypatch):
    """SHOP-3 (found in review): a photo used by a form between the purge's look-up and its
    delete kept its row out of the delete but lost its files; only the rows the delete
    removed lose their files now."""
    owner = make_member()
    now = utcnow()
    [old] = held_photos.hold(owner, [chosen("old.jpg")], now=now - timedelta(hours=25))
    db.session.commit()
    key = old.key
    real_delete = held_photos.delete

    def used_meanwhile(*args, **kwargs):
        # (the form's own delete, committed between the look-up and this one)
        db.session.execute(real_delete(HeldPhoto).where(HeldPhoto.key == key))
        return real_delete(*args, **kwargs)

    monkeypatch.setattr(held_photos, "delete", used_meanwhile)
    assert JOBS["purge-held-photos"](app, now) == 0
    assert stored(key)
