"""Celery tasks of events: thin, safe to run twice or at once (the outbox keys
make every email once). Both are periodic (celery beat, see the migrations)."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import followups, reminders


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_due_reminders_and_follow_ups() -> int:
    """Every few minutes: queue the reminders and follow-ups that are due."""
    now = timezone.now()
    return reminders.queue_due_reminders(now=now) + followups.queue_due_follow_ups(now=now)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_weekly_digest() -> int:
    """Monday morning in the society's time zone: the week's events."""
    return followups.queue_weekly_digest(now=timezone.now())
