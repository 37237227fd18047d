"""Invariants under real concurrency, on PostgreSQL: many threads, each with its own
database connection, outside any test transaction.

Arrival order is the order in which the event's row lock is obtained: a
registration's id and created_at are both taken while holding it, so ordering
by either must give the same sequence, and the first `capacity` of it hold the
seats.
"""

import itertools
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events import services
from events.models import Registration
from society.models import OutboundEmail
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = Registration.Status
# Fewer threads than PostgreSQL's 100 connections, shared with the other test workers.
THREADS = 24


def run_concurrently(action, items) -> list:
    """Run `action(item)` for every item on THREADS threads, all started at once; return the errors."""
    go = threading.Event()
    errors = []

    def worker(item):
        go.wait(timeout=30)
        try:
            action(item)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(worker, item) for item in items]
        go.set()
        for future in futures:
            future.result()
    return errors


def test_registration_rush_fills_exactly_the_seats_and_queues_the_rest_in_arrival_order(postgres):
    event = EventFactory(capacity=40)
    people = UserFactory.create_batch(150)

    errors = run_concurrently(lambda person: services.register(event=event, user=person), people)

    assert errors == []
    registrations = list(Registration.objects.filter(event=event).order_by("created_at", "id"))
    assert [r.pk for r in registrations] == sorted(r.pk for r in registrations)
    assert all(a.created_at < b.created_at for a, b in itertools.pairwise(registrations))
    assert Counter(r.status for r in registrations) == {Status.CONFIRMED: 40, Status.WAITLISTED: 110}
    assert [r.status for r in registrations] == [Status.CONFIRMED] * 40 + [Status.WAITLISTED] * 110
    waiting = registrations[40:]
    assert [services.waitlist_position(r) for r in waiting] == list(range(1, 111))
    assert len({r.user_id for r in registrations}) == 150


def test_concurrent_cancellations_refill_every_seat_in_order_and_tell_each_person_once(postgres):
    event = EventFactory(capacity=40)
    holders = [services.register(event=event, user=u)[0] for u in UserFactory.create_batch(40)]
    waiting = [services.register(event=event, user=u)[0] for u in UserFactory.create_batch(40)]

    errors = run_concurrently(lambda registration: services.cancel(registration=registration), holders)

    assert errors == []
    assert Registration.objects.confirmed().filter(event=event).count() == 40
    promoted = list(Registration.objects.filter(pk__in=[r.pk for r in waiting]).order_by("updated_at", "id"))
    assert [r.status for r in promoted] == [Status.CONFIRMED] * 40
    # Promoted in the order they joined the queue.
    assert [r.pk for r in promoted] == [r.pk for r in waiting]
    keys = list(OutboundEmail.objects.filter(key__startswith="promoted:").values_list("key", flat=True))
    assert sorted(keys) == sorted(f"promoted:{r.pk}" for r in waiting)


def test_concurrent_double_submit_registers_once(postgres):
    event = EventFactory(capacity=10)
    person = UserFactory()

    errors = run_concurrently(lambda _: services.register(event=event, user=person), list(range(8)))

    assert errors == []
    assert Registration.objects.filter(event=event, user=person).count() == 1
    assert OutboundEmail.objects.filter(key__startswith="confirmed:").count() == 1
