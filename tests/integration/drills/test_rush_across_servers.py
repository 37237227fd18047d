"""Drill: two gunicorn servers and two Celery workers on one database. A
registration rush across both servers, then a cancellation storm: no event
overbooked, the waiting list served in order, one email per promotion, each
email delivered once."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from events.models import Registration
from society.models import OutboundEmail
from tests.factories import EventFactory
from tests.integration.servers import gunicorn
from tests.integration.worker import celery_workers, wait_until

from . import DEADLINE
from .people import log_in_members

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

SEATS = 20
MEMBERS = 60
CANCEL_CONFIRMED = 10
CANCEL_WAITING = 5

Status = Registration.Status


def all_at_once(calls: list) -> list:
    """Run each call in its own thread, released together; their results in order."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_rush_and_cancellation_storm_across_two_servers_keep_every_invariant(postgres, own_redis, smtp_server):
    event = EventFactory(capacity=SEATS)
    members = log_in_members(MEMBERS)
    env = {"REDIS_URL": own_redis.url}

    with (
        celery_workers(broker_url=own_redis.url, count=2, queue="celery") as (_, workers),
        gunicorn(env=env) as first,
        gunicorn(env=env) as second,
    ):
        servers = [first, second]
        register = f"/events/{event.slug}/register/"
        rush = all_at_once(
            [lambda n=n, key=key: servers[n % 2].post_as(key, register) for n, (_, key) in enumerate(members)]
        )
        arrival = list(Registration.objects.filter(event=event).order_by("created_at", "id"))
        confirmed_before = [r for r in arrival if r.status == Status.CONFIRMED]
        waiting_before = [r for r in arrival if r.status == Status.WAITLISTED]

        cancelled = confirmed_before[:CANCEL_CONFIRMED] + waiting_before[-CANCEL_WAITING:]
        session_of = dict(members)
        storm = all_at_once(
            [
                lambda n=n, r=r: servers[n % 2].post_as(session_of[r.user_id], f"/me/tickets/{r.token}/cancel/")
                for n, r in enumerate(cancelled)
            ]
        )
        outbox = OutboundEmail.objects.all()
        wait_until(
            lambda: outbox.count() == outbox.filter(state=OutboundEmail.State.SENT).count(),
            timeout=DEADLINE,
            message=f"not every email was delivered:\n{workers[0].output()}\n{workers[1].output()}",
        )

    assert [status for status, _ in rush] == [302] * MEMBERS
    assert [status for status, _ in storm] == [302] * len(cancelled)
    assert (len(confirmed_before), len(waiting_before)) == (SEATS, MEMBERS - SEATS)

    # Never overbooked; the freed seats went to the first people waiting, in order.
    still_waiting = [r for r in waiting_before if r not in cancelled]
    promoted_ids = [r.pk for r in still_waiting[:CANCEL_CONFIRMED]]
    now = {r.pk: r for r in Registration.objects.filter(event=event)}
    assert Registration.objects.confirmed().filter(event=event).count() == SEATS
    assert sorted(r.pk for r in now.values() if r.status == Status.CONFIRMED) == sorted(
        [r.pk for r in confirmed_before[CANCEL_CONFIRMED:]] + promoted_ids
    )
    assert list(Registration.objects.waitlisted().filter(event=event).values_list("pk", flat=True)) == [
        r.pk for r in still_waiting[CANCEL_CONFIRMED:]
    ]
    assert {now[r.pk].status for r in cancelled} == {Status.CANCELLED}

    # One email per registration and per promotion, each delivered once.
    keys = Counter(key.split(":")[0] for key in OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {"confirmed": SEATS, "waitlisted": MEMBERS - SEATS, "promoted": CANCEL_CONFIRMED}
    assert sorted(OutboundEmail.objects.filter(key__startswith="promoted:").values_list("key", flat=True)) == sorted(
        f"promoted:{pk}" for pk in promoted_ids
    )
    delivered = Counter(smtp_server.handler.keys())
    assert sorted(delivered) == sorted(str(pk) for pk in OutboundEmail.objects.values_list("pk", flat=True))
    assert set(delivered.values()) == {1}
