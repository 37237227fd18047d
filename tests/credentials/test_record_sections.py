"""The record's new sections: sessions led (attendance, and the rating from five ratings on)
and workshop series completed (at SERIES_COMPLETED_SHARE)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventHost
from events.record import sessions_led
from members import services as member_services
from tests.factories import EventHostFactory, RegistrationFactory, SeriesSessionFactory, TopicFactory
from tests.querycount import assert_constant_queries
from workshops.completion import completed_series
from workshops.record import series_completed

from .conftest import led_session, past_event, series_attended

RECORD = reverse("members:record")


@pytest.mark.django_db
def test_sessions_led_show_attendance_and_the_average_rating_from_five_ratings(host):
    led_session(host, title="Transformers from scratch", attendees=6, ratings=(5, 4, 5, 4, 5))
    led_session(host, title="Diffusion models", days_ago=20, attendees=3, ratings=(5, 5, 1, 1))

    section = sessions_led(host)

    assert [(entry.title, entry.detail) for entry in section.entries] == [
        ("Transformers from scratch", "6 attended · rated 4.6 out of 5 by 5"),
        ("Diffusion models", "3 attended"),
    ]


@pytest.mark.django_db
def test_sessions_led_leave_out_those_to_come_drafts_and_cancelled_ones(host):
    for fields in ({"days_ago": -3}, {"days_ago": 5, "status": "draft"}, {"days_ago": 5, "status": "cancelled"}):
        EventHostFactory(event=past_event(title="Not led yet", **fields), user=host)

    assert sessions_led(host).entries == []


@pytest.mark.django_db
def test_a_series_counts_as_completed_at_the_set_share(member, settings):
    settings.SERIES_COMPLETED_SHARE = 80
    series_attended(member, name="Four of five", sessions=5, attended=4)
    series_attended(member, name="Three of five", sessions=5, attended=3)

    assert [entry.title for entry in series_completed(member).entries] == ["Four of five"]
    assert series_completed(member).entries[0].detail == "attended 4 of 5 sessions"

    settings.SERIES_COMPLETED_SHARE = 100

    assert series_completed(member).entries == []


@pytest.mark.django_db
def test_a_series_with_sessions_to_come_is_not_completed_yet(member):
    series = series_attended(member, name="Still running", sessions=3, attended=3)
    upcoming = past_event(title="Still running, week 4", days_ago=-7)
    SeriesSessionFactory(series=series, event=upcoming, order=9)

    assert completed_series(member) == []


@pytest.mark.django_db
def test_cancelled_sessions_do_not_count_against_completion(member):
    series = series_attended(member, name="One cancelled", sessions=4, attended=4)
    SeriesSessionFactory(series=series, event=past_event(title="Snowed in", days_ago=3, status="cancelled"), order=9)

    assert [(c.series.name, c.attended, c.sessions) for c in completed_series(member)] == [("One cancelled", 4, 4)]


@pytest.mark.django_db
def test_the_record_page_shows_sessions_led_and_series_completed(member_client, host):
    led_session(host, title="Transformers from scratch")
    series_attended(host, name="Intro to Machine Learning")

    page = member_client.get(RECORD).content.decode()

    assert "Sessions led" in page
    assert "6 attended · rated 4.6 out of 5 by 5" in page
    assert "Workshop series completed" in page
    assert "Intro to Machine Learning" in page
    assert page.index("Sessions led") < page.index("Workshops, talks and events attended")


@pytest.mark.django_db
def test_the_record_with_sessions_led_and_series_costs_constant_queries(client, host):
    record = member_services.share_record(user=host, public=True)
    topic = TopicFactory(name="Vision")

    def lead_and_complete(n: int) -> None:
        for i in range(n):
            event = led_session(host, title=f"Session {i}", days_ago=i + 2, attendees=1, ratings=())
            event.topics.add(topic)
            series_attended(host, name=f"Series {i}", sessions=1, attended=1)

    # record + user, profile; sessions led: counted, listed, their topics; attended events:
    # counted, listed, their topics; series completed, study groups joined; roles
    assert assert_constant_queries(lambda: client.get(record.get_absolute_url()), lead_and_complete, large=30) == 11


@pytest.mark.django_db
def test_a_host_named_for_an_event_that_is_over_has_it_on_their_record(host):
    event = past_event(title="Named host", days_ago=1)
    EventHostFactory(event=event, user=host, role=EventHost.Role.NAMED)
    RegistrationFactory(event=event, checked_in_at=timezone.now() - timedelta(days=1))

    assert [entry.detail for entry in sessions_led(host).entries] == ["1 attended"]
