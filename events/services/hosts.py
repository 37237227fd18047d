"""Making and unmaking hosts (events.hosts says what a host may do)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Event, EventHost
from .audit import record_action


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
    """Take `host`'s rights to their event away."""
    with transaction.atomic():
        record_action(actor=by, action="host removed", event=host.event, member=host.user)
        host.delete()
