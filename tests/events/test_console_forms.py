"""The console's event and series forms over HTTP, for a committee member without
admin access: every detail of an event from one form, a save over someone else's
is shown back with the person's input, bad pictures and series are refused with a
clear message and change nothing, Publish all lists what it could not publish."""

from datetime import UTC, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events import services
from events.images import render_banner
from events.models import ActionLog, Event, EventSpeaker, Speaker
from members.models import Topic
from tests.event_forms import console_event_data
from tests.factories import EventFactory, SpeakerFactory, TopicFactory, WorkshopSeriesFactory, image_upload
from workshops.models import SeriesSession

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


EVENT_FORM = {
    "title": "Transformers",
    "kind": "workshop",
    "level": "beginner",
    "starts_at": "2026-10-07T18:00",
    "ends_at": "2026-10-07T20:00",
    "venue": "Lab 2.14",
    "waitlist_enabled": "on",
    "reminders_enabled": "on",
}

SERIES_FORM = {
    "title": "ML workshop",
    "kind": "workshop",
    "weekday": "2",
    "start_time": "18:00",
    "minutes": "120",
    "first_day": "2026-10-19",
    "weeks": "2",
    "skip": "",
    "level": "",
}


# The console's form is to the minute: an event made there starts on one.
A_MINUTE_NEXT_WEEK = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("banner.png", b"<script>alert(1)</script>", content_type="image/png")


# --- The event form ---------------------------------------------------------------------


def test_committee_member_without_admin_access_creates_an_event_with_every_detail(committee_client, committee_member):
    known_topic, known_speaker = TopicFactory(name="NLP", slug="nlp"), SpeakerFactory(name="Grace Hopper")
    data = {
        **EVENT_FORM, "topics": [known_topic.pk], "new_topics": "Reinforcement learning, nlp",
        "speakers": [known_speaker.pk], "new_speaker_name": "Alan Turing", "new_speaker_affiliation": "Bletchley",
        "new_speaker_photo": image_upload(name="turing.jpg", image_format="JPEG"),
        "banner_upload": image_upload(size=(1200, 500)), "members_only": "on",
        "what_to_bring": "A laptop", "setup_checklist": "Install Python 3.12",
    }  # fmt: skip

    response = committee_client.post(url("manage_event_create"), data)

    event = Event.objects.get()
    assert committee_member.is_staff is False
    assert response.status_code == 302
    assert (event.level, event.members_only, event.reminders_enabled) == ("beginner", True, True)
    assert (event.what_to_bring, event.setup_checklist) == ("A laptop", "Install Python 3.12")
    assert sorted(event.topics.values_list("slug", flat=True)) == ["nlp", "reinforcement-learning"]
    assert event.banner_small.name.endswith("-600.jpg")
    speakers = EventSpeaker.objects.filter(event=event).order_by("order").values_list("speaker__name", flat=True)
    assert list(speakers) == ["Grace Hopper", "Alan Turing"]
    assert Speaker.objects.get(name="Alan Turing").photo.name.endswith("-256.jpg")


def test_edit_form_shows_the_current_banner_and_offers_only_speakers_not_yet_there(committee_client, committee_member):
    event = EventFactory(title="Transformers")
    services.set_banner(event=event, renditions=render_banner(image_upload(size=(1200, 500))))
    there, other = SpeakerFactory(name="Grace Hopper"), SpeakerFactory(name="Alan Turing")
    EventSpeaker.objects.create(event=event, speaker=there)

    response = committee_client.get(url("manage_event_edit", slug=event.slug))

    assert f'src="{event.banner_small.url}"' in response.content.decode()
    assert list(response.context["form"].fields["speakers"].queryset) == [other]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"banner_upload": "not an image"}, "banner_upload", "Please upload a picture (JPEG, PNG, GIF or WebP)"),
        ({"new_speaker_photo": "not an image"}, "new_speaker_photo", "Please upload a picture (JPEG, PNG, GIF"),
        ({"new_topics": "AI, ???"}, "new_topics", "“???” cannot be a topic name: use letters or digits."),
        ({"new_speaker_affiliation": "Bletchley"}, "new_speaker_name", "Give the new speaker's name"),
    ],
)
def test_event_form_refuses_bad_pictures_and_names_and_creates_nothing(committee_client, changes, field, message):
    if changes.get("banner_upload") == "not an image":
        changes = {**changes, "banner_upload": not_an_image()}
    if changes.get("new_speaker_photo") == "not an image":
        changes = {**changes, "new_speaker_name": "Alan Turing", "new_speaker_photo": not_an_image()}
    data = {**EVENT_FORM, "new_topics": "Robotics", **changes}

    response = committee_client.post(url("manage_event_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert (Event.objects.count(), Topic.objects.count(), Speaker.objects.count()) == (0, 0, 0)


def test_event_form_refuses_a_banner_over_the_size_limit(committee_client, settings):
    settings.EVENT_IMAGE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"\0" * (1024 * 1024 + 1), content_type="image/png")

    response = committee_client.post(url("manage_event_create"), {**EVENT_FORM, "banner_upload": big})

    assert response.context["form"].errors["banner_upload"] == ["That image is too large: the limit is 1 MB."]
    assert Event.objects.count() == 0


def test_second_editor_is_told_the_event_changed_and_keeps_their_input(committee_client, committee_member):
    event = EventFactory(title="Transformers", capacity=30, starts_at=A_MINUTE_NEXT_WEEK)
    drawn = console_event_data(event, title="Attention is all you need", capacity="40")
    theirs = Event.objects.get(pk=event.pk)
    theirs.venue = "Lecture theatre 1"
    services.update_event(event=theirs, changed=["venue"], by=committee_member, tell_registrants=False)
    entries = ActionLog.objects.count()

    response = committee_client.post(url("manage_event_edit", slug=event.slug), drawn)

    event.refresh_from_db()
    assert response.status_code == 200
    assert messages_of(response) == [
        "Someone else saved this event since you opened it: check their changes, then save again."
    ]
    assert (event.title, event.capacity, event.venue) == ("Transformers", 30, "Lecture theatre 1")
    assert ActionLog.objects.count() == entries
    form = response.context["form"]
    assert (form["title"].value(), form["capacity"].value()) == ("Attention is all you need", "40")
    assert form["version"].value() == services.event_version(event)
    assert response.context["saved_now"] == [
        ("Title", "Transformers"),
        ("Room", "Lecture theatre 1"),
        ("Capacity", "30"),
    ]


def test_second_editor_saves_after_looking_again(committee_client, committee_member):
    event = EventFactory(title="Transformers", starts_at=A_MINUTE_NEXT_WEEK)
    drawn = console_event_data(event, title="Attention is all you need")
    theirs = Event.objects.get(pk=event.pk)
    theirs.venue = "Lecture theatre 1"
    services.update_event(event=theirs, changed=["venue"], by=committee_member, tell_registrants=False)
    shown_again = committee_client.post(url("manage_event_edit", slug=event.slug), drawn).context["form"]

    kept = {**shown_again.data.dict(), "venue": "Lecture theatre 1"}  # their room, my title

    response = committee_client.post(url("manage_event_edit", slug=event.slug), kept)

    event.refresh_from_db()
    assert response.status_code == 302
    assert (event.title, event.venue) == ("Attention is all you need", "Lecture theatre 1")


# --- The series form --------------------------------------------------------------------


def test_series_form_creates_drafts_with_every_detail_in_a_workshop_series(committee_client):
    topic = TopicFactory(name="Deep learning", slug="deep-learning")
    workshop_series = WorkshopSeriesFactory(name="Intro to ML", slug="intro-ml")
    data = {
        **SERIES_FORM, "venue": "Lab 2.14", "building": "Computer Science", "capacity": "40", "level": "beginner",
        "summary": "Ten weeks of ML.", "description": "Bring questions.", "what_to_bring": "A laptop",
        "setup_checklist": "Install Python 3.12", "members_only": "on", "topics": [topic.pk],
        "new_topics": "PyTorch", "banner_upload": image_upload(size=(1200, 500)), "link_workshop_series": "intro-ml",
    }  # fmt: skip

    response = committee_client.post(url("manage_series"), data)

    events = list(Event.objects.order_by("starts_at"))
    assert response.status_code == 302
    assert response["Location"] == url("manage_event", slug=events[0].slug)
    assert [(e.building, e.capacity, e.level, e.members_only, e.reminders_enabled) for e in events] == [
        ("Computer Science", 40, "beginner", True, False)
    ] * 2
    assert [sorted(e.topics.values_list("slug", flat=True)) for e in events] == [["deep-learning", "pytorch"]] * 2
    assert all(e.banner.name.endswith("-1200.jpg") for e in events)
    assert list(SeriesSession.objects.filter(series=workshop_series).values_list("event", flat=True)) == [
        e.pk for e in events
    ]
    # 18:00 local on both sides of the clocks going back (Sunday 25 October 2026).
    assert [timezone.localtime(e.starts_at).strftime("%d %H:%M") for e in events] == ["21 18:00", "28 18:00"]
    assert [e.starts_at.astimezone(UTC).hour for e in events] == [17, 18]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weeks": "31"}, "weeks", "A series is at most 30 weeks: create a longer one as two series."),
        ({"banner_upload": "not an image"}, "banner_upload", "Please upload a picture (JPEG, PNG, GIF or WebP)"),
        ({"start_time": "01:30", "weekday": "6"}, "start_time", "01:30 on 25 October 2026 happens twice"),
        ({"new_topics": "!!!"}, "new_topics", "“!!!” cannot be a topic name: use letters or digits."),
        ({"link_workshop_series": "no-such-series"}, "link_workshop_series", "Select a valid choice."),
    ],
)
def test_series_form_refuses_bad_input_clearly_and_creates_nothing(committee_client, changes, field, message):
    if changes.get("banner_upload") == "not an image":
        changes = {"banner_upload": not_an_image()}

    response = committee_client.post(url("manage_series"), {**SERIES_FORM, "new_topics": "Robotics", **changes})

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert (Event.objects.count(), Topic.objects.count()) == (0, 0)


# --- Publish all ------------------------------------------------------------------------


def series_of_three(committee_member, *, first_past: bool) -> list[Event]:
    first_day = timezone.localdate() - timedelta(days=7 if first_past else -7)
    plan = services.SeriesPlan(
        title="ML workshop", kind=Event.Kind.WORKSHOP, first_day=first_day, weekday=first_day.weekday(),
        start=timezone.localtime().time().replace(second=0, microsecond=0), minutes=60, weeks=3, skip=frozenset(),
    )  # fmt: skip
    return services.create_weekly_series(plan=plan, by=committee_member)


def test_publish_all_publishes_the_series_and_lists_the_draft_that_is_over(committee_client, committee_member):
    past, *future = series_of_three(committee_member, first_past=True)

    response = committee_client.post(url("manage_series_publish", slug=future[0].slug), follow=True)

    when = timezone.localtime(past.starts_at).strftime("%-d %b %Y")
    assert messages_of(response) == [
        "Published 2 events of the series.",
        f"Not published ({when}): “ML workshop” is over: a past event cannot be published.",
    ]
    assert [Event.objects.get(pk=e.pk).status for e in (past, *future)] == ["draft", "published", "published"]


def test_event_page_offers_publish_all_for_the_drafts_of_its_series(committee_client, committee_member):
    first, *_ = series_of_three(committee_member, first_past=False)

    page = committee_client.get(url("manage_event", slug=first.slug)).content.decode()

    assert "Publish all 3 drafts of this series" in page
    assert 'action="{}"'.format(url("manage_series_publish", slug=first.slug)) in page


def test_publish_all_is_for_the_committee_only(member_client, committee_member):
    first, *_ = series_of_three(committee_member, first_past=False)

    response = member_client.post(url("manage_series_publish", slug=first.slug))

    assert response.status_code == 403
    assert set(Event.objects.values_list("status", flat=True)) == {"draft"}
