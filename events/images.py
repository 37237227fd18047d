"""Event banners and speaker photos: checked by content and re-encoded as
JPEGs at the sizes the pages use (see society.images)."""

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from society.images import MAX_MEGAPIXELS, render_image

# Banners are 12:5: 1200x500 on the event page, 600x250 on phones and cards.
BANNER_SIZES = ((1200, 500), (600, 250))
SPEAKER_PHOTO_SIZE = (256, 256)
REFUSAL = format_lazy(
    gettext_lazy("Please upload a picture (JPEG, PNG, GIF or WebP) of at most {megapixels} megapixels."),
    megapixels=MAX_MEGAPIXELS,
)


def render_banner(upload) -> dict[int, bytes]:
    """JPEG bytes keyed by width, for each of BANNER_SIZES, or ValidationError."""
    renditions = render_image(
        upload, sizes=list(BANNER_SIZES), max_bytes=settings.EVENT_IMAGE_MAX_BYTES, refusal=REFUSAL
    )
    return {size[0]: data for size, data in zip(BANNER_SIZES, renditions, strict=True)}


def render_speaker_photo(upload) -> bytes:
    [photo] = render_image(
        upload, sizes=[SPEAKER_PHOTO_SIZE], max_bytes=settings.EVENT_IMAGE_MAX_BYTES, refusal=REFUSAL
    )
    return photo
