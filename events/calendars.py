"""iCalendar (RFC 5545) files: one event, the public feed, a member's own feed.

Times are written in UTC (a trailing Z), so every calendar shows them in its
own zone correctly across daylight-saving changes. A UID is stable for the
life of the event, so a calendar that subscribes updates events in place,
and an event that is cancelled stays in the feed marked STATUS:CANCELLED.

The few words the site writes itself (the location of an online event, the feed's
name) are in the active language: the
request's for the public files, the member's own for their feed and their ticket.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from society.languages import in_reading_language

from .models import Event, Registration

PRODID = "-//society//events//EN"


def site_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{site_domain()}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _vevent(event: Event, *, registration: Registration | None = None) -> CalendarEvent:
    url = settings.SITE_URL + event.get_absolute_url()
    item = CalendarEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", _utc(event.updated_at or timezone.now()))
    item.add("last-modified", _utc(event.updated_at or timezone.now()))
    item.add("dtstart", _utc(event.starts_at))
    item.add("dtend", _utc(event.ends_at))
    item.add("summary", in_reading_language(event, "title"))
    summary = in_reading_language(event, "summary")
    item.add("description", "\n\n".join(part for part in (summary, url) if part))
    item.add("location", event.place or (_("Online") if event.online_url else ""))
    item.add("url", url)
    if event.is_cancelled:
        item.add("status", "CANCELLED")
    elif registration is not None and registration.is_waitlisted:
        item.add("status", "TENTATIVE")  # on the waiting list: not a seat yet
    else:
        item.add("status", "CONFIRMED")
    return item


def event_calendar(event: Event) -> bytes:
    """One event, for a download or an email attachment."""
    calendar = _calendar(f"{settings.SOCIETY_NAME}: {in_reading_language(event, 'title')}")
    calendar.add_component(_vevent(event))
    return calendar.to_ical()


def events_feed(events: Iterable[Event]) -> bytes:
    """The public feed."""
    calendar = _calendar(_("%(society)s events") % {"society": settings.SOCIETY_NAME})
    for event in events:
        calendar.add_component(_vevent(event))
    return calendar.to_ical()


def registrations_feed(registrations: Iterable[Registration], *, name: str) -> bytes:
    """A member's own feed: the events they hold a place (or wait) for."""
    calendar = _calendar(name)
    for registration in registrations:
        calendar.add_component(_vevent(registration.event, registration=registration))
    return calendar.to_ical()
