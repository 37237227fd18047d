"""Uploaded files on S3-compatible object storage, through the real S3 API (moto's
server over HTTP): pictures are public with a year's cache, materials are private
and reach only the people allowed, by a presigned link or streamed, and an account's
files go with it."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from members import services
from members.models import Profile
from tests.factories import (
    EventFactory,
    MaterialFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
    image_upload,
    notebook_bytes,
    pdf_bytes,
)
from tests.integration.servers import gunicorn
from workshops.models import Material

from .conftest import fetch, signature_holds

pytestmark = pytest.mark.django_db

ORIGINAL_NAME = "第1周 slides.pdf"  # as the committee's computer named it
DISPOSITION = f"attachment; filename*=utf-8''{quote(ORIGINAL_NAME)}"
PROFILE_FORM = {"name": "Mo Member", "course": "Physics MSci", "year_of_study": "3", "bio": "Hello."}
EVENT_FORM = {
    "title": "Transformers", "kind": "workshop", "level": "beginner",
    "starts_at": "2026-10-07T18:00", "ends_at": "2026-10-07T20:00", "venue": "Lab 2.14",
}  # fmt: skip


def upload_material(client, event, *, kind: str, name: str, content: bytes, visibility: str = "members"):
    data = {"kind": kind, "title": "Week 1", "visibility": visibility, "upload": SimpleUploadedFile(name, content)}
    return client.post(reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}), data)


def download_url(material: Material) -> str:
    return reverse("workshops:material_download", kwargs={"token": material.token})


@pytest.fixture
def past_event():
    start = timezone.now() - timedelta(days=2)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))


@pytest.fixture
def slides(bucket, past_event) -> Material:
    return MaterialFactory(event=past_event, visibility=Material.Visibility.MEMBERS, original_name=ORIGINAL_NAME)


@pytest.fixture
def paid_member_client(client, member):
    MembershipFactory(user=member)
    client.force_login(member)
    return client


# --- Public pictures ---------------------------------------------------------------


def test_avatar_uploaded_on_the_profile_page_is_public_in_the_bucket_with_a_year_of_cache(
    bucket, member_client, member
):
    response = member_client.post(reverse("members:profile_edit"), {**PROFILE_FORM, "avatar_upload": image_upload()})

    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    keys = [f"media/{profile.avatar.name}", f"media/{profile.avatar_small.name}"]
    assert bucket.keys("media/avatars/") == sorted(keys)
    assert profile.avatar.url == f"{bucket.endpoint}/{bucket.name}/{keys[0]}"  # no signature: cacheable
    picture = fetch(profile.avatar.url)  # anonymously, as a browser does
    assert (picture.status, picture.body) == (200, bucket.read(keys[0]))
    assert picture.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert picture.headers["content-type"] == "image/jpeg"
    assert profile.avatar.url in member_client.get(reverse("members:profile_edit")).content.decode()


def test_a_replaced_avatar_gets_new_names_and_the_old_objects_are_deleted(
    bucket, member_client, member, django_capture_on_commit_callbacks
):
    member_client.post(reverse("members:profile_edit"), {**PROFILE_FORM, "avatar_upload": image_upload()})
    first = bucket.keys("media/avatars/")

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("members:profile_edit"), {**PROFILE_FORM, "avatar_upload": image_upload()})

    second = bucket.keys("media/avatars/")
    assert len(second) == 2
    assert set(first).isdisjoint(second)  # a cached old picture is never shown for the new one


def test_event_banner_uploaded_in_the_console_is_public_in_the_bucket(bucket, committee_client):
    response = committee_client.post(
        reverse("events:manage_event_create"), {**EVENT_FORM, "banner_upload": image_upload(size=(1200, 500))}
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert bucket.keys("media/banners/") == sorted([f"media/{event.banner.name}", f"media/{event.banner_small.name}"])
    banner = fetch(event.banner.url)
    assert (banner.status, banner.headers["cache-control"]) == (200, "public, max-age=31536000, immutable")


# --- Private materials ----------------------------------------------------------------


def test_material_uploaded_in_the_console_is_stored_under_private_and_unreadable_without_a_signature(
    bucket, committee_client, past_event
):
    content = pdf_bytes("Week 1")

    response = upload_material(committee_client, past_event, kind="slides", name="week1.pdf", content=content)

    assert response.status_code == 302
    material = Material.objects.get()
    key = f"private/{material.file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == content
    assert fetch(f"{bucket.endpoint}/{bucket.name}/{key}").status == 403  # no bucket policy opens private/


def test_member_download_redirects_to_a_presigned_link_that_gives_the_exact_bytes(bucket, slides, paid_member_client):
    response = paid_member_client.get(download_url(slides))

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    link = response["Location"]
    assert link.startswith(f"{bucket.endpoint}/{bucket.name}/private/materials/")
    assert parse_qs(urlsplit(link).query)["X-Amz-Expires"] == ["300"]
    file = fetch(link)
    assert (file.status, file.body) == (200, bucket.read(f"private/{slides.file.name}"))
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"] == DISPOSITION
    assert file.headers["cache-control"] == "private, no-store"


def test_the_web_servers_sendfile_is_for_files_on_disk_only(bucket, slides, paid_member_client, settings):
    settings.SENDFILE_HEADER = "X-Accel-Redirect"

    response = paid_member_client.get(download_url(slides))

    assert response.status_code == 302
    assert "X-Accel-Redirect" not in response
    assert response["Location"].startswith(f"{bucket.endpoint}/{bucket.name}/private/")


@pytest.mark.parametrize("persona", ["visitor", "member without membership", "member of another event"])
def test_a_refused_viewer_gets_no_presigned_link(bucket, past_event, client, persona):
    visibility = Material.Visibility.ATTENDEES if persona == "member of another event" else Material.Visibility.MEMBERS
    material = MaterialFactory(event=past_event, visibility=visibility)
    if persona != "visitor":
        user = UserFactory()
        if persona == "member of another event":
            MembershipFactory(user=user)
        client.force_login(user)

    response = client.get(download_url(material))

    if persona == "visitor":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    assert bucket.name not in response.get("Location", "") + response.content.decode()


def test_the_presigned_link_is_signed_to_expire_after_S3_PRESIGNED_SECONDS(
    bucket, slides, paid_member_client, settings
):
    """moto checks neither the signature nor the expiry of a presigned link (5.2.5 serves
    any URL carrying "Signature=", expired or not; it does refuse unsigned reads of
    private/), so no test here can wait for it to refuse one. What S3 enforces is checked
    where it is made: the link is signed now, for S3_PRESIGNED_SECONDS, and its signature
    holds for that expiry only (a link edited to last longer no longer verifies)."""
    private = settings.STORAGES["private"]  # as S3_PRESIGNED_SECONDS=2 makes it
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "querystring_expire": 2}},
    }
    before = datetime.now(UTC).replace(microsecond=0)

    link = paid_member_client.get(download_url(slides))["Location"]

    query = parse_qs(urlsplit(link).query)
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= signed_at <= datetime.now(UTC)
    assert query["X-Amz-Expires"] == ["2"]
    assert query["X-Amz-SignedHeaders"] == ["host"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert signature_holds(link)
    assert not signature_holds(link.replace("X-Amz-Expires=2", "X-Amz-Expires=3600"))
    assert not signature_holds(link, secret_key="someone-elses-secret")


def test_stream_mode_sends_the_bytes_through_the_app(bucket, slides, paid_member_client, settings):
    settings.PRIVATE_MATERIALS_DELIVERY = "stream"

    response = paid_member_client.get(download_url(slides))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bucket.read(f"private/{slides.file.name}")
    assert response["Content-Disposition"] == DISPOSITION
    assert bucket.name not in str(response.headers)


def test_a_notebook_in_the_bucket_is_rendered_by_the_task(
    bucket, committee_client, past_event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        content = notebook_bytes(title="Gradient descent on S3")
        upload_material(committee_client, past_event, kind="notebook", name="week1.ipynb", content=content)

    material = Material.objects.get()
    assert bucket.keys("private/") == [f"private/{material.file.name}"]
    assert material.rendered_at is not None
    assert "Gradient descent on S3" in material.rendered_html


def test_deleting_a_material_deletes_its_object(bucket, slides, committee_client):
    response = committee_client.post(
        reverse("workshops:manage_material_delete", kwargs={"token": slides.token}), follow=False
    )

    assert response.status_code == 302
    assert bucket.keys("private/") == []


# --- An account's files ------------------------------------------------------------------


def test_deleting_an_account_deletes_its_avatar_objects(bucket, client, member, django_capture_on_commit_callbacks):
    services.set_avatar(profile=ProfileFactory(user=member), renditions={256: b"big", 64: b"small"})
    someone_else = ProfileFactory(user=UserFactory())
    services.set_avatar(profile=someone_else, renditions={256: b"theirs", 64: b"theirs small"})
    theirs = sorted([f"media/{someone_else.avatar.name}", f"media/{someone_else.avatar_small.name}"])
    assert len(bucket.keys("media/avatars/")) == 4
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:delete_account"), {"email": member.email})

    assert response.status_code == 302
    assert bucket.keys("media/avatars/") == theirs


# --- Health --------------------------------------------------------------------------------


def test_health_reports_the_bucket_and_503_once_it_is_gone(bucket, client):
    answered = client.get("/healthz")

    assert (answered.status_code, answered.json()["storage"]["ok"]) == (200, True)
    assert bucket.keys() == []  # the probes were deleted

    bucket.remove()
    gone = client.get("/healthz")

    assert gone.status_code == 503
    assert gone.json()["storage"] == {"ok": False, "error": "NoSuchBucket"}
    assert django_settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


def test_a_server_started_with_the_s3_variables_probes_the_bucket(bucket):
    with gunicorn(env={**bucket.env, "S3_PRESIGNED_SECONDS": "60"}, workers=1) as server:
        status, body = server.get("/healthz")
        assert (status, json.loads(body)["storage"]["ok"]) == (200, True)

        bucket.remove()
        status, body = server.get("/healthz")
        assert (status, json.loads(body)["storage"]) == (503, {"ok": False, "error": "NoSuchBucket"})
