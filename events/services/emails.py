"""The emails about a registration: one context for all of them, and the ticket,
waiting-list and event-update messages the services queue through the outbox.

A context is plain data (society.emails.email_context): the outbox keeps it as JSON
and renders the email when it delivers it, so what it says is what was true when
it was queued."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from society import languages
from society.emails import Attachment, Email, queue_emails
from society.models import EmailKind

from ..calendars import event_calendar
from ..models import Event, Registration


def event_facts(event: Event) -> dict:
    """What emails show of an event (`event.title`, `event.place`... in their templates)."""
    return {
        "title": event.title,
        "title_zh": event.title_zh,  # shown instead to a reader of Chinese (in_reading_language)
        "place": event.place,
        "map_url": event.map_url,
        "online_url": event.online_url,
        "what_to_bring": event.what_to_bring,
    }


def registration_email_context(registration: Registration) -> dict:
    """What every email about a registration shows: the event, its local times, the links."""
    event = registration.event
    return {
        "event": event_facts(event),
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "ticket_url": settings.SITE_URL + registration.get_absolute_url(),
        "my_events_url": settings.SITE_URL + reverse("events:my_events"),
    }


_calendars: dict[tuple[int, str], tuple[str, Attachment]] = {}


def ticket_calendar(event: Event, *, language: str) -> Attachment:
    """The event's .ics, attached to every ticket. It is the same for everyone
    registered, so it is made once per event version (`updated_at`, which every
    change moves on) in each process: icalendar takes about a millisecond, which a
    rush of registrations would otherwise spend once per seat under the event's lock.
    `event` is as stored (read under its lock), never a changed copy not saved yet.
    Its few words of our own are in `language`, the ticket holder's."""
    version = event.updated_at.isoformat()
    made = _calendars.get((event.pk, language))
    if made is None or made[0] != version:
        if len(_calendars) >= 256:
            _calendars.clear()
        with translation.override(language):
            content = event_calendar(event).decode()
        made = _calendars[(event.pk, language)] = (version, Attachment(f"{event.slug}.ics", content, "text/calendar"))
    return made[1]


def ticket_email(registration: Registration, *, promoted: bool, context: dict | None = None) -> Email:
    """The seat is theirs: the ticket and the event's .ics, on registering or on promotion.
    `context`: registration_email_context(registration), when worked out beforehand."""
    key, template = ("promoted", "registration_promoted") if promoted else ("confirmed", "registration_confirmed")
    return Email(
        key=f"{key}:{registration.pk}",
        to=registration.user.email,
        template=f"emails/{template}",
        context=context or registration_email_context(registration),
        kind=EmailKind.REGISTRATION,
        user=registration.user,
        attachments=(ticket_calendar(registration.event, language=languages.of(registration.user)),),
    )


def waitlisted_email(registration: Registration, *, position: int | None, context: dict | None = None) -> Email:
    return Email(
        key=f"waitlisted:{registration.pk}",
        to=registration.user.email,
        template="emails/registration_waitlisted",
        context={**(context or registration_email_context(registration)), "position": position},
        kind=EmailKind.REGISTRATION,
        user=registration.user,
    )


def queue_ticket_email(registration: Registration, *, promoted: bool, context: dict | None = None) -> bool:
    return queue_emails([ticket_email(registration, promoted=promoted, context=context)]) == 1


def queue_waitlisted_email(registration: Registration, *, position: int | None, context: dict | None = None) -> bool:
    return queue_emails([waitlisted_email(registration, position=position, context=context)]) == 1


def event_update_email(registration: Registration, *, event: Event, key: str, message: str) -> Email:
    """The event changed time or place, or was cancelled: the committee's message to one registrant."""
    context = {**registration_email_context(registration), "message": message, "cancelled": event.is_cancelled}
    return Email(
        key=f"event-{key}:{registration.pk}",
        to=registration.user.email,
        template="emails/event_cancelled" if event.is_cancelled else "emails/event_changed",
        context=context,
        kind=EmailKind.EVENT_UPDATE,
        user=registration.user,
    )
