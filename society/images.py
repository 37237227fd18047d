"""Uploaded pictures (avatars, banners, speaker photos): checked by content,
re-encoded by Pillow.

Nothing of the uploaded file is kept: it is decoded under a pixel limit (a
small "decompression bomb" cannot exhaust memory), turned upright, flattened
and cropped to the shapes the pages use, then encoded afresh as JPEG, so EXIF
and any other metadata (GPS positions from phones) are not carried over.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Larger than any phone photo (a 48-megapixel camera), far below what would hurt.
MAX_PIXELS = 50_000_000


def render_image(upload, *, sizes: list[tuple[int, int]], max_bytes: int, refusal: str) -> list[bytes]:
    """JPEG bytes for each (width, height) in `sizes`, or ValidationError saying
    what is wrong (`refusal` for anything that is not an acceptable picture)."""
    if upload.size > max_bytes:
        raise ValidationError(f"That image is too large: the limit is {max_bytes // (1024 * 1024)} MB.")
    try:
        image = _flattened(ImageOps.exif_transpose(_open_checked(upload)))  # phones store "rotate me" in EXIF
        return [_encoded(ImageOps.fit(image, size, Image.Resampling.LANCZOS)) for size in sizes]
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(refusal) from None
    except (OSError, SyntaxError, ValueError) as error:
        # Pillow reports truncated or corrupt data with these.
        raise ValidationError(f"That image could not be read ({error}).") from None


def _open_checked(upload) -> Image.Image:
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        # Pillow warns (rather than refuses) up to twice its own limit: refuse at ours.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise UnidentifiedImageError(image.format)
        if image.width * image.height > MAX_PIXELS:
            raise Image.DecompressionBombError(f"{image.width}x{image.height}")
        image.verify()  # checks the file's structure; the image must be opened again after
        image = Image.open(io.BytesIO(data))
        image.load()
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _encoded(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif= argument: the new file carries no metadata.
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
