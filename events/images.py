"""Event banners and speaker photos: checked by content, re-encoded by Pillow.

As with avatars (members.avatars), nothing of the uploaded file is kept: it is
decoded under a pixel limit (a small "decompression bomb" cannot exhaust
memory), turned upright, cropped to the shape the pages use and encoded
afresh as JPEG at each size, so EXIF (GPS positions from phones) is dropped.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

# Banners are 12:5: 1200x500 on the event page, 600x250 on phones and cards.
BANNER_SIZES = ((1200, 500), (600, 250))
SPEAKER_PHOTO_SIZE = (256, 256)
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; a bomb does not


def render_banner(upload) -> dict[int, bytes]:
    """JPEG bytes keyed by width, for each of BANNER_SIZES, or ValidationError."""
    image = _checked_image(upload)
    return {size[0]: _encoded(ImageOps.fit(image, size, Image.Resampling.LANCZOS)) for size in BANNER_SIZES}


def render_speaker_photo(upload) -> bytes:
    image = _checked_image(upload)
    return _encoded(ImageOps.fit(image, SPEAKER_PHOTO_SIZE, Image.Resampling.LANCZOS))


def _checked_image(upload) -> Image.Image:
    if upload.size > settings.EVENT_IMAGE_MAX_BYTES:
        limit = settings.EVENT_IMAGE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"That image is too large: the limit is {limit} MB.")
    try:
        image = ImageOps.exif_transpose(_open_checked(upload))  # phones store "rotate me" in EXIF
        return _flattened(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("Please upload a picture (JPEG, PNG, GIF or WebP) of at most 50 megapixels.") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(f"That image could not be read ({error}).") from None


def _open_checked(upload) -> Image.Image:
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        # Pillow only warns up to twice its own limit: refuse at ours.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise UnidentifiedImageError(image.format)
        if image.width * image.height > MAX_PIXELS:
            raise Image.DecompressionBombError(f"{image.width}x{image.height}")
        image.verify()  # the file's structure; the image must be opened again after
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
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif=: no metadata
    return out.getvalue()
