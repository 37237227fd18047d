"""Uploaded pictures (avatars, banners, speaker photos): checked by content,
re-encoded by Pillow.

Nothing of the uploaded file is kept: its size in pixels is read from its header
and refused above MAX_PIXELS before anything is decoded (a small "decompression
bomb" cannot exhaust memory); it is decoded already shrunk where the format allows
(JPEG's draft mode), reduced by a whole factor towards the sizes the pages use,
and only then turned upright, flattened and cropped, and encoded afresh as JPEG,
so EXIF and any other metadata (GPS positions from phones) are not carried over.
"""

import io
import math
import warnings

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# The largest picture decoded, in pixels: a 16-megapixel phone photo (4000 x 4000, or
# 4608 x 3456) is 48 MB once decoded; a 48-megapixel camera's full size is refused.
MAX_PIXELS = 16_000_000
MAX_MEGAPIXELS = MAX_PIXELS // 1_000_000
MAX_SQUARE_SIDE = math.isqrt(MAX_PIXELS)
TOO_MANY_PIXELS = format_lazy(
    gettext_lazy("That image has too many pixels: the limit is {megapixels} megapixels ({side} by {side})."),
    megapixels=MAX_MEGAPIXELS,
    side=MAX_SQUARE_SIDE,
)
# Modes whose pixels Image.reduce can average; palette and one-bit pixels are converted first.
REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "I", "F"}


def render_image(upload, *, sizes: list[tuple[int, int]], max_bytes: int, refusal: str) -> list[bytes]:
    """JPEG bytes for each (width, height) in `sizes`, or ValidationError saying
    what is wrong (`refusal` for anything that is not an acceptable picture)."""
    if upload.size > max_bytes:
        raise ValidationError(
            gettext("That image is too large: the limit is %(megabytes)s MB.")
            % {"megabytes": max_bytes // (1024 * 1024)}
        )
    # Enough for every size either way up (phones store "rotate me" in EXIF, applied after shrinking).
    side = max(max(size) for size in sizes)
    try:
        image = _decoded_shrunk(upload, side)
        ImageOps.exif_transpose(image, in_place=True)  # in place: no second copy of a large picture
        image = _flattened(image)
        return [_encoded(ImageOps.fit(image, size, Image.Resampling.LANCZOS)) for size in sizes]
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise ValidationError(refusal) from None
    except (OSError, SyntaxError, ValueError) as error:
        # Pillow reports truncated or corrupt data with these.
        raise ValidationError(gettext("That image could not be read (%(error)s).") % {"error": error}) from None


def _decoded_shrunk(upload, side: int) -> Image.Image:
    """The picture decoded, shrunk on the way while its shorter side stays at least `side` pixels."""
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        # Pillow refuses some sizes itself, and warns (rather than refuses) below twice its own
        # limit: a warning is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _opened(data)  # reads the header only
        image.verify()  # checks the file's structure; the image must be opened again after
        image = _opened(data)
        # JPEG decodes at 1/2, 1/4 or 1/8 of its size when asked before load: a 16-megapixel
        # photo for a 256-pixel avatar never exists in memory at full size. Other formats ignore it.
        image.draft("RGB", (side, side))
        image.load()
    # Then reduced by a whole factor (averaging blocks of pixels, cheap), keeping twice the
    # size needed so that the final resampling still has pixels to work with; the EXIF
    # orientation goes along (in image.info).
    factor = min(image.size) // (2 * side)
    if factor < 2:
        return image
    if image.mode not in REDUCIBLE_MODES:
        image = image.convert("RGBA" if image.mode in ("P", "PA") else "L")
    return image.reduce(factor)


def _opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.format not in ACCEPTED_FORMATS:
        raise UnidentifiedImageError(image.format)
    if image.width * image.height > MAX_PIXELS:
        raise Image.DecompressionBombError(f"{image.width}x{image.height}")
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _encoded(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif= argument: the new file carries no metadata.
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
