"""Workshop series in the console: create, edit, sessions in order, retire."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import ActionLog, Event
from tests.factories import EventFactory, SeriesSessionFactory, WorkshopSeriesFactory
from tests.querycount import assert_constant_queries
from workshops import services
from workshops.models import SeriesSession, WorkshopSeries

pytestmark = pytest.mark.django_db


def session_titles(series: WorkshopSeries) -> list[str]:
    return list(
        SeriesSession.objects.filter(series=series).order_by("order", "id").values_list("event__title", flat=True)
    )


def test_new_series_gets_a_slug_from_its_name_and_is_logged(committee_client, committee_member):
    response = committee_client.post(
        reverse("workshops:manage_series_new"),
        {"name": "Deep Learning, spring 2027", "level": "intermediate", "prerequisites": "Python", "description": ""},
    )

    series = WorkshopSeries.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/manage/workshops/deep-learning-spring-2027/"
    assert (series.name, series.slug, series.level) == (
        "Deep Learning, spring 2027",
        "deep-learning-spring-2027",
        "intermediate",
    )
    assert list(ActionLog.objects.values_list("actor", "action", "detail")) == [
        (committee_member.pk, "created series", "Deep Learning, spring 2027")
    ]


def test_series_named_new_does_not_take_the_new_page():
    series = services.save_series(series=WorkshopSeries(name="New"), by=None)

    assert series.slug == "new-2"


def test_editing_a_series_keeps_its_slug(committee_client):
    series = WorkshopSeriesFactory(name="Old name", slug="old-name")

    response = committee_client.post(
        reverse("workshops:manage_series", kwargs={"slug": "old-name"}),
        {"name": "New name", "level": "", "prerequisites": "", "description": "Ten weeks."},
    )

    series.refresh_from_db()
    assert response.status_code == 302
    assert (series.name, series.slug, series.description) == ("New name", "old-name", "Ten weeks.")


def test_add_session_puts_the_event_last_and_offers_only_events_not_in_the_series(committee_client):
    series = WorkshopSeriesFactory()
    SeriesSessionFactory(series=series, event=EventFactory(title="Week 1"))
    week_2 = EventFactory(title="Week 2")
    EventFactory(title="Long ago", starts_at=timezone.now() - timedelta(days=200))
    EventFactory(title="Called off", status=Event.Status.CANCELLED)
    url = reverse("workshops:manage_series", kwargs={"slug": series.slug})

    offered = [e.title for e in committee_client.get(url).context["add_form"].fields["event"].queryset]
    committee_client.post(
        reverse("workshops:manage_series_add_session", kwargs={"slug": series.slug}), {"event": week_2.slug}
    )

    assert offered == ["Week 2"]
    assert session_titles(series) == ["Week 1", "Week 2"]


def test_add_session_twice_is_refused():
    session = SeriesSessionFactory()

    with pytest.raises(services.WorkshopError, match="is already in this series"):
        services.add_session(series=session.series, event=session.event, by=None)


def test_move_session_up_and_down_swaps_neighbours(committee_client):
    series = WorkshopSeriesFactory()
    for title in ("A", "B", "C"):
        SeriesSessionFactory(series=series, event=EventFactory(title=title, slug=title.lower()))

    def move(event_slug, direction):
        url = reverse("workshops:manage_series_move_session", kwargs={"slug": series.slug, "event_slug": event_slug})
        return committee_client.post(url, {"direction": direction})

    move("c", "up")
    assert session_titles(series) == ["A", "C", "B"]
    move("a", "down")
    assert session_titles(series) == ["C", "A", "B"]
    move("c", "up")  # already first
    assert session_titles(series) == ["C", "A", "B"]
    assert list(SeriesSession.objects.filter(series=series).order_by("order").values_list("order", flat=True)) == [
        0,
        1,
        2,
    ]


def test_move_a_session_of_another_series_is_404(committee_client):
    series, other = WorkshopSeriesFactory(), SeriesSessionFactory()
    url = reverse("workshops:manage_series_move_session", kwargs={"slug": series.slug, "event_slug": other.event.slug})

    assert committee_client.post(url, {"direction": "up"}).status_code == 404


def test_remove_session_keeps_the_event(committee_client):
    session = SeriesSessionFactory(event=EventFactory(title="Week 1", slug="week-1"))
    url = reverse(
        "workshops:manage_series_remove_session", kwargs={"slug": session.series.slug, "event_slug": "week-1"}
    )

    committee_client.post(url)

    assert session_titles(session.series) == []
    assert Event.objects.filter(slug="week-1").exists()


def test_retired_series_is_listed_apart_and_takes_no_new_sessions(committee_client):
    series = WorkshopSeriesFactory(name="Autumn 2025")
    WorkshopSeriesFactory(name="Spring 2027")

    committee_client.post(reverse("workshops:manage_series_retire", kwargs={"slug": series.slug}), {"retired": "1"})
    listing = committee_client.get(reverse("workshops:manage_workshops"))
    page = committee_client.get(reverse("workshops:manage_series", kwargs={"slug": series.slug}))

    series.refresh_from_db()
    assert series.retired_at is not None
    assert [s.name for s in listing.context["series_list"]] == ["Spring 2027"]
    assert [s.name for s in listing.context["retired_list"]] == ["Autumn 2025"]
    assert page.context["add_form"] is None
    with pytest.raises(services.WorkshopError, match="“Autumn 2025” is retired"):
        services.add_session(series=series, event=EventFactory(), by=None)


def test_retired_series_can_be_made_current_again(committee_client):
    series = WorkshopSeriesFactory(retired_at=timezone.now())

    committee_client.post(reverse("workshops:manage_series_retire", kwargs={"slug": series.slug}), {"retired": "0"})

    series.refresh_from_db()
    assert series.retired_at is None


def test_console_series_list_costs_constant_queries(committee_client):
    def add_series(n):
        for _ in range(n):
            SeriesSessionFactory()

    assert_constant_queries(lambda: committee_client.get(reverse("workshops:manage_workshops")), add_series)


def test_console_series_page_costs_constant_queries(committee_client):
    series = WorkshopSeriesFactory()

    def add_sessions(n):
        for _ in range(n):
            SeriesSessionFactory(series=series)

    url = reverse("workshops:manage_series", kwargs={"slug": series.slug})
    assert_constant_queries(lambda: committee_client.get(url), add_sessions)
