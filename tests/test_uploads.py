"""Uploaded images are re-encoded, resized and stored outside the static folder; anything else
is refused with a clear message and nothing is left behind (SHOP-3)."""
import io
from pathlib import Path

import pytest
from PIL import Image

from app.extensions import db
from app.uploads import SIZES, UploadRejected, delete_image, store_image
from tests.images import decompression_bomb, jpeg, png_with_alpha


def stored_files(app):
    return sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def test_photo_is_reencoded_in_two_sizes_without_metadata_shop_3(app):
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    stored = store_image(jpeg(3000, 2000, exif=exif.tobytes()))
    files = stored_files(app)
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        assert b"SecretCameraMaker" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            size = "thumb" if path.name.endswith("-thumb.jpg") else "large"
            assert max(image.size) == SIZES[size]
    assert (stored.width, stored.height) == (3000, 2000)
    assert "static" not in str(files[0])


def test_transparent_png_becomes_a_jpeg_on_white(app):
    stored = store_image(png_with_alpha())
    assert stored.width == 300


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"%PDF-1.4 not an image", "not a photo"),
    (b"<script>alert(1)</script>", "not a photo"),
    (jpeg()[:200], "not a photo"),
])
def test_non_images_and_broken_images_are_refused_shop_3(app, data, message):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        with pytest.raises(UploadRejected) as refused:
            store_image(data)
        assert message in str(refused.value.message)
    assert stored_files(app) == []


def test_decompression_bomb_is_refused_shop_3(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        with pytest.raises(UploadRejected) as refused:
            store_image(decompression_bomb())
        assert "megapixels" in str(refused.value.message)


def test_oversized_file_is_refused_shop_3(make_app):
    app = make_app(MAX_IMAGE_MB=1)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        with pytest.raises(UploadRejected) as refused:
            store_image(b"\xff" * (1024 * 1024 + 1))
        assert "larger than 1 MB" in str(refused.value.message)


def test_files_are_removed_when_the_transaction_rolls_back(app):
    store_image(jpeg(), session=db.session)
    assert len(stored_files(app)) == 2
    db.session.rollback()
    assert stored_files(app) == []


def test_files_stay_when_the_transaction_commits(app):
    store_image(jpeg(), session=db.session)
    db.session.commit()
    assert len(stored_files(app)) == 2


def test_photos_are_served_as_jpeg_with_nosniff(app, client, make_listing):
    from app.database import utcnow
    from app.models import ListingPhoto

    stored = store_image(jpeg())
    listing = make_listing()
    db.session.add(ListingPhoto(listing_id=listing.id, position=0, key=stored.key,
                                width=stored.width, height=stored.height, created_at=utcnow()))
    db.session.commit()
    response = client.get(f"/media/{stored.key}/thumb.jpg")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    assert client.get(f"/media/{stored.key}/huge.jpg").status_code == 404
    assert client.get(f"/media/{store_image(jpeg()).key}/thumb.jpg").status_code == 404
    assert client.get("/media/..%2f..%2fsecret_key/thumb.jpg").status_code == 404
    delete_image(stored.key)
    assert client.get(f"/media/{stored.key}/thumb.jpg").status_code == 404


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_a_photo_with_a_broken_exif_block_is_kept_upright_as_sent_shop_3(app, kind):
    """SHOP-3 (found in review): a PNG or WebP whose EXIF block is not readable crashed the
    upload (500, the form lost); the photo is stored as sent."""
    buffer = io.BytesIO()
    Image.new("RGB", (500, 300), (90, 40, 10)).save(buffer, kind,
                                                     exif=b"Exif\x00\x00not-a-tiff-header")
    stored = store_image(buffer.getvalue())
    assert (stored.width, stored.height) == (500, 300)


def test_a_photo_too_small_to_see_is_refused_but_a_small_logo_or_evidence_crop_is_not_shop_3(
        app):
    """SHOP-3 (photos validated), SHOP-10 (a readable slip): found in review, 8 x 8 px photos
    and payment slips were taken. A photo, certificate or slip needs 100 px on its shorter
    side; a shop's logo 32 px; evidence for a complaint may be any size (a copied logo)."""
    from app.uploads import LOGO_MIN_SIDE, store_evidence_file

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        for width, height in ((8, 8), (99, 600)):
            with pytest.raises(UploadRejected) as refused:
                store_image(jpeg(width, height))
            assert (f"only {width} × {height} pixels" in str(refused.value.message)
                    and "at least 100 pixels" in str(refused.value.message))
        assert stored_files(app) == []
        assert store_image(jpeg(100, 600)).width == 100
        assert store_image(jpeg(40, 40), min_side=LOGO_MIN_SIDE).width == 40
        assert store_evidence_file(jpeg(8, 8))[1] == "image"
