"""The events admin: banners checked and re-encoded, capacity through the service, actions."""

import csv
import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events import services
from events.models import Event, Registration, Speaker
from society.models import OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, SpeakerFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db

# EXIF with a GPS block, as phones write: must not survive re-encoding.
EXIF_WITH_GPS = Image.Exif()
EXIF_WITH_GPS[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
EXIF_WITH_GPS[0x010F] = "PhoneMaker"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def form_data(event: Event, **changes) -> dict:
    local = {name: timezone.localtime(getattr(event, name)) for name in ("starts_at", "ends_at")}
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "level": event.level,
        "summary": event.summary,
        "description": event.description,
        "starts_at_0": local["starts_at"].strftime("%Y-%m-%d"),
        "starts_at_1": local["starts_at"].strftime("%H:%M:%S"),
        "ends_at_0": local["ends_at"].strftime("%Y-%m-%d"),
        "ends_at_1": local["ends_at"].strftime("%H:%M:%S"),
        "venue": event.venue,
        "capacity": "" if event.capacity is None else event.capacity,
        "waitlist_enabled": "on",
        "event_speakers-TOTAL_FORMS": "0",
        "event_speakers-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_banner_is_reencoded_resized_and_stripped_of_exif(admin_client):
    event = EventFactory()
    upload = image_upload(size=(3000, 2000), image_format="JPEG", name="banner.jpg", exif=EXIF_WITH_GPS.tobytes())

    response = admin_client.post(change_url(event), form_data(event, banner_upload=upload))

    assert response.status_code == 302
    event.refresh_from_db()
    sizes = []
    for field in (event.banner, event.banner_small):
        with Image.open(field.path) as image:
            sizes.append((image.format, image.size, dict(image.getexif())))
    assert sizes == [("JPEG", (1200, 500), {}), ("JPEG", (600, 250), {})]


def bomb() -> SimpleUploadedFile:
    """A tiny PNG that decodes to 100 megapixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    return SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")


def noise() -> SimpleUploadedFile:
    """A PNG of random pixels, about 1.9 MB: it does not compress."""
    out = io.BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(out, format="PNG")
    return SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("banner.png", b"<?php echo 'hi'; ?>", content_type="image/png"),
            "Please upload a picture (JPEG, PNG, GIF or WebP) of at most 50 megapixels.",
        ),
        (bomb, "Please upload a picture (JPEG, PNG, GIF or WebP) of at most 50 megapixels."),
        (noise, "That image is too large: the limit is 1 MB."),
    ],
    ids=["not an image", "decompression bomb", "too large"],
)
def test_bad_banner_is_refused_with_a_message_and_changes_nothing(admin_client, settings, upload, message):
    settings.EVENT_IMAGE_MAX_BYTES = 1024 * 1024
    event = EventFactory(title="Unchanged")

    response = admin_client.post(change_url(event), form_data(event, title="Changed", banner_upload=upload()))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["banner_upload"] == [message]
    event.refresh_from_db()
    assert (event.title, event.banner.name) == ("Unchanged", "")


def test_raising_capacity_in_the_admin_promotes_people_waiting(admin_client):
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    waiting, _ = services.register(event=event, user=UserFactory())

    admin_client.post(change_url(event), form_data(event, capacity="2"))

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert OutboundEmail.objects.filter(key=f"promoted:{waiting.pk}").count() == 1


def test_capacity_below_seats_taken_is_refused_in_the_admin(admin_client):
    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)

    response = admin_client.post(change_url(event), form_data(event, capacity="1"))

    assert response.context["adminform"].form.errors["capacity"] == [
        "2 people already hold a seat: the capacity cannot be lower."
    ]


def test_export_registrations_is_a_formula_safe_csv(admin_client):
    event = EventFactory(title="=HYPERLINK(1)")
    RegistrationFactory(event=event, user=UserFactory(name="@evil", email="e@uni.ac.uk"))

    response = admin_client.post(
        reverse("admin:events_event_changelist"), {"action": "export_registrations", "_selected_action": [event.pk]}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "event",
        "starts",
        "name",
        "email",
        "status",
        "registered",
        "confirmed",
        "cancelled",
        "checked in",
    ]
    assert rows[1][:5] == [
        "'=HYPERLINK(1)",
        timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
        "'@evil",
        "e@uni.ac.uk",
        "Confirmed",
    ]


def test_promote_action_calls_the_service(admin_client):
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    waiting, _ = services.register(event=event, user=UserFactory())
    Event.objects.filter(pk=event.pk).update(capacity=2)  # as if raised outside the service

    admin_client.post(
        reverse("admin:events_event_changelist"), {"action": "promote_waitlist", "_selected_action": [event.pk]}
    )

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/?kind__exact=talk&status__exact=published",
        "/admin/events/event/?q=neural",
        f"/admin/events/event/?starts_at__year={timezone.now().year}",
        "/admin/events/registration/?status__exact=waitlisted&checked_in=yes",
        "/admin/events/speaker/?q=ada",
        "/admin/events/calendarfeed/",
        "/admin/events/eventspeaker/",
        "/admin/events/registration/add/",
        "/admin/events/event/add/",
    ],
)
def test_admin_pages_answer(admin_client, url):
    RegistrationFactory()

    assert admin_client.get(url).status_code == 200


def test_admin_event_page_shows_speakers_and_registrations_inline(admin_client):
    event = EventFactory()
    RegistrationFactory(event=event, user=UserFactory(name="Inline Person"))

    text = admin_client.get(change_url(event)).content.decode()

    assert "Inline Person" in text
    assert "Event speakers" in text


def test_admin_autocompletes_speakers_and_members(admin_client):
    SpeakerFactory(name="Grace Hopper")
    UserFactory(name="Alan Turing", email="alan@uni.ac.uk")

    speakers = admin_client.get(
        "/admin/autocomplete/",
        {"term": "grace", "app_label": "events", "model_name": "eventspeaker", "field_name": "speaker"},
    ).json()
    members = admin_client.get(
        "/admin/autocomplete/",
        {"term": "alan", "app_label": "events", "model_name": "registration", "field_name": "user"},
    ).json()

    assert [r["text"] for r in speakers["results"]] == ["Grace Hopper (University of Somewhere)"]
    assert [r["text"] for r in members["results"]] == ["Alan Turing"]


def test_adding_a_registration_in_the_admin_goes_through_the_rules(admin_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    person = UserFactory()

    admin_client.post(reverse("admin:events_registration_add"), {"event": event.pk, "user": person.pk})

    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == Registration.Status.WAITLISTED
    assert OutboundEmail.objects.filter(key=f"waitlisted:{registration.pk}").exists()


def test_adding_a_registration_for_a_cancelled_event_is_refused(admin_client):
    event = EventFactory(status=Event.Status.CANCELLED)

    response = admin_client.post(
        reverse("admin:events_registration_add"), {"event": event.pk, "user": UserFactory().pk}
    )

    assert response.context["adminform"].form.non_field_errors() == ["This event has been cancelled."]
    assert Registration.objects.count() == 0


def test_speaker_photo_is_reencoded_square(admin_client):
    response = admin_client.post(
        reverse("admin:events_speaker_add"),
        {"name": "Ada", "photo_upload": image_upload(size=(800, 600), image_format="PNG")},
    )

    assert response.status_code == 302
    with Image.open(Speaker.objects.get(name="Ada").photo.path) as photo:
        assert (photo.format, photo.size) == ("JPEG", (256, 256))


def test_event_starting_before_now_can_still_be_edited(admin_client):
    event = EventFactory(starts_at=timezone.now() - timedelta(days=3))

    response = admin_client.post(change_url(event), form_data(event, summary="Thanks for coming"))

    assert response.status_code == 302
