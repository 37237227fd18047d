"""Celery tasks of events: thin, safe to run twice or at once (the outbox keys
make every email once). The reminder and digest tasks are periodic (celery beat,
see the migrations); the webhook is sent on commit by the services."""

import urllib.error

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import followups, reminders, services
from .models import Event


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_due_reminders_and_follow_ups() -> int:
    """Every few minutes: queue the reminders and follow-ups that are due."""
    now = timezone.now()
    return reminders.queue_due_reminders(now=now) + followups.queue_due_follow_ups(now=now)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_weekly_digest() -> int:
    """Monday morning in the society's time zone: the week's events."""
    return followups.queue_weekly_digest(now=timezone.now())


@shared_task(
    bind=True,
    autoretry_for=(urllib.error.URLError, TimeoutError, ConnectionError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def notify_webhook(self, event_id: int, change: str) -> bool:
    """Tell the committee's webhook that an event was published, changed or cancelled.
    Running twice posts twice: a repeated chat message is harmless."""
    event = Event.objects.filter(pk=event_id).first()
    return bool(event) and services.post_to_webhook(event=event, change=change)
