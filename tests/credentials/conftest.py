from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, EventHost, EventRating
from tests.factories import (
    EventFactory,
    EventHostFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    UserFactory,
    WorkshopSeriesFactory,
)


def past_event(*, title: str, days_ago: int, **fields) -> Event:
    start = timezone.now() - timedelta(days=days_ago)
    return EventFactory(title=title, starts_at=start, ends_at=start + timedelta(hours=2), **fields)


def led_session(host, *, title="Transformers from scratch", days_ago=10, attendees=6, ratings=(5, 4, 5, 4, 5)) -> Event:
    """A session `host` led, `attendees` checked in, the first of them rating it `ratings`."""
    event = past_event(title=title, days_ago=days_ago)
    EventHostFactory(event=event, user=host, role=EventHost.Role.PROPOSER)
    for index in range(attendees):
        registration = RegistrationFactory(event=event, checked_in_at=event.starts_at)
        if index < len(ratings):
            EventRating.objects.create(registration=registration, score=ratings[index])
    RegistrationFactory(event=event)  # registered, never came
    return event


def series_attended(member, *, name="Intro to Machine Learning", sessions=5, attended=4, days_ago=30):
    """A series that is over, of which `member` attended the first `attended` sessions."""
    series = WorkshopSeriesFactory(name=name)
    for index in range(sessions):
        event = past_event(title=f"{name}, week {index + 1}", days_ago=days_ago + 7 * (sessions - index))
        SeriesSessionFactory(series=series, event=event, order=index)
        if index < attended:
            RegistrationFactory(event=event, user=member, checked_in_at=event.starts_at)
    return series


@pytest.fixture
def host(member):
    member.name = "Ada Lovelace"
    member.save()
    return member


@pytest.fixture
def other_key_member(db):
    return UserFactory()
