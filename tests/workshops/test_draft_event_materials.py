"""Materials of a draft event are the committee's until the event is published
(issue #13, item 7): not in search, not served, not even known to others (404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import EventFactory, MaterialFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_event(db):
    start = timezone.now() + timedelta(days=7)
    return EventFactory(
        status=Event.Status.DRAFT, title="Secret launch", starts_at=start, ends_at=start + timedelta(hours=2)
    )


@pytest.fixture
def materials(draft_event):
    """A public file and a public notebook of the draft event."""
    return [
        MaterialFactory(event=draft_event, kind="slides", visibility="public", title="Attention slides"),
        MaterialFactory(event=draft_event, kind="notebook", visibility="public", title="Attention notebook"),
    ]


def log_in(client, persona: str) -> None:
    if persona == "member":
        user = UserFactory()
        MembershipFactory(user=user)
        client.force_login(user)
    elif persona == "committee":
        client.force_login(UserFactory(committee=True))


def found_by_search(client) -> list[str]:
    response = client.get(reverse("workshops:search"), {"q": "attention"})
    return [material.title for material in response.context["results"]["materials"]]


@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_draft_event_materials_are_not_found_by_search(client, materials, persona):
    log_in(client, persona)

    assert found_by_search(client) == []
    assert "Attention" not in client.get(reverse("workshops:search"), {"q": "attention"}).content.decode()


@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_draft_event_materials_are_not_served(client, materials, persona):
    slides, notebook = materials
    log_in(client, persona)

    statuses = [
        client.get(slides.download_url).status_code,
        client.get(notebook.download_url).status_code,
        client.get(notebook.notebook_url).status_code,
        client.get(notebook.notebook_url + "frame/").status_code,
    ]

    assert statuses == [404, 404, 404, 404]


def test_the_committee_sees_draft_event_materials(client, materials):
    slides, notebook = materials
    log_in(client, "committee")

    assert sorted(found_by_search(client)) == ["Attention notebook", "Attention slides"]
    assert [client.get(slides.download_url).status_code, client.get(notebook.notebook_url).status_code] == [200, 200]


def test_publishing_the_event_releases_its_materials(client, materials, draft_event):
    slides, _ = materials
    services.publish_event(event=draft_event, by=UserFactory(committee=True))

    assert sorted(found_by_search(client)) == ["Attention notebook", "Attention slides"]
    assert client.get(slides.download_url).status_code == 200
