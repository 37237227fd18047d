"""What the admin's and the console's event forms post back for an event, unchanged
but for the given fields: so a test changes one thing and nothing else by accident."""

from django.utils import timezone

from events import services
from events.models import Event


def _checkbox(value: bool) -> str:
    return "on" if value else ""


def _local(moment, form_format: str) -> str:
    return timezone.localtime(moment).strftime(form_format) if moment else ""


def admin_event_data(event: Event, **changes) -> dict:
    """The admin's change form: no status, time or place (read-only there), and empty inlines."""
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "level": event.level,
        "summary": event.summary,
        "description": event.description,
        "topics": [topic.pk for topic in event.topics.all()],
        "map_url": event.map_url,
        "capacity": "" if event.capacity is None else event.capacity,
        "waitlist_enabled": _checkbox(event.waitlist_enabled),
        "members_only": _checkbox(event.members_only),
        "reminders_enabled": _checkbox(event.reminders_enabled),
        "what_to_bring": event.what_to_bring,
        "setup_checklist": event.setup_checklist,
        "event_speakers-TOTAL_FORMS": "0",
        "event_speakers-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    for name in ("registration_opens_at", "registration_closes_at"):
        data[f"{name}_0"] = _local(getattr(event, name), "%Y-%m-%d")
        data[f"{name}_1"] = _local(getattr(event, name), "%H:%M:%S")
    return {**data, **changes}


def console_event_data(event: Event, **changes) -> dict:
    """The console's edit form (times to the minute, in the society's time zone)."""
    data = {
        "title": event.title,
        "kind": event.kind,
        "level": event.level,
        "summary": event.summary,
        "description": event.description,
        "topics": [topic.pk for topic in event.topics.all()],
        "venue": event.venue,
        "building": event.building,
        "map_url": event.map_url,
        "online_url": event.online_url,
        "capacity": "" if event.capacity is None else event.capacity,
        "waitlist_enabled": _checkbox(event.waitlist_enabled),
        "members_only": _checkbox(event.members_only),
        "reminders_enabled": _checkbox(event.reminders_enabled),
        "what_to_bring": event.what_to_bring,
        "setup_checklist": event.setup_checklist,
        "no_show_policy": _checkbox(event.no_show_policy),
        "lottery": _checkbox(event.lottery),
        "version": services.event_version(event),
    }
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "lottery_closes_at"):
        data[name] = _local(getattr(event, name), "%Y-%m-%dT%H:%M")
    return {**data, **changes}
