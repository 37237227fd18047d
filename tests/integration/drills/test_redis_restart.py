"""Drill: Redis (cache and broker) stopped and started during traffic. Every page
answers throughout; the emails queued while it was down are all delivered, once
each, after it returns (by the outbox sweep that beat sends every minute)."""

import threading
from collections import Counter

import pytest

from society.models import OutboundEmail
from society.tasks import sweep_outbox
from tests.factories import EventFactory
from tests.integration.servers import gunicorn
from tests.integration.worker import celery_workers, wait_until

from . import DEADLINE
from .people import log_in_members

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

MAX_PAGE_READS = 3000  # a bound: the drill stops the reader long before
Sent = OutboundEmail.State.SENT


class PageReader(threading.Thread):
    """Reads the public pages and a member's own page in turn until stopped."""

    def __init__(self, server, *, paths: list[str], session: str):
        super().__init__()
        self.server, self.paths, self.session = server, paths, session
        self.statuses: Counter = Counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        for n in range(MAX_PAGE_READS):
            if self.stopping.is_set():
                return
            path = self.paths[n % len(self.paths)]
            status, _ = self.server.get(path, headers={"Cookie": f"sessionid={self.session}"})
            self.statuses[(path, status)] += 1

    def stop(self) -> Counter:
        self.stopping.set()
        self.join(timeout=DEADLINE)
        return self.statuses


def test_redis_stopped_and_started_during_traffic_breaks_no_page_and_loses_no_email(postgres, own_redis, smtp_server):
    event = EventFactory()
    [(_, reader_session)] = log_in_members(1, prefix="reader")
    before, during, after = (log_in_members(10, prefix=phase) for phase in ("before", "during", "after"))
    outbox = OutboundEmail.objects.all()
    register = f"/events/{event.slug}/register/"

    with (
        celery_workers(broker_url=own_redis.url, queue="celery") as (_, [worker]),
        gunicorn(env={"REDIS_URL": own_redis.url}) as server,
    ):
        reader = PageReader(
            server, paths=["/", "/events/", f"/events/{event.slug}/", "/me/events/"], session=reader_session
        )
        reader.start()
        try:
            answers = [server.post_as(session, register)[0] for _, session in before]
            wait_until(lambda: outbox.filter(state=Sent).count() == 10, timeout=DEADLINE, message=worker.output())

            own_redis.stop()
            answers += [server.post_as(session, register)[0] for _, session in during]
            reads_while_down = sum(reader.statuses.values())
            wait_until(lambda: sum(reader.statuses.values()) >= reads_while_down + 20, timeout=DEADLINE)
            pending_while_down = outbox.exclude(state=Sent).count()

            own_redis.start()
            answers += [server.post_as(session, register)[0] for _, session in after]

            def all_sent() -> bool:
                sweep_outbox.delay()  # as beat does every minute
                return outbox.filter(state=Sent).count() == 30

            wait_until(all_sent, timeout=DEADLINE, interval=1, message=f"not all delivered:\n{worker.output()}")
        finally:
            pages = reader.stop()

    assert answers == [302] * 30
    assert pending_while_down == 10
    assert {status for (_, status) in pages} == {200}, pages
    assert {path for (path, _) in pages} == {"/", "/events/", f"/events/{event.slug}/", "/me/events/"}
    delivered = Counter(smtp_server.handler.keys())
    assert sorted(delivered) == sorted(str(pk) for pk in outbox.values_list("pk", flat=True))
    assert set(delivered.values()) == {1}
