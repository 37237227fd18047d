"""Reminders before an event: who is due one, now, and queuing it through the outbox.

The rules (each has tests in tests/events/test_reminders.py):

- Confirmed registrants of a published event with reminders on get one email per
  offset in REMINDER_OFFSETS_HOURS (default 24 and 1), from the moment
  `starts_at - offset` (24 real hours: computed in UTC) until the event starts.
  Late runs (downtime) still send what is due; nothing is sent once it has started.
- No stale reminders: a registration confirmed after a reminder's moment never
  gets that reminder. And when a later reminder is due too (a long downtime),
  only the later one is sent; all reminders carry the same facts and links.
- One outbox key per registration and reminder, so running twice, or twice at
  once, queues each email once. They are queued BATCH at a time: one query for
  the opt-outs and one INSERT per batch (society.emails.queue_emails). Offsets of a day or more are keyed by the local
  date of the start: when an event moves within its day the reminder is not
  repeated, when it moves to another day it is. Shorter ones are keyed by the
  start itself, so they follow every move.
- Finding what is due costs `len(REMINDER_OFFSETS_HOURS) + 1` queries, whatever
  the number of events (indexes on Event status + starts_at).
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from society.emails import Email, queue_emails
from society.models import EmailKind, OutboundEmail

from . import links
from .models import Event, Registration
from .services import registration_email_context

# Emails queued per transaction: one delivery task each, and short transactions.
BATCH = 200


def in_batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def reminder_key(registration: Registration, hours: int) -> str:
    starts_at = registration.event.starts_at
    moment = timezone.localdate(starts_at).isoformat() if hours >= 24 else starts_at.astimezone(UTC).isoformat()
    return f"reminder-{hours}h:{registration.pk}:{moment}"


def due_reminders(*, now: datetime) -> list[tuple[Registration, int]]:
    """(registration, offset in hours) for every reminder due at `now`, sent or not."""
    offsets = sorted(settings.REMINDER_OFFSETS_HOURS, reverse=True)
    due = []
    for index, hours in enumerate(offsets):
        # Until the next (shorter) reminder is due, or the start for the last one.
        next_hours = offsets[index + 1] if index + 1 < len(offsets) else 0
        registrations = (
            Registration.objects.confirmed()
            .filter(
                event__status=Event.Status.PUBLISHED,
                event__reminders_enabled=True,
                event__starts_at__gt=now + timedelta(hours=next_hours),
                event__starts_at__lte=now + timedelta(hours=hours),
                confirmed_at__lte=F("event__starts_at") - timedelta(hours=hours),
                user__is_active=True,
            )
            .exclude(user__email_opt_outs__kind=EmailKind.REMINDER)
            .select_related("event", "user")
            .order_by("event__starts_at", "id")
        )
        due += [(registration, hours) for registration in registrations]
    return due


def queue_due_reminders(*, now: datetime | None = None) -> int:
    """Queue every due reminder not queued before. Returns how many were queued."""
    now = now or timezone.now()
    due = {reminder_key(registration, hours): (registration, hours) for registration, hours in due_reminders(now=now)}
    done = set(OutboundEmail.objects.filter(key__in=list(due)).values_list("key", flat=True))
    queued = 0
    for chunk in in_batches([(key, *due[key]) for key in due if key not in done]):
        with transaction.atomic():
            queued += queue_emails(
                (reminder_email(registration=registration, hours=hours, key=key) for key, registration, hours in chunk),
                now=now,
            )
    return queued


def reminder_email(*, registration: Registration, hours: int, key: str) -> Email:
    event = registration.event
    return Email(
        key=key,
        to=registration.user.email,
        template="emails/event_reminder",
        context={
            **registration_email_context(registration),
            "hours": hours,
            "checklist": event.checklist_steps,
            "cant_come_url": links.registration_link(registration, links.CANT_COME),
            "set_up_url": links.registration_link(registration, links.SET_UP) if event.checklist_steps else "",
        },
        kind=EmailKind.REMINDER,
        user=registration.user,
    )
