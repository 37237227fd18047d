"""Avatars: checked by content and re-encoded as square JPEGs (see society.images)."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from society.images import render_image

# The pixel sizes the pages use: 256 on profile and about pages, 64 in lists.
AVATAR_SIZES = (256, 64)


def render_avatar(upload: UploadedFile) -> dict[int, bytes]:
    """JPEG bytes for each of AVATAR_SIZES, or ValidationError saying what is wrong."""
    renditions = render_image(
        upload,
        sizes=[(size, size) for size in AVATAR_SIZES],
        max_bytes=settings.AVATAR_MAX_BYTES,
        refusal="Please upload a photo (JPEG, PNG, GIF or WebP).",
    )
    return dict(zip(AVATAR_SIZES, renditions, strict=True))
