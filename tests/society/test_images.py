"""Uploaded pictures: at most 16 megapixels, read from the header before anything is
decoded, and decoded shrunk (JPEG's draft mode, Image.reduce) so that memory stays small."""

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.models import Profile
from society.images import MAX_PIXELS, render_image

ROOT = Path(__file__).resolve().parents[2]
REFUSAL = "Please upload a picture."
TOO_MANY_PIXELS = "That image has too many pixels: the limit is 16 megapixels (4000 by 4000)."


def encoded(image: Image.Image, image_format: str, **options) -> SimpleUploadedFile:
    out = io.BytesIO()
    image.save(out, format=image_format, **options)
    return SimpleUploadedFile(f"picture.{image_format.lower()}", out.getvalue(), content_type="image/png")


def halves(mode: str, size: tuple[int, int], left, right) -> Image.Image:
    """A picture whose left half is one colour and right half another."""
    image = Image.new(mode, size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def png_claiming(width: int, height: int) -> bytes:
    """A 1-pixel PNG whose header claims `width` x `height` pixels."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def render(upload, sizes=((256, 256),)) -> list[Image.Image]:
    renditions = render_image(upload, sizes=list(sizes), max_bytes=10 * 1024 * 1024, refusal=REFUSAL)
    return [Image.open(io.BytesIO(data)) for data in renditions]


def refusal_of(upload) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        render(upload)
    return refused.value.messages


def test_the_limit_is_16_megapixels():
    assert MAX_PIXELS == 16_000_000


def test_a_picture_of_exactly_16_megapixels_is_accepted():
    [avatar] = render(encoded(halves("L", (4000, 4000), 0, 255), "PNG"))

    assert (avatar.format, avatar.size, avatar.mode) == ("JPEG", (256, 256), "RGB")


def test_a_picture_of_16_megapixels_and_one_pixel_is_refused():
    assert MAX_PIXELS + 1 == 24_961 * 641

    assert refusal_of(encoded(Image.new("L", (24_961, 641)), "PNG")) == [TOO_MANY_PIXELS]


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (4_001, 4_000), (100_000, 100_000)])
def test_a_header_claiming_too_many_pixels_is_refused_before_decoding(width, height):
    upload = SimpleUploadedFile("bomb.png", png_claiming(width, height), content_type="image/png")

    assert refusal_of(upload) == [TOO_MANY_PIXELS]


def test_a_small_file_that_decodes_to_49_megapixels_is_refused():
    upload = encoded(Image.new("1", (7_000, 7_000)), "PNG")
    assert upload.size < 200_000  # a decompression bomb: tiny on disk, 49 megapixels decoded

    assert refusal_of(upload) == [TOO_MANY_PIXELS]


def test_a_truncated_picture_is_refused():
    data = encoded(halves("RGB", (400, 300), "red", "blue"), "JPEG").read()
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")

    [message] = refusal_of(upload)

    assert message.startswith("That image could not be read (")


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4 not a picture", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"", b"GIF89a"],
    ids=["pdf", "svg", "empty", "gif-magic-only"],
)
def test_what_is_not_a_picture_is_refused(content):
    assert refusal_of(SimpleUploadedFile("photo.png", content, content_type="image/png")) == [REFUSAL]


def test_a_large_jpeg_is_shrunk_and_still_turned_upright():
    # Left half red, right half blue; EXIF says "rotate 90 degrees clockwise to show".
    exif = Image.Exif()
    exif[0x0112] = 6
    upload = encoded(halves("RGB", (4000, 3000), "red", "blue"), "JPEG", exif=exif.tobytes())

    [avatar] = render(upload)

    assert avatar.size == (256, 256)
    top, bottom = avatar.getpixel((128, 10)), avatar.getpixel((128, 245))
    assert (top[0] > 200, top[2] < 50) == (True, True)  # red on top once upright
    assert (bottom[0] < 50, bottom[2] > 200) == (True, True)


def test_a_large_transparent_palette_png_is_reduced_and_flattened_on_white():
    image = Image.new("P", (3000, 2000), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.paste(1, (1500, 0, 3000, 2000))
    upload = encoded(image, "PNG", transparency=1)

    banner, small = render(upload, sizes=[(1200, 500), (600, 250)])

    assert (banner.size, small.size) == ((1200, 500), (600, 250))
    left, right = banner.getpixel((10, 250)), banner.getpixel((1190, 250))
    assert (left[0] > 200, left[1] < 50) == (True, True)  # red stays red
    assert min(right) > 240  # the transparent half is white


@pytest.mark.django_db
def test_a_decompression_bomb_on_the_profile_page_is_refused_and_nothing_is_saved(member_client, member):
    upload = encoded(Image.new("1", (7_000, 7_000)), "PNG")

    response = member_client.post(
        reverse("members:profile_edit"), {"name": "Mo Member", "course": "Maths BSc", "avatar_upload": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["avatar_upload"] == [TOO_MANY_PIXELS]
    assert Profile.objects.filter(user=member).exists() is False
    assert default_storage.exists("avatars") is False


# Runs in a process of its own: the peak resident memory (VmHWM) is reset, then read
# after each step. tracemalloc cannot do this: Pillow's pixel buffers are allocated in C,
# outside Python's allocator, and tracemalloc never sees them.
PEAK_MEMORY = """
import io, json, re, sys
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from society.images import render_image

def peak_since_reset(step):
    Path("/proc/self/clear_refs").write_text("5")
    before = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
    step()
    after = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
    return (after - before) // 1024

data = Path(sys.argv[1]).read_bytes()
upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")

def rendered(sizes):
    return lambda: render_image(upload, sizes=sizes, max_bytes=len(data), refusal="")

print(json.dumps({
    "avatar": peak_since_reset(rendered([(256, 256), (64, 64)])),
    "banner": peak_since_reset(rendered([(1200, 500), (600, 250)])),
    "full_decode": peak_since_reset(lambda: Image.open(io.BytesIO(data)).load()),
}))
"""


def test_a_16_megapixel_jpeg_is_processed_in_a_fraction_of_its_decoded_size(tmp_path):
    photo = tmp_path / "photo.jpg"
    halves("RGB", (4000, 4000), "red", "blue").save(photo, format="JPEG", quality=90)

    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, str(photo)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    peak_mb = json.loads(result.stdout)
    # Pillow keeps 4 bytes per RGB pixel: 64 MB at full size (about 120 MB to render, before drafts).
    assert peak_mb["full_decode"] >= 48
    assert peak_mb["avatar"] <= 8  # drafted at 1/8: 500 x 500, 1 MB
    assert peak_mb["banner"] <= 32  # drafted at 1/2: 2000 x 2000, 16 MB
