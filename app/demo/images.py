"""Demo photos drawn with Pillow: an amulet-like shape on a coloured ground."""
import io
import random

from PIL import Image, ImageDraw

PALETTES = [((233, 214, 170), (120, 90, 40)), ((40, 70, 60), (220, 190, 110)),
            ((200, 200, 205), (90, 90, 100)), ((150, 40, 40), (240, 210, 150)),
            ((245, 240, 230), (60, 60, 60))]


def demo_photo(seed, size=900):
    """JPEG bytes of a demo photo; the same seed always draws the same picture."""
    rng = random.Random(seed)
    ground, ink = rng.choice(PALETTES)
    image = Image.new("RGB", (size, size), ground)
    draw = ImageDraw.Draw(image)
    margin = size // 6
    shape = rng.choice(["ellipse", "arch", "rect"])
    box = (margin, margin, size - margin, size - margin)
    if shape == "ellipse":
        draw.ellipse(box, fill=ink)
    elif shape == "arch":
        draw.rounded_rectangle(box, radius=size // 3, fill=ink)
    else:
        draw.rounded_rectangle(box, radius=size // 12, fill=ink)
    inner = size // 3
    draw.ellipse((inner, inner - size // 10, size - inner, size - inner - size // 10),
                 fill=ground)
    draw.rectangle((inner + size // 12, size - inner - size // 12, size - inner - size // 12,
                    size - margin - size // 20), fill=ground)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
