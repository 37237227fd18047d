import io
import re
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from members.models import Profile
from tests.factories import ProfileFactory, TopicFactory, image_upload

URL = reverse("members:profile_edit")
VALID = {
    "name": "Mo Member",
    "course": "Physics MSci",
    "year_of_study": "3",
    "student_number": "20231234",
    "bio": "I like transformers.",
    "github_url": "https://github.com/mo",
    "linkedin_url": "https://www.linkedin.com/in/mo",
    "website_url": "https://mo.example.org/",
}


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's calling card."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.django_db
def test_profile_edit_saves_every_field(member_client, member):
    topic = TopicFactory(name="Computer vision", slug="computer-vision")

    response = member_client.post(URL, {**VALID, "interests": [topic.pk]})

    assert response.status_code == 302
    assert response["Location"] == reverse("members:me")
    profile = Profile.objects.get(user=member)
    assert (profile.course, profile.year_of_study, profile.student_number, profile.bio) == (
        "Physics MSci",
        3,
        "20231234",
        "I like transformers.",
    )
    assert (profile.github_url, profile.linkedin_url, profile.website_url) == (
        "https://github.com/mo",
        "https://www.linkedin.com/in/mo",
        "https://mo.example.org/",
    )
    assert list(profile.interests.all()) == [topic]


@pytest.mark.django_db
def test_profile_edit_page_does_not_create_a_profile_by_being_looked_at(member_client, member):
    response = member_client.get(URL)

    assert response.status_code == 200
    assert Profile.objects.filter(user=member).exists() is False


@pytest.mark.django_db
def test_profile_link_without_a_scheme_is_taken_as_https(member_client, member):
    member_client.post(URL, {**VALID, "github_url": "github.com/mo"})

    assert Profile.objects.get(user=member).github_url == "https://github.com/mo"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("website_url", "javascript:alert(1)", "Enter a web address starting with http:// or https://."),
        ("website_url", "ftp://files.example.org/me", "Enter a web address starting with http:// or https://."),
        ("website_url", "data:text/html,hi", "Enter a web address starting with http:// or https://."),
        ("website_url", "not a link at all", "Enter a web address starting with http:// or https://."),
        ("github_url", "https://evil.example/github.com/mo", "Enter a link on github.com."),
        ("linkedin_url", "https://github.com/mo", "Enter a link on linkedin.com."),
        ("year_of_study", "9", "Select a valid choice. 9 is not one of the available choices."),
        ("name", "", "This field is required."),
        ("bio", "x" * 501, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_profile_edit_rejects_bad_input_and_changes_nothing(member_client, member, field, value, message):
    ProfileFactory(user=member, course="Maths BSc")

    response = member_client.post(URL, {**VALID, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    profile = Profile.objects.get(user=member)
    assert (profile.course, profile.github_url, profile.website_url) == ("Maths BSc", "", "")
    member.refresh_from_db()
    assert member.name == "Mo Member"


@pytest.mark.django_db
@pytest.mark.parametrize("confirmed", [False, True])
def test_profile_edit_takes_a_student_number_another_account_has_and_says_nothing_of_it(
    member_client, member, other_member, confirmed
):
    # Refusing it would tell anyone which numbers exist; the number is only a claim
    # (unconfirmed) until the union's list gives it with this account's email.
    ProfileFactory(
        user=other_member, student_number="20231234", student_number_verified_at=timezone.now() if confirmed else None
    )

    response = member_client.post(URL, VALID, follow=True)

    page = response.content.decode()
    assert "already" not in page
    assert "taken" not in page
    claims = Profile.objects.filter(student_number="20231234").order_by("user__email")
    assert [(claim.user.email, claim.student_number_verified_at is None) for claim in claims] == [
        ("member@uni.ac.uk", True),
        ("other@uni.ac.uk", not confirmed),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("cv.png", b"%PDF-1.4 not an image", "image/png"), "Please upload a photo"),
        (
            SimpleUploadedFile("me.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
            "Please upload a photo",
        ),
        (SimpleUploadedFile("bomb.png", png_claiming(30_000, 30_000), "image/png"), "too many pixels"),
        (SimpleUploadedFile("big.png", png_claiming(8_000, 8_000), "image/png"), "too many pixels"),
        (image_upload(image_format="TIFF", name="me.tiff"), "Please upload a photo"),
    ],
    ids=["pdf-named-png", "svg", "decompression-bomb", "over-pixel-limit", "tiff"],
)
def test_profile_avatar_rejects_what_is_not_a_photo(member_client, member, upload, message):
    response = member_client.post(URL, {**VALID, "avatar_upload": upload})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Profile.objects.filter(user=member).exists() is False
    assert default_storage.exists("avatars") is False


@pytest.mark.django_db
def test_profile_avatar_rejects_a_file_over_the_size_limit(member_client, member, settings):
    settings.AVATAR_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"0" * (1024 * 1024), "image/jpeg")

    response = member_client.post(URL, {**VALID, "avatar_upload": upload})

    assert "That image is too large: the limit is 1 MB." in response.content.decode()
    assert Profile.objects.filter(user=member).exists() is False


@pytest.mark.django_db
def test_profile_avatar_rejects_a_truncated_image(member_client, member):
    data = image_upload(image_format="JPEG", name="me.jpg").read()

    response = member_client.post(URL, {**VALID, "avatar_upload": SimpleUploadedFile("me.jpg", data[: len(data) // 2])})

    assert "That image could not be read" in response.content.decode()
    assert Profile.objects.filter(user=member).exists() is False


@pytest.mark.django_db
def test_profile_avatar_is_re_encoded_square_without_exif(member_client, member):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS: latitude
    upload = image_upload(size=(400, 300), image_format="JPEG", name="holiday.jpg", exif=exif.tobytes())
    with Image.open(upload) as original:
        assert original.getexif()[0x010F] == "PhoneMaker"
    upload.seek(0)

    member_client.post(URL, {**VALID, "avatar_upload": upload})

    profile = Profile.objects.get(user=member)
    for field, size in ((profile.avatar, 256), (profile.avatar_small, 64)):
        assert field.name.startswith("avatars/")
        assert "holiday" not in field.name
        assert re.fullmatch(rf"avatars/[0-9a-f]{{32}}-{size}\.jpg", field.name)  # a random name
        with default_storage.open(field.name) as stored, Image.open(stored) as image:
            assert (image.format, image.size, image.mode) == ("JPEG", (size, size), "RGB")
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info


@pytest.mark.django_db
def test_profile_avatar_accepts_a_transparent_png(member_client, member):
    out = io.BytesIO()
    Image.new("RGBA", (80, 120), (0, 0, 0, 0)).save(out, format="PNG")

    member_client.post(URL, {**VALID, "avatar_upload": SimpleUploadedFile("me.png", out.getvalue())})

    with default_storage.open(Profile.objects.get(user=member).avatar.name) as stored, Image.open(stored) as image:
        assert image.getpixel((10, 10)) == (255, 255, 255)  # transparency flattened onto white


@pytest.mark.django_db
def test_replacing_or_removing_the_avatar_deletes_the_old_files(
    member_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(URL, {**VALID, "avatar_upload": image_upload()})
    first = Profile.objects.get(user=member)
    first_files = [first.avatar.name, first.avatar_small.name]

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(URL, {**VALID, "avatar_upload": image_upload()})
    second = Profile.objects.get(user=member)
    second_files = [second.avatar.name, second.avatar_small.name]
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(URL, {**VALID, "remove_avatar": "on"})

    assert [default_storage.exists(name) for name in first_files + second_files] == [False] * 4
    assert Profile.objects.get(user=member).avatar.name == ""
