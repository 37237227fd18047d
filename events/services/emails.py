"""The emails about a registration: one context for all of them, and the ticket,
waiting-list and event-update messages the services queue through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from society.emails import Attachment, queue_email
from society.models import EmailKind

from ..calendars import event_calendar
from ..models import Event, Registration


def registration_email_context(registration: Registration) -> dict:
    """What every email about a registration shows: the event, its local times, the links."""
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "ticket_url": settings.SITE_URL + registration.get_absolute_url(),
        "my_events_url": settings.SITE_URL + reverse("events:my_events"),
    }


def queue_ticket_email(registration: Registration, *, promoted: bool) -> bool:
    """The seat is theirs: the ticket and the event's .ics, on registering or on promotion."""
    event = registration.event
    key, template = ("promoted", "registration_promoted") if promoted else ("confirmed", "registration_confirmed")
    return queue_email(
        key=f"{key}:{registration.pk}",
        to=registration.user.email,
        template=f"emails/{template}",
        context=registration_email_context(registration),
        kind=EmailKind.REGISTRATION,
        user=registration.user,
        attachments=(Attachment(f"{event.slug}.ics", event_calendar(event).decode(), "text/calendar"),),
    )


def queue_waitlisted_email(registration: Registration, *, position: int | None) -> bool:
    return queue_email(
        key=f"waitlisted:{registration.pk}",
        to=registration.user.email,
        template="emails/registration_waitlisted",
        context={**registration_email_context(registration), "position": position},
        kind=EmailKind.REGISTRATION,
        user=registration.user,
    )


def queue_event_update(registration: Registration, *, event: Event, key: str, message: str) -> bool:
    """The event changed time or place, or was cancelled: the committee's message to one registrant."""
    context = {**registration_email_context(registration), "message": message, "cancelled": event.is_cancelled}
    return queue_email(
        key=f"event-{key}:{registration.pk}",
        to=registration.user.email,
        template="emails/event_cancelled" if event.is_cancelled else "emails/event_changed",
        context=context,
        kind=EmailKind.EVENT_UPDATE,
        user=registration.user,
    )
