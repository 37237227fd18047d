"""The events admin: banners checked and re-encoded; status, time and place read-only;
publishing, cancelling, capacity and registrations through the services; actions."""

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
from events.models import ActionLog, ConsoleSettings, Event, Registration, Speaker
from society.models import OutboundEmail
from tests.event_forms import admin_event_data
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SpeakerFactory,
    TopicFactory,
    UserFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db

# EXIF with a GPS block, as phones write: must not survive re-encoding.
EXIF_WITH_GPS = Image.Exif()
EXIF_WITH_GPS[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
EXIF_WITH_GPS[0x010F] = "PhoneMaker"


def change_url(event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def test_banner_is_reencoded_resized_and_stripped_of_exif(admin_client):
    event = EventFactory()
    upload = image_upload(size=(3000, 2000), image_format="JPEG", name="banner.jpg", exif=EXIF_WITH_GPS.tobytes())

    response = admin_client.post(change_url(event), admin_event_data(event, banner_upload=upload))

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
            "Please upload a picture (JPEG, PNG, GIF or WebP) of at most 16 megapixels.",
        ),
        (bomb, "That image has too many pixels: the limit is 16 megapixels (4000 by 4000)."),
        (noise, "That image is too large: the limit is 1 MB."),
    ],
    ids=["not an image", "decompression bomb", "too large"],
)
def test_bad_banner_is_refused_with_a_message_and_changes_nothing(admin_client, settings, upload, message):
    settings.EVENT_IMAGE_MAX_BYTES = 1024 * 1024
    event = EventFactory(title="Unchanged")

    response = admin_client.post(change_url(event), admin_event_data(event, title="Changed", banner_upload=upload()))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["banner_upload"] == [message]
    event.refresh_from_db()
    assert (event.title, event.banner.name) == ("Unchanged", "")


def test_raising_capacity_in_the_admin_promotes_people_waiting(admin_client):
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    waiting, _ = services.register(event=event, user=UserFactory())

    admin_client.post(change_url(event), admin_event_data(event, capacity="2"))

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert OutboundEmail.objects.filter(key=f"promoted:{waiting.pk}").count() == 1


def test_capacity_below_seats_taken_is_refused_in_the_admin(admin_client):
    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)

    response = admin_client.post(change_url(event), admin_event_data(event, capacity="1"))

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

    response = admin_client.post(change_url(event), admin_event_data(event, summary="Thanks for coming"))

    assert response.status_code == 302


# --- Status, time and place go through the services -------------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, action: str, rows, model: str = "event", **data):
    url = reverse(f"admin:events_{model}_changelist")
    return client.post(url, {"action": action, "_selected_action": [row.pk for row in rows], **data}, follow=True)


def test_event_change_form_shows_status_time_and_place_read_only_with_a_link_to_the_console(admin_client):
    event = EventFactory()

    response = admin_client.get(change_url(event))

    form = response.context["adminform"].form
    assert set(form.fields) & {"status", *services.TIME_AND_PLACE} == set()
    assert f'href="{reverse("events:manage_event_edit", kwargs={"slug": event.slug})}"' in response.content.decode()


def test_status_time_and_place_posted_to_the_admin_change_nothing(admin_client):
    event = EventFactory(venue="Lab 2.14")
    before = (event.status, event.starts_at, event.ends_at, event.venue)
    sneaky = {"status": "cancelled", "venue": "Elsewhere", "starts_at_0": "2030-01-01", "starts_at_1": "10:00:00"}

    response = admin_client.post(change_url(event), admin_event_data(event, **sneaky))

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.starts_at, event.ends_at, event.venue) == before
    assert OutboundEmail.objects.count() == 0


def test_adding_an_event_in_the_admin_makes_a_draft_through_the_service(admin_client, admin_user):
    topic = TopicFactory()
    data = {
        "title": "New talk",
        "slug": "new-talk",
        "kind": Event.Kind.TALK,
        "status": "published",  # not on the form: a new event is a draft
        "topics": [topic.pk],
        "starts_at_0": "2030-10-07",
        "starts_at_1": "18:00:00",
        "ends_at_0": "2030-10-07",
        "ends_at_1": "20:00:00",
        "venue": "Lab 2.14",
        "event_speakers-TOTAL_FORMS": "0",
        "event_speakers-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.slug, event.status, list(event.topics.all())) == ("new-talk", Event.Status.DRAFT, [topic])
    assert list(ActionLog.objects.values_list("action", "actor", "event")) == [("created", admin_user.pk, event.pk)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: EventFactory(status=Event.Status.DRAFT, starts_at=timezone.now() - timedelta(days=3)),
            "“{}” is over: a past event cannot be published.",
        ),
        (
            lambda: EventFactory(status=Event.Status.CANCELLED),
            "“{}” is cancelled: it cannot be published again. Duplicate it instead.",
        ),
    ],
    ids=["past", "cancelled"],
)
def test_publish_action_refuses_a_past_or_cancelled_event_and_changes_nothing(admin_client, make, message):
    event = make()

    response = run_action(admin_client, "publish_events", [event])

    assert response.status_code == 200
    assert messages_of(response) == [message.format(event.title)]
    assert Event.objects.get(pk=event.pk).status == event.status
    assert ActionLog.objects.count() == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: EventFactory(status=Event.Status.DRAFT),
            "“{}” is a draft that nobody has seen: there is nothing to cancel.",
        ),
        (
            lambda: EventFactory(starts_at=timezone.now() - timedelta(days=3)),
            "“{}” is over: a past event cannot be cancelled.",
        ),
    ],
    ids=["draft", "past"],
)
def test_cancel_action_refuses_a_draft_or_past_event_and_changes_nothing(admin_client, make, message):
    event = make()
    RegistrationFactory(event=event)

    response = run_action(admin_client, "cancel_events", [event], post="yes", message="Sorry, cancelled.", confirm="on")

    assert response.status_code == 200
    assert messages_of(response) == [message.format(event.title)]
    assert Event.objects.get(pk=event.pk).status == event.status
    assert (ActionLog.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_cancel_action_asks_for_a_message_before_cancelling(admin_client):
    event = EventFactory()
    RegistrationFactory(event=event)

    asked = run_action(admin_client, "cancel_events", [event])
    no_message = run_action(admin_client, "cancel_events", [event], post="yes", confirm="on")

    assert [r.templates[0].name for r in (asked, no_message)] == ["admin/confirm_action.html"] * 2
    assert no_message.context["form"].errors == {"message": ["This field is required."]}
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    assert OutboundEmail.objects.count() == 0


def test_only_a_draft_can_be_deleted_in_the_admin(admin_client):
    published, draft = EventFactory(), EventFactory(status=Event.Status.DRAFT)

    refused = admin_client.get(reverse("admin:events_event_delete", args=[published.pk]))
    admin_client.post(reverse("admin:events_event_delete", args=[draft.pk]), {"post": "yes"})

    assert refused.status_code == 403
    assert list(Event.objects.all()) == [published]


# --- Deleting a registration cancels it ----------------------------------------------


def test_deleting_a_registration_in_the_admin_asks_first_and_says_what_will_happen(admin_client):
    registration = RegistrationFactory()

    response = admin_client.get(reverse("admin:events_registration_delete", args=[registration.pk]))

    assert response.status_code == 200
    assert "Deleting a registration cancels it: the row stays as history" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize(
    ("checked_in", "reason"),
    [
        (
            True,
            "Mo Member was checked in at this event, so the place cannot be cancelled. "
            "If that was a mistake, the committee undoes the check-in first.",
        ),
        (False, "The event has started: it is too late to cancel."),
    ],
    ids=["checked in", "event started"],
)
def test_deleting_a_registration_the_rules_keep_is_refused_and_changes_nothing(
    admin_client, member, checked_in, reason
):
    event = EventFactory(underway=True, title="Transformers", capacity=1)
    registration = RegistrationFactory(event=event, user=member, checked_in_at=timezone.now() if checked_in else None)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED, confirmed_at=None)

    response = admin_client.post(
        reverse("admin:events_registration_delete", args=[registration.pk]), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert messages_of(response) == [f"Not cancelled: Mo Member at “Transformers”. {reason}"]
    assert sorted(Registration.objects.values_list("pk", "status")) == [
        (registration.pk, Registration.Status.CONFIRMED),
        (waiting.pk, Registration.Status.WAITLISTED),
    ]
    assert (ActionLog.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_cancel_registrations_action_cancels_the_others_and_names_the_refused(admin_client, member):
    came = RegistrationFactory(event=EventFactory(underway=True, title="Started"), user=member)
    came.checked_in_at = timezone.now()
    came.save()
    later = RegistrationFactory()

    asked = run_action(admin_client, "cancel_registrations", [came, later], model="registration")
    done = run_action(admin_client, "cancel_registrations", [came, later], model="registration", post="yes")

    assert asked.templates[0].name == "admin/confirm_action.html"
    assert sorted(messages_of(done)) == [
        "1 registration(s) cancelled (kept as history); 0 promoted from the waiting list and emailed.",
        "Not cancelled: Mo Member at “Started”. Mo Member was checked in at this event, so the place cannot be "
        "cancelled. If that was a mistake, the committee undoes the check-in first.",
    ]
    assert sorted(Registration.objects.values_list("pk", "status")) == [
        (came.pk, Registration.Status.CONFIRMED),
        (later.pk, Registration.Status.CANCELLED),
    ]


# --- The console's settings --------------------------------------------------------


def test_webhook_in_the_admin_must_be_https_and_cannot_be_deleted(admin_client):
    ConsoleSettings.load()

    response = admin_client.post(
        reverse("admin:events_consolesettings_change", args=[1]), {"webhook_url": "http://hooks.example.com/x"}
    )
    delete = admin_client.get(reverse("admin:events_consolesettings_delete", args=[1]))

    assert response.context["adminform"].form.errors["webhook_url"] == ["The webhook must be an https:// address."]
    assert delete.status_code == 403
    assert (ConsoleSettings.load().webhook_url, ActionLog.objects.count()) == ("", 0)


def test_saving_a_speaker_in_the_admin_is_logged_as_in_the_console(admin_client, admin_user):
    speaker = SpeakerFactory(name="Dr Ada Vision")
    url = reverse("admin:events_speaker_change", args=[speaker.pk])

    admin_client.post(url, {"name": "Dr Ada Vision", "affiliation": "Vision Lab", "bio": ""})

    speaker.refresh_from_db()
    entry = ActionLog.objects.get(action="saved speaker")
    assert (speaker.affiliation, entry.actor, entry.detail) == ("Vision Lab", admin_user, "Dr Ada Vision")
