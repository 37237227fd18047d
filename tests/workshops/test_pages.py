import tracemalloc
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from events.followups import event_materials_url
from tests.factories import (
    EventFactory,
    MaterialFactory,
    MembershipFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    WorkshopSeriesFactory,
)
from tests.querycount import assert_constant_queries
from workshops.models import Material


@pytest.mark.django_db
def test_series_list_puts_current_series_first(client):
    now = timezone.now()
    old = SeriesSessionFactory(event=EventFactory(starts_at=now - timedelta(days=90))).series
    current = SeriesSessionFactory(event=EventFactory(starts_at=now + timedelta(days=2))).series
    text = client.get(reverse("workshops:list")).content.decode()
    assert text.index(current.name) < text.index(old.name)


@pytest.mark.django_db
def test_series_page_shows_progress_and_materials_to_catch_up(member_client, member):
    MembershipFactory(user=member)
    start = timezone.now() - timedelta(days=14)
    series = WorkshopSeriesFactory()
    came = SeriesSessionFactory(series=series, event=EventFactory(starts_at=start, title="Week one"))
    missed = SeriesSessionFactory(
        series=series, event=EventFactory(starts_at=start + timedelta(days=7), title="Week two")
    )
    RegistrationFactory(event=came.event, user=member, checked_in_at=start)
    MaterialFactory(event=missed.event, title="Week two slides")

    text = member_client.get(series.get_absolute_url()).content.decode()

    assert "You attended 1 of 2 sessions so far." in text
    assert 'To catch up: <a href="#session-' in text
    assert "Week two slides" in text


@pytest.mark.django_db
def test_series_page_with_12_sessions_and_60_materials_costs_constant_queries(member_client, member):
    MembershipFactory(user=member)
    series = WorkshopSeriesFactory()

    def add_sessions(n: int) -> None:
        for _ in range(n):
            session = SeriesSessionFactory(series=series)
            for kind in ("slides", "link", "link", "link", "link"):
                MaterialFactory(event=session.event, kind=kind)

    queries = assert_constant_queries(
        lambda: member_client.get(series.get_absolute_url()), add_sessions, small=2, large=12
    )
    assert Material.objects.count() == 60
    assert queries <= 10


@pytest.mark.django_db
def test_series_list_costs_constant_queries(client):
    def add_series(n: int) -> None:
        for _ in range(n):
            SeriesSessionFactory()

    assert_constant_queries(lambda: client.get(reverse("workshops:list")), add_series, small=2, large=20)


@pytest.mark.django_db
def test_a_20_mb_file_downloads_with_flat_memory(client):
    material = MaterialFactory(
        kind="file", visibility="public", file=ContentFile(b"x" * (20 * 1024 * 1024), name="data.zip")
    )
    response = client.get(material.download_url)
    tracemalloc.start()
    total = sum(len(chunk) for chunk in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == 20 * 1024 * 1024
    assert peak < 2 * 1024 * 1024
    assert response["Content-Type"] == "application/zip"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "message"), [("", "This field is required."), ("a", "at least two letters"), ("x" * 500, "at most 100")]
)
def test_search_with_bad_query_says_why(client, q, message):
    response = client.get(reverse("workshops:search"), {"q": q})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_search_finds_workshops_series_and_visible_materials(client):
    series = WorkshopSeriesFactory(name="Deep learning basics", description="Neural networks from scratch")
    event = EventFactory(title="Convolutional networks", description="Images and networks")
    MaterialFactory(event=event, kind="link", visibility="public", title="Networks cheat sheet")
    MaterialFactory(event=event, kind="link", visibility="members", title="Networks secret notes")

    text = client.get(reverse("workshops:search"), {"q": "networks"}).content.decode()

    assert series.name in text
    assert "Convolutional networks" in text
    assert "Networks cheat sheet" in text
    assert "Networks secret notes" not in text


@pytest.mark.django_db
def test_follow_up_email_links_to_the_event_materials(settings):
    event = EventFactory()
    assert event_materials_url(event) == f"{settings.SITE_URL}/events/{event.slug}/materials/"


@pytest.mark.django_db
def test_colab_link_for_a_github_notebook():
    material = MaterialFactory(kind="link", url="https://github.com/owner/repo/blob/main/nb/intro.ipynb")
    assert material.colab_url == "https://colab.research.google.com/github/owner/repo/blob/main/nb/intro.ipynb"
    assert MaterialFactory(kind="link", url="https://github.com/owner/repo").colab_url == ""


@pytest.mark.django_db
def test_series_list_puts_a_retired_series_after_the_current_ones(client):
    now = timezone.now()
    retired = SeriesSessionFactory(
        series=WorkshopSeriesFactory(retired_at=now), event=EventFactory(starts_at=now + timedelta(days=1))
    ).series
    current = SeriesSessionFactory(event=EventFactory(starts_at=now + timedelta(days=2))).series

    text = client.get(reverse("workshops:list")).content.decode()

    assert text.index(current.name) < text.index(retired.name)
