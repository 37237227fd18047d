"""Uploads: a rate per account for every view that takes files (society.uploads), and
limits on what one request may carry (DATA_UPLOAD_* settings). Over either: a clear
page, nothing saved, never a 500."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from events.models import Event, Speaker
from members.models import Profile
from society.uploads import rate_in_words
from tests.factories import EventFactory, image_upload, pdf_bytes
from workshops.models import Material

ROOT = Path(__file__).resolve().parents[2]
APPS = ["society", "members", "events", "workshops"]
PROFILE = {"name": "Mo Member", "course": "Maths BSc"}
TWENTY_MB = 20 * 1024 * 1024


# --- Every upload view is limited ---------------------------------------------------------


def functions_reading_request_files() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "society" / "uploads.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.FunctionDef) and any(
                    isinstance(inner, ast.Attribute) and inner.attr == "FILES" for inner in ast.walk(node)
                ):
                    found.append((f"{path.relative_to(ROOT)}:{node.name}", node))
    return found


def test_every_view_that_reads_uploaded_files_is_upload_limited():
    views = functions_reading_request_files()

    assert len(views) >= 8  # speakers, events (new, edit, series), materials, profile, welcome, union list
    unlimited = [name for name, node in views if "upload_limited" not in [ast.unparse(d) for d in node.decorator_list]]
    assert unlimited == []


@pytest.mark.django_db
def test_every_admin_form_with_a_file_field_is_upload_limited(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    with_files = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if any(isinstance(field, forms.FileField) for field in model_admin.get_form(request).base_fields.values())
    ]

    assert sorted(with_files) == ["EventAdmin", "SpeakerAdmin"]
    for model_admin in admin.site._registry.values():
        if type(model_admin).__name__ in with_files:
            assert getattr(model_admin.changeform_view, "upload_limited", False), type(model_admin).__name__


# --- The rate per account ----------------------------------------------------------------


@pytest.fixture
def two_uploads_an_hour(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload": "2/h/user"}


def post_avatar(client, colour_width: int):
    upload = image_upload(size=(300 + colour_width, 300))
    return client.post(reverse("members:profile_edit"), {**PROFILE, "avatar_upload": upload})


@pytest.mark.django_db
def test_avatars_over_the_rate_get_a_429_and_nothing_is_saved(member_client, member, two_uploads_an_hour):
    assert [post_avatar(member_client, n).status_code for n in range(2)] == [302, 302]
    kept = Profile.objects.get(user=member).avatar.name

    response = post_avatar(member_client, 3)

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert response.context["message"] == (
        "You have reached the upload limit (2 uploads per hour). Nothing was saved: please try again later."
    )
    assert Profile.objects.get(user=member).avatar.name == kept


@pytest.mark.django_db
def test_the_upload_rate_is_per_account_and_counts_only_forms_with_files(
    client, member, other_member, two_uploads_an_hour
):
    client.force_login(member)
    for n in range(2):
        post_avatar(client, n)

    text_only = client.post(reverse("members:profile_edit"), {**PROFILE, "course": "Physics MSci"})
    client.force_login(other_member)
    someone_else = post_avatar(client, 0)

    assert (text_only.status_code, someone_else.status_code) == (302, 302)
    assert Profile.objects.get(user=member).course == "Physics MSci"
    assert Profile.objects.get(user=other_member).avatar.name.startswith("avatars/")


@pytest.mark.django_db
def test_materials_over_the_rate_get_a_429_and_nothing_is_stored(committee_client, settings, two_uploads_an_hour):
    event = EventFactory()
    url = reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})

    def post_slides(n):
        slides = SimpleUploadedFile(f"week{n}.pdf", pdf_bytes())
        return committee_client.post(
            url, {"kind": "slides", "title": f"Week {n}", "visibility": "members", "upload": slides}
        )

    statuses = [post_slides(n).status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert sorted(Material.objects.values_list("title", flat=True)) == ["Week 0", "Week 1"]
    assert len(list(settings.PRIVATE_MEDIA_ROOT.rglob("*.pdf"))) == 2


@pytest.mark.django_db
def test_speaker_photos_in_the_admin_over_the_rate_get_a_429(admin_client, two_uploads_an_hour):
    def add_speaker(name):
        return admin_client.post(reverse("admin:events_speaker_add"), {"name": name, "photo_upload": image_upload()})

    statuses = [add_speaker(name).status_code for name in ("Ada", "Grace", "Alan")]

    assert statuses == [302, 302, 429]
    assert sorted(Speaker.objects.values_list("name", flat=True)) == ["Ada", "Grace"]


@pytest.mark.django_db
def test_allauths_own_limits_show_the_same_page_with_a_general_message(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    client.post(reverse("account_signup"), {"email": "a@uni.ac.uk"})

    response = client.post(reverse("account_signup"), {"email": "b@uni.ac.uk"})

    assert response.status_code == 429
    assert "You have sent this too many times in a short while." in response.content.decode()


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ("30/h/user", "30 uploads per hour"),
        ("1/d/user", "1 upload per day"),
        ("10/15m/user", "10 uploads per 15 minutes"),
        ("5/1m/user", "5 uploads per minute"),
    ],
)
def test_the_rate_is_told_in_words(rate, words):
    assert rate_in_words(rate) == words


# --- What one request may carry ------------------------------------------------------------


@pytest.mark.django_db
def test_a_20_mb_avatar_is_refused_on_the_form_and_nothing_is_saved(member_client, member):
    upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"0" * TWENTY_MB, content_type="image/jpeg")

    response = member_client.post(reverse("members:profile_edit"), {**PROFILE, "avatar_upload": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["avatar_upload"] == ["That image is too large: the limit is 5 MB."]
    assert Profile.objects.filter(user=member).exists() is False
    assert default_storage.exists("avatars") is False


@pytest.mark.django_db
def test_a_20_mb_banner_is_refused_on_the_console_form_and_nothing_is_saved(committee_client):
    upload = SimpleUploadedFile("huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * TWENTY_MB, content_type="image/png")

    response = committee_client.post(reverse("events:manage_event_create"), {"title": "Big", "banner_upload": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["banner_upload"] == ["That image is too large: the limit is 8 MB."]
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_a_20_mb_form_gets_the_400_page_and_nothing_is_saved(member_client, member):
    response = member_client.post(reverse("members:profile_edit"), {**PROFILE, "bio": "x" * TWENTY_MB})

    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()
    assert Profile.objects.filter(user=member).exists() is False


@pytest.mark.django_db
def test_more_files_than_allowed_in_one_request_get_the_400_page(member_client, member):
    files = {f"file{n}": SimpleUploadedFile(f"{n}.png", b"x") for n in range(11)}

    response = member_client.post(reverse("members:profile_edit"), {**PROFILE, **files})

    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()
    assert Profile.objects.filter(user=member).exists() is False


@pytest.mark.django_db
def test_more_fields_than_allowed_in_one_request_get_the_400_page(member_client, member):
    fields = {f"field{n}": "x" for n in range(1001)}

    response = member_client.post(reverse("members:profile_edit"), {**PROFILE, **fields})

    assert response.status_code == 400
    assert Profile.objects.filter(user=member).exists() is False


@pytest.mark.django_db
def test_the_400_page_draws_without_a_logged_in_user(client):
    response = client.get("/", HTTP_HOST="evil.example")  # refused before anyone is known

    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()
