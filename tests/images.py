"""Image files for upload tests, made on the fly with Pillow."""
import io

from PIL import Image


def jpeg(width=800, height=600, color=(200, 160, 40), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    kwargs = {"exif": exif} if exif else {}
    image.save(buffer, "JPEG", **kwargs)
    return buffer.getvalue()


def png_with_alpha(width=300, height=200):
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 120, 90, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def decompression_bomb():
    """A tiny PNG that claims to be 20,000 × 20,000 pixels (400 megapixels)."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    """A (stream, filename) pair as the test client's ``data=`` expects for a file."""
    return (io.BytesIO(data), name)
