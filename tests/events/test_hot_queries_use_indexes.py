"""The console's home and the figures, the pages that count over every registration,
read through indexes: PostgreSQL's plan for each of their queries, with sequential
scans priced out of reach, has none (a missing index would leave one anyway)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import EventFactory, RegistrationFactory

# The tables a page's time grows with.
LARGE_TABLES = [
    "events_event", "events_registration", "events_firstattendance", "members_user", "members_membership",
]  # fmt: skip


def plans_of(fetch) -> list[tuple[str, str]]:
    """(query, plan) for every query `fetch()` makes."""
    with CaptureQueriesContext(connection) as captured:
        assert fetch().status_code == 200
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


@pytest.fixture
def some_events(db):
    now = timezone.now()
    for days in [-40, -20, -3, 2, 9]:
        event = EventFactory(starts_at=now + timedelta(days=days))
        for _ in range(3):
            RegistrationFactory(event=event, checked_in_at=event.starts_at if days < 0 else None)


@pytest.mark.parametrize("name", ["events:manage", "events:manage_figures"])
def test_the_hot_pages_read_the_large_tables_through_indexes(committee_client, some_events, name):
    plans = plans_of(lambda: committee_client.get(reverse(name)))

    seq_scans = [
        (query, plan)
        for query, plan in plans
        for table in LARGE_TABLES
        if f"Seq Scan on {table} " in plan or plan.endswith(f"Seq Scan on {table}")
    ]
    assert seq_scans == []
    assert any("events_registration" in query for query, _ in plans)


def test_the_console_home_finds_its_events_by_their_end(committee_client, some_events):
    plans = plans_of(lambda: committee_client.get(reverse("events:manage")))

    assert any("event_ends_at" in plan for _, plan in plans)


@pytest.mark.parametrize("term", ["autumn", "year"])
def test_the_figures_count_people_from_the_periods_attendees_not_their_whole_history(
    committee_client, some_events, term
):
    """First-timers and returners come from each person's kept first attendance (by its
    key), and the period's registrations are found by event: no query reads a person's
    registrations by person, which would walk everyone's whole history."""
    url = f"{reverse('events:manage_figures')}?term={term}"
    plans = plans_of(lambda: committee_client.get(url))

    people = [plan for query, plan in plans if '"events_firstattendance"' in query]
    assert len(people) == 2  # this period's and the same a year before
    for plan in people:
        assert "events_firstattendance_pkey" in plan
        # The period's attendees: by event (the partial index of attended registrations leads with it).
        assert any(index in plan for index in ("registration_attended", "events_registration_event_id"))
    assert not any("registration_by_user" in plan for _, plan in plans)
