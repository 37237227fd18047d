"""The beat schedule's reminder task, run by a real worker on Redis, delivers over SMTP."""

import json
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

import events.tasks  # noqa: F401 (registers the tasks by name, as the worker does)
from society.celery import app as celery_app
from society.models import OutboundEmail
from society.tasks import sweep_outbox
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.integration.worker import celery_workers, wait_until
from tests.smtp import text_body


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_task_run_by_a_worker_delivers_the_24_hour_reminder(postgres, redis_url, smtp_server):
    now = timezone.now()
    event = EventFactory(
        title="Diffusion models", starts_at=now + timedelta(hours=23), ends_at=now + timedelta(hours=25)
    )
    RegistrationFactory(event=event, user=UserFactory(email="ana@uni.ac.uk"), confirmed_at=now - timedelta(hours=2))
    # What the data migration made (again: an earlier transactional test flushed the tables).
    import_module("events.migrations.0005_reminder_schedules").schedule(django_apps, None)
    entry = PeriodicTask.objects.get(name="Events: send due reminders and follow-ups")

    with celery_workers(broker_url=redis_url) as (_, [worker]):
        # What beat does when the entry is due: send the task by name with its arguments.
        celery_app.tasks[entry.task].apply_async(args=json.loads(entry.args), kwargs=json.loads(entry.kwargs))
        wait_until(lambda: OutboundEmail.objects.exists(), message=f"nothing was queued:\n{worker.output()}")
        # The worker's own delivery request goes to Celery's default queue, which
        # this test's worker does not consume: the outbox sweep (beat, every minute) delivers.
        sweep_outbox.delay()
        wait_until(
            lambda: OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).exists(),
            message=f"no reminder was delivered:\n{worker.output()}",
        )

    [message] = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == "ana@uni.ac.uk"
    assert message["Subject"].startswith("Reminder: Diffusion models, ")
    assert "/cant-come/" in text_body(message)
