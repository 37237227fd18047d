"""Making and unmaking hosts, and what the committee asks of them (events.hosts says
what a host may do)."""

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from society.emails import Email, queue_emails
from society.models import EmailKind

from ..models import Event, EventHost
from .audit import record_action
from .emails import event_facts
from .registrations import lock_event


class HostError(Exception):
    """A rule says no. The message is written for the person asking and shown as is."""


def add_host(*, event: Event, member, role: str = EventHost.Role.NAMED, by=None) -> EventHost:
    """Make `member` a host of `event` (once: adding them again changes nothing). `by`
    is who did it (None for the proposals' own acceptance, which logs its own entry)."""
    if not member.is_active:
        raise HostError(_("%(name)s's account is closed, so they cannot host.") % {"name": member})
    if event.status == Event.Status.CANCELLED:
        raise HostError(_("This event is cancelled: it needs no hosts."))
    with transaction.atomic():
        host, created = EventHost.objects.get_or_create(
            event=event, user=member, defaults={"role": role, "added_by": by}
        )
        if created and by is not None:
            record_action(actor=by, action="host added", event=event, member=member)
    return host


def remove_host(*, host: EventHost, by) -> None:
    """Take `host`'s rights to their event away. Removing someone who is no longer a
    host (a second click) is refused and changes nothing."""
    with transaction.atomic():
        removed, _count = EventHost.objects.filter(pk=host.pk).delete()
        if not removed:
            raise HostError(_("%(name)s is not a host of this event any more.") % {"name": host.user.display_name})
        record_action(actor=by, action="host removed", event=host.event, member=host.user)


def host_email_context(event: Event) -> dict:
    """What the emails to an event's hosts show: the event, its times, their console page."""
    return {
        "event": event_facts(event),
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "console_url": settings.SITE_URL + reverse("events:manage_event", kwargs={"slug": event.slug}),
    }


def set_rehearsal(*, event: Event, at: datetime | None, note: str, by, now: datetime | None = None) -> int:
    """Ask the hosts of `event` for a rehearsal at `at` (with `note`), or take the request
    back (`at` None). Each host is emailed once per time and note set (the outbox key
    names both); taking it back emails nobody. Returns how many were emailed."""
    now = now or timezone.now()
    note = note.strip()
    with transaction.atomic():
        lock_event(event)
        Event.objects.filter(pk=event.pk).update(rehearsal_at=at, rehearsal_note=note if at else "", updated_at=now)
        event.rehearsal_at, event.rehearsal_note = at, note if at else ""
        if at is None:
            record_action(actor=by, action="rehearsal cancelled", event=event, now=now)
            return 0
        local = timezone.localtime(at)
        record_action(actor=by, action="rehearsal set", event=event, detail=f"{local:%Y-%m-%d %H:%M}", now=now)
        context = {**host_email_context(event), "rehearsal_at": local, "note": note}
        stamp = f"{int(at.timestamp())}-{_note_stamp(note)}"
        emails = [
            Email(
                key=f"host-rehearsal:{event.pk}:{host.user_id}:{stamp}",
                to=host.user.email,
                template="emails/host_rehearsal",
                context=context,
                kind=EmailKind.HOSTING,
                user=host.user,
            )
            for host in event.hosts.select_related("user").filter(user__is_active=True)
        ]
        return queue_emails(emails, now=now)


def _note_stamp(note: str) -> str:
    """A short, stable fingerprint of the note (Python's hash() changes between processes)."""
    return hashlib.sha256(note.encode()).hexdigest()[:12]
