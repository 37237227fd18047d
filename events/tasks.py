import urllib.error

from celery import shared_task

from . import console
from .models import Event


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
    return bool(event) and console.post_to_webhook(event=event, change=change)
