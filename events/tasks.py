"""Celery tasks of events: thin, safe to run twice or at once (the outbox keys
make every email once). The reminder and digest tasks are periodic (celery beat,
see the migrations); the webhook is sent on commit by the services."""

import http.client
import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import followups, reminders, services
from .models import Event

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_due_reminders_and_follow_ups() -> int:
    """Every few minutes: queue the reminders and follow-ups that are due."""
    now = timezone.now()
    return reminders.queue_due_reminders(now=now) + followups.queue_due_follow_ups(now=now)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_weekly_digest() -> int:
    """Monday morning in the society's time zone: the week's events."""
    return followups.queue_weekly_digest(now=timezone.now())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_fair_seats() -> int:
    """Every minute: draw the lotteries whose requests have closed, and give the strikes of
    the no-show-policy events whose attendance is final (each once, however often it runs)."""
    from .services import lottery, strikes

    now = timezone.now()
    return lottery.draw_due_lotteries(now=now) + strikes.give_due_strikes(now=now)


@shared_task(
    bind=True,
    # 429 and 5xx answers, timeouts, DNS and TLS failures, broken answers: try again later.
    autoretry_for=(services.WebhookUnavailable, OSError, http.client.HTTPException),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def notify_webhook(self, event_id: int, change: str) -> bool:
    """Tell the committee's webhook that an event was published, changed or cancelled.
    Running twice posts twice: a repeated chat message is harmless. A refused address,
    a redirect or a 4xx answer is dropped and logged: trying again would change nothing."""
    event = Event.objects.filter(pk=event_id).first()
    if not event:
        return False
    try:
        return services.post_to_webhook(event=event, change=change)
    except services.WebhookRefused as refusal:
        logger.warning("Webhook post about event %s (%s) dropped: %s", event_id, change, refusal)
        return False
