"""iCalendar files: every one parsed with the icalendar library."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event
from tests.factories import CalendarFeedFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def parse(response) -> list:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//society//events//EN")
    return calendar.walk("VEVENT")


def summary(item) -> tuple:
    return (str(item["SUMMARY"]), item.decoded("DTSTART"), item.decoded("DTEND"), str(item["STATUS"]))


def test_event_ics_has_utc_times_a_stable_uid_and_the_event_url(client, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    starts = datetime(2036, 7, 1, 17, 0, tzinfo=UTC)  # 18:00 in London (BST)
    event = EventFactory(title="Summer talk", starts_at=starts, ends_at=starts + timedelta(hours=2), venue="LT1")
    url = reverse("events:event_ics", kwargs={"slug": event.slug})

    first, second = parse(client.get(url)), parse(client.get(url))

    assert [summary(item) for item in first] == [("Summer talk", starts, starts + timedelta(hours=2), "CONFIRMED")]
    assert first[0]["DTSTART"].to_ical() == b"20360701T170000Z"
    assert str(first[0]["UID"]) == str(second[0]["UID"]) == f"event-{event.pk}@society.example.ac.uk"
    assert (str(first[0]["URL"]), str(first[0]["LOCATION"])) == (
        f"https://society.example.ac.uk/events/{event.slug}/",
        "LT1",
    )


def test_event_ics_of_a_draft_is_404_for_non_committee(client):
    event = EventFactory(status=Event.Status.DRAFT)

    assert client.get(reverse("events:event_ics", kwargs={"slug": event.slug})).status_code == 404


def test_public_feed_lists_published_and_cancelled_events_never_drafts(client):
    now = timezone.now()
    EventFactory(title="On", starts_at=now + timedelta(days=2))
    EventFactory(title="Off", starts_at=now + timedelta(days=3), status=Event.Status.CANCELLED)
    EventFactory(title="Secret", starts_at=now + timedelta(days=4), status=Event.Status.DRAFT)
    EventFactory(title="Long ago", starts_at=now - timedelta(days=400))

    items = parse(client.get(reverse("events:calendar_feed")))

    assert [(str(i["SUMMARY"]), str(i["STATUS"])) for i in items] == [("On", "CONFIRMED"), ("Off", "CANCELLED")]


def test_public_feed_holds_everything_upcoming_and_the_last_four_weeks_in_one_query(client, django_assert_num_queries):
    now = timezone.now()
    for weeks in [-5, -3, -1]:
        EventFactory(title=f"{-weeks} weeks ago", starts_at=now + timedelta(weeks=weeks))
    for weeks in [1, 40]:
        EventFactory(title=f"In {weeks} weeks", starts_at=now + timedelta(weeks=weeks))

    with django_assert_num_queries(1):
        items = parse(client.get(reverse("events:calendar_feed")))

    assert [str(item["SUMMARY"]) for item in items] == ["3 weeks ago", "1 weeks ago", "In 1 weeks", "In 40 weeks"]


def test_private_feed_has_the_members_active_registrations_only(client):
    feed = CalendarFeedFactory()
    now = timezone.now()
    mine = RegistrationFactory(user=feed.user, event=EventFactory(title="Mine", starts_at=now + timedelta(days=1)))
    full = EventFactory(title="Queue", capacity=1, starts_at=now + timedelta(days=2))
    RegistrationFactory(event=full)
    services.register(event=full, user=feed.user)
    gone = RegistrationFactory(user=feed.user, event=EventFactory(title="Dropped"))
    services.cancel(registration=gone)
    RegistrationFactory(event=EventFactory(title="Someone else's"))

    items = parse(client.get(reverse("events:my_calendar", kwargs={"token": feed.token})))

    assert [(str(i["SUMMARY"]), str(i["STATUS"])) for i in items] == [("Mine", "CONFIRMED"), ("Queue", "TENTATIVE")]
    assert mine.event.title == "Mine"


def test_private_feed_with_a_wrong_token_is_404(client):
    CalendarFeedFactory()

    assert client.get(reverse("events:my_calendar", kwargs={"token": "guessed-token"})).status_code == 404
