"""The upcoming list: filters by kind and topic, search by words; bad values never break it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [event.title for event in response.context["page"].object_list]


@pytest.fixture
def events():
    now = timezone.now()
    vision = TopicFactory(name="Computer vision", slug="computer-vision")
    nlp = TopicFactory(name="NLP", slug="nlp")
    cnn = EventFactory(title="Convolutions", summary="Images", starts_at=now + timedelta(days=1))
    cnn.topics.add(vision)
    talk = EventFactory(
        title="Language talk", kind=Event.Kind.TALK, description="All about tokens.", starts_at=now + timedelta(days=2)
    )
    talk.topics.add(nlp)
    EventFactory(title="Pizza social", kind=Event.Kind.SOCIAL, starts_at=now + timedelta(days=3))
    return {"vision": vision, "nlp": nlp}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Convolutions", "Language talk", "Pizza social"]),
        ({"kind": "talk"}, ["Language talk"]),
        ({"topic": "computer-vision"}, ["Convolutions"]),
        ({"q": "TOKENS"}, ["Language talk"]),
        ({"q": "language tokens"}, ["Language talk"]),
        ({"q": "language pizza"}, []),
        ({"kind": "workshop", "topic": "nlp"}, []),
    ],
)
def test_event_list_filters_and_searches(client, events, query, expected):
    assert titles(client.get(reverse("events:list"), query)) == expected


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"kind": "rave"}, "There is no such kind of event: showing every kind."),
        ({"topic": "no-such-topic"}, "There is no such topic: showing every topic."),
        ({"topic": "'; DROP TABLE events_event; --"}, "There is no such topic: showing every topic."),
        ({"q": "x" * 500}, "That search is too long: showing events without it."),
    ],
)
def test_event_list_reports_and_ignores_bad_filters(client, events, query, problem):
    response = client.get(reverse("events:list"), {**query, "page": "1"})

    assert response.status_code == 200
    assert response.context["problems"]() == [problem]  # drawn only when not cached
    assert titles(response) == ["Convolutions", "Language talk", "Pizza social"]


def test_bad_filter_keeps_the_good_ones(client, events):
    response = client.get(reverse("events:list"), {"kind": "rave", "topic": "nlp"})

    assert titles(response) == ["Language talk"]


def test_event_list_says_when_nothing_matches(client, events):
    response = client.get(reverse("events:list"), {"q": "quantum"})

    assert "No upcoming events match." in response.content.decode()


def test_event_list_queries_stay_constant_with_filters(client):
    from tests.querycount import assert_constant_queries

    topic = TopicFactory(slug="ml")

    def add(n: int) -> None:
        for event in EventFactory.create_batch(n, starts_at=timezone.now() + timedelta(days=2)):
            event.topics.add(topic)

    count = assert_constant_queries(lambda: client.get(reverse("events:list"), {"topic": "ml", "q": "workshop"}), add)

    assert count == 4  # the topic filter's lookup, count, page, the topics for the form
