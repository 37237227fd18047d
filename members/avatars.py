"""Avatars: an upload is checked by its content, then re-encoded by Pillow.

Nothing of the uploaded file is kept: the image is decoded (under a pixel
limit, so a small "decompression bomb" cannot exhaust memory), turned upright,
square-cropped and encoded afresh as JPEG at each size the pages use. EXIF and
any other metadata (GPS positions from phones) are not carried over.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

# The pixel sizes the pages use: 256 on profile and about pages, 64 in lists.
AVATAR_SIZES = (256, 64)
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Larger than any phone photo (a 48-megapixel camera), far below what would hurt.
MAX_PIXELS = 50_000_000


def render_avatar(upload: UploadedFile) -> dict[int, bytes]:
    """JPEG bytes for each of AVATAR_SIZES, or ValidationError saying what is wrong."""
    if upload.size > settings.AVATAR_MAX_BYTES:
        limit = settings.AVATAR_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"That image is too large: the limit is {limit} MB.")
    try:
        image = _open_checked(upload)
        image = ImageOps.exif_transpose(image)  # phones store "rotate me" in EXIF
        image = _flattened(image)
        return {size: _encoded(ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)) for size in AVATAR_SIZES}
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("Please upload a photo (JPEG, PNG, GIF or WebP).") from None
    except (OSError, SyntaxError, ValueError) as error:
        # Pillow reports truncated or corrupt data with these.
        raise ValidationError(f"That image could not be read ({error}).") from None


def _open_checked(upload: UploadedFile) -> Image.Image:
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
