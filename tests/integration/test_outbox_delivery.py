"""The outbox with the real parts: PostgreSQL, Redis, Celery worker processes
and an SMTP server. Nothing lost, nothing doubled."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from society import outbox
from society.emails import queue_email
from society.models import EmailKind, OutboundEmail
from society.tasks import deliver_outbox, sweep_outbox
from tests.factories import TEST_PASSWORD, EventFactory, UserFactory
from tests.integration.worker import celery_workers, redis_unreachable, wait_until


def queue_emails(count: int, *, prefix: str = "test") -> list[str]:
    keys = [f"{prefix}:{n}" for n in range(count)]
    with transaction.atomic():
        for key in keys:
            queue_email(
                key=key,
                to=f"{key.replace(':', '-')}@uni.ac.uk",
                template="account/email/unknown_account",
                context={"email": "x@uni.ac.uk", "signup_url": "http://x/"},
                kind=EmailKind.ACCOUNT,
            )
    return keys


def all_sent(count: int) -> bool:
    return OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count() == count


def delivered_once_each(smtp_server, count: int) -> None:
    per_row = Counter(smtp_server.handler.keys())
    assert len(per_row) == count
    assert set(per_row.values()) == {1}, f"sent more than once: {[k for k, n in per_row.items() if n > 1]}"


@pytest.mark.django_db(transaction=True)
def test_redis_down_breaks_no_page_and_the_sweep_delivers_everything_once_after(
    postgres, redis_url, smtp_server, settings, client
):
    member = UserFactory(email="member@uni.ac.uk")
    event = EventFactory()

    with redis_unreachable(settings):
        pages = [client.get(url).status_code for url in ("/", "/events/", event.get_absolute_url(), "/about/")]
        login = client.post(reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD})
        me = client.get(reverse("members:me"))
        registered = client.post(reverse("events:register", kwargs={"slug": event.slug}))
        my_events = client.get(reverse("events:my_events"))
        client.logout()
        signup = client.post(
            reverse("account_signup"),
            {
                "name": "New Student",
                "email": "new@uni.ac.uk",
                "password1": "tensors-and-tea",
                "password2": "tensors-and-tea",
            },
        )
        queue_emails(50)

    assert pages == [200, 200, 200, 200]
    assert (login.status_code, me.status_code, signup.status_code) == (302, 200, 302)
    assert (registered.status_code, my_events.status_code) == (302, 200)
    assert Registration.objects.get(event=event, user=member).status == Registration.Status.CONFIRMED
    # 50 queued directly, the new account's verification, the registration's confirmation.
    assert OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING).count() == 52
    assert smtp_server.messages == []

    with celery_workers(broker_url=redis_url) as (_, [worker]):
        sweep_outbox.delay()
        wait_until(lambda: all_sent(52), message=f"the sweep did not deliver everything:\n{worker.output()}")

    delivered_once_each(smtp_server, 52)
    assert "new@uni.ac.uk" in [m["To"].addresses[0].addr_spec for m in smtp_server.messages]


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_loses_no_email_and_doubles_none(postgres, redis_url, smtp_server):
    smtp_server.handler.hold_after = 10

    with celery_workers(broker_url=redis_url) as (_, [worker]):
        queue_emails(30)  # its commit sends the delivery task to the worker
        wait_until(lambda: smtp_server.handler.held == 1, message="the worker never reached the 11th email")
        worker.kill()
    smtp_server.handler.release.set()

    states = Counter(OutboundEmail.objects.values_list("state", flat=True))
    assert states == {OutboundEmail.State.SENT: 10, OutboundEmail.State.SENDING: 20}

    # Later, past the lease, the periodic sweep of another worker picks them up.
    assert outbox.release_stale_claims(now=timezone.now() + timedelta(seconds=settings_lease() + 1)) == 20
    with celery_workers(broker_url=redis_url):
        sweep_outbox.delay()
        wait_until(lambda: all_sent(30))

    delivered_once_each(smtp_server, 30)


def settings_lease() -> int:
    from django.conf import settings

    return settings.OUTBOX_LEASE_SECONDS


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_one_email_twice(postgres, redis_url, smtp_server):
    smtp_server.handler.hold_after = 5  # both workers end up mid-batch at the same time

    with celery_workers(broker_url=redis_url, count=2, env={"OUTBOX_BATCH_SIZE": "20"}):
        queue_emails(200)  # one delivery task from the commit...
        deliver_outbox.delay()  # ...and one more, for the second worker
        wait_until(lambda: smtp_server.handler.held == 2, message="the two workers were not sending at once")
        smtp_server.handler.release.set()
        wait_until(lambda: all_sent(200))

    delivered_once_each(smtp_server, 200)
