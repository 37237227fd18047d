from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory
from tests.querycount import assert_constant_queries


@pytest.mark.django_db
def test_home_shows_a_friendly_empty_state_without_events(client):
    response = client.get(reverse("events:home"))

    assert response.status_code == 200
    assert "Nothing on the calendar just yet." in response.content.decode()


@pytest.mark.django_db
def test_home_shows_the_next_four_published_events_in_order(client):
    now = timezone.now()
    for days in (9, 2, 5, 1, 7):
        EventFactory(title=f"In {days} days", starts_at=now + timedelta(days=days))
    EventFactory(title="Secret draft", starts_at=now + timedelta(hours=1), status=Event.Status.DRAFT)
    EventFactory(title="Already over", starts_at=now - timedelta(days=3))

    response = client.get(reverse("events:home"))

    assert [e.title for e in response.context["upcoming"]] == ["In 1 days", "In 2 days", "In 5 days", "In 7 days"]
    assert "Secret draft" not in response.content.decode()


@pytest.mark.django_db
def test_past_events_list_newest_first(client):
    now = timezone.now()
    EventFactory(title="Last month", starts_at=now - timedelta(days=30))
    EventFactory(title="Last week", starts_at=now - timedelta(days=7))
    EventFactory(title="Next week", starts_at=now + timedelta(days=7))

    response = client.get(reverse("events:past"))

    assert [e.title for e in response.context["page"].object_list] == ["Last week", "Last month"]


@pytest.mark.django_db
def test_draft_event_is_404_for_members_and_visible_to_the_committee(client, member, committee_member):
    draft = EventFactory(status=Event.Status.DRAFT)
    url = reverse("events:detail", kwargs={"slug": draft.slug})

    as_visitor = client.get(url)
    client.force_login(member)
    as_member = client.get(url)
    client.force_login(committee_member)
    as_committee = client.get(url)

    assert (as_visitor.status_code, as_member.status_code, as_committee.status_code) == (404, 404, 200)
    assert "Draft: only the committee sees this" in as_committee.content.decode()


@pytest.mark.django_db
def test_unknown_event_is_404(client):
    assert client.get(reverse("events:detail", kwargs={"slug": "no-such-event"})).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["2", "999", "abc", "-1"])
def test_event_list_tolerates_any_page_parameter(client, page):
    EventFactory.create_batch(3)

    response = client.get(reverse("events:list"), {"page": page})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "queries"),
    # The upcoming list also reads the topics for its filter.
    [("events:home", 1), ("events:list", 3), ("events:past", 2)],
)
def test_event_lists_cost_constant_queries(client, url_name, queries):
    def add_events(n: int) -> None:
        now = timezone.now()
        EventFactory.create_batch(n, starts_at=now + timedelta(days=3))
        EventFactory.create_batch(n, starts_at=now - timedelta(days=3))

    assert assert_constant_queries(lambda: client.get(reverse(url_name)), add_events) == queries


@pytest.mark.django_db
def test_committee_console_lists_drafts_with_constant_queries(committee_client):
    count = assert_constant_queries(
        lambda: committee_client.get(reverse("events:manage")),
        lambda n: EventFactory.create_batch(n, status=Event.Status.DRAFT),
    )

    assert count == 4  # session, user, committee check, events
