"""Drill: the SMTP server refuses every email for a while (421, try later). The
workers retry with growing delays, and once it accepts again every email is
delivered, once."""

from collections import Counter

import pytest
from django.db.models import Min

from events import services
from society.models import OutboundEmail
from society.tasks import sweep_outbox
from tests.factories import EventFactory, UserFactory
from tests.integration.worker import celery_workers, wait_until

from . import DEADLINE

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

MEMBERS = 20
REFUSAL = "421 4.3.2 Service not available, try again later"
Sent = OutboundEmail.State.SENT


def test_emails_refused_for_a_while_are_retried_and_delivered_once_when_accepted(postgres, own_redis, smtp_server):
    event = EventFactory()
    outbox = OutboundEmail.objects.all()
    smtp_server.handler.always_reply = REFUSAL
    quick_retries = {"OUTBOX_RETRY_BASE_SECONDS": "1", "OUTBOX_MAX_ATTEMPTS": "20"}

    def swept(condition):
        def check() -> bool:
            sweep_outbox.delay()  # as beat does every minute
            return condition()

        return check

    with celery_workers(broker_url=own_redis.url, count=2, queue="celery", env=quick_retries) as (_, workers):
        for n in range(MEMBERS):  # each registration queues its email and asks the workers to send it
            services.register(event=event, user=UserFactory(email=f"student{n}@uni.ac.uk"))
        logs = lambda: "\n".join(worker.output() for worker in workers)  # noqa: E731
        wait_until(
            swept(lambda: outbox.aggregate(least=Min("attempts"))["least"] >= 2),
            timeout=DEADLINE, interval=0.5, message=f"the emails were not retried:\n{logs()}",
        )  # fmt: skip
        refused = (len(smtp_server.messages), outbox.filter(state__in=[Sent, OutboundEmail.State.FAILED]).count())
        errors = set(outbox.values_list("last_error", flat=True))

        smtp_server.handler.always_reply = None
        wait_until(
            swept(lambda: outbox.filter(state=Sent).count() == MEMBERS),
            timeout=DEADLINE, interval=0.5, message=f"not all delivered:\n{logs()}",
        )  # fmt: skip

    assert refused == (0, 0)  # refused for now, none given up
    assert all("421" in error for error in errors), errors
    assert outbox.filter(attempts__lt=3).count() == 0  # two refusals at least, then accepted
    assert set(outbox.values_list("last_error", flat=True)) == {""}
    delivered = Counter(smtp_server.handler.keys())
    assert sorted(delivered) == sorted(str(pk) for pk in outbox.values_list("pk", flat=True))
    assert set(delivered.values()) == {1}
