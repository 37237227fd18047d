"""The console's event and series rules (events.services): a save made over someone
else's is refused, extras are saved with the event, a weekly series carries every
detail and keeps its local time across the clock change, Publish all publishes
each draft by the one-by-one rule."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone

from events import services
from events.images import render_banner, render_speaker_photo
from events.models import ActionLog, Event, EventSpeaker, Speaker
from members.models import Topic
from members.services import topics_named
from society import hooks
from tests.factories import (
    EventFactory,
    SeriesSessionFactory,
    SpeakerFactory,
    TopicFactory,
    WorkshopSeriesFactory,
    image_upload,
)
from workshops.models import SeriesSession

pytestmark = pytest.mark.django_db


def a_plan(**changes) -> services.SeriesPlan:
    fields = {
        "title": "ML workshop", "kind": Event.Kind.WORKSHOP, "first_day": date(2026, 10, 19), "weekday": 2,
        "start": time(18, 0), "minutes": 120, "weeks": 2, "skip": frozenset(),
    }  # fmt: skip
    return services.SeriesPlan(**{**fields, **changes})


# --- Two people editing one event -------------------------------------------------------


def test_update_event_refuses_a_version_saved_over_and_changes_nothing(committee_member):
    event = EventFactory(title="Transformers")
    version_when_drawn = services.event_version(event)
    theirs = Event.objects.get(pk=event.pk)
    theirs.title = "Transformers, part 1"
    services.update_event(event=theirs, changed=["title"], by=committee_member, tell_registrants=False)
    entries = ActionLog.objects.count()
    mine = Event.objects.get(pk=event.pk)
    mine.title = "Attention is all you need"

    with pytest.raises(services.RegistrationError) as refusal:
        services.update_event(
            event=mine, changed=["title"], by=committee_member, tell_registrants=False,
            expected_version=version_when_drawn,
        )  # fmt: skip

    assert str(refusal.value) == services.VERSION_CONFLICT
    assert Event.objects.get(pk=event.pk).title == "Transformers, part 1"
    assert ActionLog.objects.count() == entries


def test_update_event_with_the_current_version_saves(committee_member):
    event = EventFactory(title="Transformers")
    event.title = "Transformers, part 1"

    services.update_event(
        event=event, changed=["title"], by=committee_member, tell_registrants=False,
        expected_version=services.event_version(Event.objects.get(pk=event.pk)),
    )  # fmt: skip

    assert Event.objects.get(pk=event.pk).title == "Transformers, part 1"


# --- Extras -----------------------------------------------------------------------------


def test_create_event_saves_new_topics_banner_and_speakers_with_it(committee_member):
    TopicFactory(name="NLP", slug="nlp")
    known = SpeakerFactory(name="Grace Hopper")
    extras = services.EventExtras(
        new_topic_names=["nlp", "Reinforcement learning"],
        banner=render_banner(image_upload(size=(1200, 500))),
        speakers=[known],
        new_speaker=Speaker(name="Alan Turing", affiliation="Bletchley Park"),
        new_speaker_photo=render_speaker_photo(image_upload()),
    )
    event = EventFactory.build(slug="", status=Event.Status.DRAFT)

    services.create_event(event=event, by=committee_member, extras=extras)

    event.refresh_from_db()
    assert sorted(event.topics.values_list("slug", flat=True)) == ["nlp", "reinforcement-learning"]
    assert Topic.objects.count() == 2
    assert (event.banner.name.endswith("-1200.jpg"), event.banner_small.name.endswith("-600.jpg")) == (True, True)
    links = EventSpeaker.objects.filter(event=event).select_related("speaker").order_by("order")
    assert [(link.speaker.name, link.invite_status) for link in links] == [
        ("Grace Hopper", EventSpeaker.InviteStatus.INVITED),
        ("Alan Turing", EventSpeaker.InviteStatus.INVITED),
    ]
    assert Speaker.objects.get(name="Alan Turing").photo.name.endswith("-256.jpg")


def test_topics_named_finds_a_topic_by_its_name_whatever_its_slug():
    nlp = TopicFactory(name="NLP", slug="natural-language-processing")

    topics = topics_named(["nlp", "Natural language processing", "Robotics"])

    assert [topic.slug for topic in topics] == [nlp.slug, nlp.slug, "robotics"]
    assert Topic.objects.count() == 2


# --- Weekly series ----------------------------------------------------------------------


def test_weekly_series_gives_every_draft_every_detail_and_one_series_key(committee_member):
    topic = TopicFactory(name="Deep learning", slug="deep-learning")
    plan = a_plan(
        venue="Lab 2.14", building="Computer Science", capacity=40, summary="Ten weeks of ML.",
        description="**Bring** questions.", what_to_bring="A laptop", setup_checklist="Install Python 3.12",
        reminders_enabled=False, level=Event.Level.BEGINNER, members_only=True, topics=(topic,),
        new_topic_names=("PyTorch",),
    )  # fmt: skip

    events = services.create_weekly_series(
        plan=plan, by=committee_member, banner=render_banner(image_upload(size=(1200, 500)))
    )

    details = {
        (e.venue, e.building, e.capacity, e.summary, e.description, e.what_to_bring, e.setup_checklist,
         e.reminders_enabled, e.level, e.members_only, e.status)
        for e in events
    }  # fmt: skip
    assert details == {
        ("Lab 2.14", "Computer Science", 40, "Ten weeks of ML.", "**Bring** questions.", "A laptop",
         "Install Python 3.12", False, Event.Level.BEGINNER, True, Event.Status.DRAFT)
    }  # fmt: skip
    assert [sorted(e.topics.values_list("slug", flat=True)) for e in events] == [["deep-learning", "pytorch"]] * 2
    assert len({e.series_key for e in events}) == 1
    assert len(events[0].series_key) == 16
    assert len({e.banner.name for e in events}) == 2  # a file each: deleting one leaves the other


def test_weekly_series_across_the_last_sunday_of_october_stays_at_six_local(committee_member):
    # The clocks go back on Sunday 25 October 2026: Wednesdays the 21st and the 28th.
    events = services.create_weekly_series(plan=a_plan(), by=committee_member)

    assert [timezone.localtime(e.starts_at).strftime("%a %d %b %H:%M") for e in events] == [
        "Wed 21 Oct 18:00",
        "Wed 28 Oct 18:00",
    ]
    assert [e.starts_at.astimezone(UTC).hour for e in events] == [17, 18]


def test_weekly_series_longer_than_the_limit_is_refused_and_nothing_is_created(committee_member):
    with pytest.raises(services.RegistrationError) as refusal:
        services.create_weekly_series(plan=a_plan(weeks=31), by=committee_member)

    assert str(refusal.value) == "A series is at most 30 weeks: create a longer one as two series."
    assert Event.objects.count() == 0


def test_weekly_series_joins_a_workshop_series_through_the_hook_after_its_sessions(committee_member):
    workshop_series = WorkshopSeriesFactory(slug="intro-ml")
    SeriesSessionFactory(series=workshop_series, order=0)
    link = hooks.contributions(hooks.SERIES_LINKS)["workshop_series"]

    events = services.create_weekly_series(plan=a_plan(), by=committee_member, links=[(link, "intro-ml")])

    sessions = SeriesSession.objects.filter(series=workshop_series).order_by("order")
    assert [(s.order, s.event_id) for s in sessions][1:] == [(1, events[0].pk), (2, events[1].pk)]


def test_weekly_series_joining_a_vanished_workshop_series_creates_nothing(committee_member):
    link = hooks.contributions(hooks.SERIES_LINKS)["workshop_series"]

    with pytest.raises(services.RegistrationError, match="no longer exists"):
        services.create_weekly_series(plan=a_plan(), by=committee_member, links=[(link, "gone")])

    assert Event.objects.count() == 0


# --- Publish all ------------------------------------------------------------------------


def test_publish_series_publishes_each_draft_and_reports_the_past_one(committee_member):
    now = datetime(2026, 10, 28, 10, 0, tzinfo=UTC)  # Wednesday the 21st is over; the 28th and 4 November to come
    past, *future = services.create_weekly_series(plan=a_plan(weeks=3), by=committee_member)
    other_series = services.create_weekly_series(plan=a_plan(title="Other", weeks=1), by=committee_member)

    result = services.publish_series(event=future[0], by=committee_member, now=now)

    assert [e.pk for e in result.published] == [e.pk for e in future]
    assert result.refused == [(past, "“ML workshop” is over: a past event cannot be published.")]
    statuses = dict(Event.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in (past, *future, *other_series)] == ["draft", "published", "published", "draft"]
    assert ActionLog.objects.filter(action="published").count() == 2


def test_publish_series_of_an_event_made_alone_publishes_nothing(committee_member):
    event = EventFactory(status=Event.Status.DRAFT)

    result = services.publish_series(event=event, by=committee_member)

    assert (result.published, result.refused) == ([], [])
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT
