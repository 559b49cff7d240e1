"""Uploaded images: checked, re-encoded with Pillow, stored under random names outside the
static folder, and served with their real type (ARCHITECTURE: invariants).

Every image is decoded and drawn again, so nothing a user uploaded is ever served as sent:
no metadata, no trailing payloads, no polyglots. Photos are kept in two sizes, ``thumb`` and
``large``. Private images (payment slips) live in their own folder and are only served by the
views that check who may see them.
"""
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.database import after_rollback

SIZES = {"thumb": 480, "large": 1600}
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
#: The ``accept`` of an evidence file input (a photo or a PDF): on a phone the picker offers
#: the camera, the photo gallery and PDF files, and greys out what would be refused.
EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif,application/pdf"
MAX_PIXELS = 40_000_000
#: The shortest side a photo of an item, a certificate or a payment slip may have: below it
#: nothing can be made out (a review sent 8 x 8 px slips and photos, and they were taken).
MIN_SIDE = 100
#: Logos are drawn small; evidence for a complaint may be a small crop (a copied logo).
LOGO_MIN_SIDE = 32
KINDS = ("public", "private")


class UploadRejected(Exception):
    """The file is not an image we accept; ``message`` says why, in the user's language.
    ``field``: the form field it came from, when a form has more than one upload."""

    field = None

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class StoredImage:
    """Where an accepted image went and how big it is."""

    key: str
    width: int
    height: int


def upload_root(kind):
    """The folder of one kind of upload; created on demand."""
    if kind not in KINDS:
        raise ValueError(kind)
    root = Path(current_app.config["UPLOAD_DIR"]) / kind
    root.mkdir(parents=True, exist_ok=True)
    return root


def _path(kind, key, size):
    if not key.isalnum() or size not in SIZES:
        raise ValueError("bad upload key or size")
    return upload_root(kind) / key[:2] / f"{key}-{size}.jpg"


def _decode(data, min_side=1):
    """Open and fully decode ``data`` as an image, or raise UploadRejected (also when its
    shorter side is under ``min_side`` pixels)."""
    limit_mb = current_app.config["MAX_IMAGE_MB"]
    if len(data) > limit_mb * 1024 * 1024:
        raise UploadRejected(_l("This photo is larger than %(mb)d MB. Please send a smaller one.",
                                mb=limit_mb))
    if not data:
        raise UploadRejected(_l("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise UploadRejected(_l("Please send a photo in JPEG, PNG, WebP or GIF "
                                            "format."))
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(_l("This image is too large in pixels. Please send a photo of at "
                                "most 40 megapixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadRejected(_l("This file is not a photo we can read, or it is damaged.")) \
            from None
    if min(image.size) < min_side:
        raise UploadRejected(_l("This image is only %(width)d × %(height)d pixels, too small to "
                                "make anything out. Please send one at least %(side)d pixels on "
                                "each side.", width=image.width, height=image.height,
                                side=min_side))
    return image


def _render(image, longest_side):
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def _upright(image):
    """The image turned as its EXIF orientation says; as it is when that EXIF cannot be
    read (a camera's or an editor's broken block is no reason to refuse the photo)."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 (Pillow raises many kinds for a broken EXIF block)
        return image


def check_chosen_image(upload, min_side=MIN_SIDE):
    """Why a chosen file (a ``FileStorage``) would be refused, naming it as
    :func:`store_chosen_image` does, or None; nothing is stored. For a form refused for
    another reason: it says at once which file to leave out next time."""
    try:
        upload.seek(0)  # (a form that stored some files before its refusal read them)
        _decode(upload.read(), min_side)
    except UploadRejected as error:
        return _l("%(name)s: %(reason)s", name=(upload.filename or "?")[:100],
                  reason=error.message)
    finally:
        upload.seek(0)
    return None


def name_refused_choices(*fields):
    """Add to each file field of a form refused for another reason the chosen files it would
    refuse (:func:`check_chosen_image`), so the member leaves those out when choosing again
    (they are chosen again in any case) instead of learning of them on a second try. A field
    that already has errors is left as it is."""
    for field in fields:
        if field.errors:
            continue
        uploads = field.data if isinstance(field.data, list) else [field.data]
        problems = [str(problem) for upload in uploads
                    if upload and getattr(upload, "filename", "")
                    for problem in [check_chosen_image(upload)] if problem is not None]
        if problems:
            field.errors = list(field.errors) + problems


def store_chosen_image(upload, session=None, **kwargs):
    """Store one of several chosen files (a ``FileStorage``) as :func:`store_image` does. A
    refusal names the file: "This file is not a photo" after choosing five does not say which
    one to replace."""
    try:
        return store_image(upload.read(), session=session, **kwargs)
    except UploadRejected as error:
        raise UploadRejected(_l("%(name)s: %(reason)s", name=(upload.filename or "?")[:100],
                                reason=error.message)) from None


def store_image(data, kind="public", session=None, min_side=MIN_SIDE):
    """Check and re-encode ``data``; write both sizes; return a :class:`StoredImage`.
    Its shorter side must be at least ``min_side`` pixels.

    With ``session``, the files are removed again if that session's transaction rolls back,
    so a refused form leaves nothing half-saved.
    """
    image = _upright(_decode(data, min_side))
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    key = secrets.token_hex(16)
    written = []
    try:
        for size, longest in SIZES.items():
            path = _path(kind, key, size)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".part")
            temporary.write_bytes(_render(image, longest))
            os.replace(temporary, path)
            written.append(path)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    if session is not None:
        after_rollback(session, lambda: delete_image(key, kind))
    return StoredImage(key=key, width=image.width, height=image.height)


def delete_image(key, kind="public"):
    """Remove both sizes of a stored image (missing files are fine)."""
    for size in SIZES:
        _path(kind, key, size).unlink(missing_ok=True)


def send_image(key, size, kind="public", max_age=31536000):
    """Serve a stored image as image/jpeg, or 404."""
    try:
        path = _path(kind, key, size)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=max_age,
                         conditional=True, etag=True)
    if kind == "private":
        response.headers["Cache-Control"] = "private, no-store"
    return response


# Evidence files (explanations, complaints, police reports): a re-encoded image or a PDF
# of at most ``MAX_PDF_MB`` (the configuration's).
#: How far from the end the ``%%EOF`` marker of a PDF may be (trailing newlines, padding).
PDF_EOF_WINDOW = 2048


def check_pdf(data):
    """Refuse ``data`` unless it is a PDF: starts with ``%PDF-``, has ``%%EOF`` near the end,
    and is at most ``MAX_PDF_MB``. The file is stored as sent and only ever served as a
    download, so this is a check of kind and size, not of content."""
    limit_mb = current_app.config["MAX_PDF_MB"]
    if len(data) > limit_mb * 1024 * 1024:
        raise UploadRejected(_l("A PDF may be at most %(mb)d MB.", mb=limit_mb))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise UploadRejected(_l("This file is not a PDF we can accept."))


def pdf_path(key):
    """Where a stored evidence PDF lives (private folder)."""
    if not key.isalnum():
        raise ValueError("bad key")
    return upload_root("private") / "evidence" / key[:2] / f"{key}.pdf"


def store_pdf(data, session=None):
    """Check that ``data`` is a PDF (:func:`check_pdf`) and store it privately; returns its
    key. With ``session``, the file goes again if the transaction rolls back."""
    check_pdf(data)
    key = secrets.token_hex(16)
    path = pdf_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if session is not None:
        after_rollback(session, lambda: path.unlink(missing_ok=True))
    return key


def store_evidence_file(data, session=None):
    """Store one evidence file privately: a PDF as checked, anything else only if it decodes
    as a photo (re-encoded). Returns ``(key, media)`` with media ``"pdf"`` or ``"image"``;
    raises :class:`UploadRejected` for anything else (a script, an archive, a bomb)."""
    if _evidence_media(data) == "pdf":
        return store_pdf(data, session=session), "pdf"
    return store_image(data, kind="private", session=session, min_side=1).key, "image"


def check_evidence_file(data):
    """Raise :class:`UploadRejected` as :func:`store_evidence_file` would, storing nothing:
    a form refused for other reasons can say at once whether its file would be taken."""
    if _evidence_media(data) == "pdf":
        check_pdf(data)
    else:
        _decode(data).close()


def _evidence_media(data):
    """``"pdf"`` or ``"image"`` by what ``data`` looks like, or UploadRejected."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data:
        raise UploadRejected(_l("The file is empty."))
    if not _looks_like_image(data):
        raise UploadRejected(_l("Only photos (JPEG, PNG, WebP or GIF) and PDF files are "
                                "accepted as evidence."))
    return "image"


def _looks_like_image(data):
    """False when Pillow recognises no image format at all in ``data`` (a script, an
    archive); a recognised but damaged or oversized image is left to :func:`store_image`,
    whose message says what is wrong with it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)):
                return True
    except UnidentifiedImageError:
        return False
    except Exception:  # noqa: BLE001 (recognised, but store_image will refuse it and say why)
        return True


def send_pdf(key, download_name):
    """Serve a stored evidence PDF as a download that is never cached, or 404."""
    try:
        path = pdf_path(key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=download_name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
