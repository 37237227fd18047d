"""The committee's chat webhook (Slack or Discord format), told when an event is
published, changed or cancelled. Posted by a Celery task after the change commits."""

import json
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ConsoleSettings, Event
from .audit import record_action

WEBHOOK_TIMEOUT = 10
WEBHOOK_WORDS = {"published": "New event", "changed": "Event changed", "cancelled": "Event cancelled"}


def notify_webhook_on_commit(event: Event, change: str) -> None:
    """Queue the post once the caller's transaction commits (never for a rolled-back change)."""
    from ..tasks import notify_webhook  # the task module imports the services

    if ConsoleSettings.objects.exclude(webhook_url="").exists():
        transaction.on_commit(lambda: notify_webhook.delay(event.pk, change))


def webhook_text(*, event: Event, change: str) -> str:
    when = timezone.localtime(event.starts_at).strftime("%a %-d %b, %H:%M")
    place = f" · {event.place}" if event.place else ""
    return f"{WEBHOOK_WORDS[change]}: {event.title} · {when}{place}\n{settings.SITE_URL}{event.get_absolute_url()}"


def post_to_webhook(*, event: Event, change: str) -> bool:
    """POST Slack-format JSON ({"text": ...}) to the committee's webhook; False when none is set.
    Network errors are raised for the task to retry."""
    url = ConsoleSettings.load().webhook_url
    if not url.startswith(("https://", "http://")):
        return False
    body = json.dumps({"text": webhook_text(event=event, change=change)}).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only)
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (https, or http in DEBUG)
        response.read()
    return True


def set_webhook_url(*, url: str, by) -> ConsoleSettings:
    """The committee points the webhook elsewhere (or turns it off with an empty URL)."""
    with transaction.atomic():
        console_settings = ConsoleSettings.objects.select_for_update().get(pk=ConsoleSettings.load().pk)
        console_settings.webhook_url = url
        console_settings.save(update_fields=["webhook_url", "updated_at"])
        record_action(actor=by, action="changed settings", detail="webhook " + ("set" if url else "turned off"))
    return console_settings
