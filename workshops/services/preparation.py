"""Preparing a member-led session (an event with hosts, events.hosts): the materials
reminder to its hosts. The rehearsal email is events' (events.services.set_rehearsal)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from events import services as events_services
from events.models import Event, EventHost
from society.emails import Email, queue_emails
from society.models import EmailKind

from ..models import Material


def materials_due_soon(*, now: datetime):
    """The member-led sessions starting within HOST_MATERIALS_DUE_DAYS of `now` that
    have no materials of their own yet (cancelled ones left out)."""
    due = now + timedelta(days=settings.HOST_MATERIALS_DUE_DAYS)
    return (
        Event.objects.member_led()
        .filter(starts_at__gt=now, starts_at__lte=due)
        .exclude(Exists(Material.objects.filter(event=OuterRef("pk"))))
    )


def queue_materials_reminders(*, now: datetime) -> int:
    """Email each host of a session whose materials are due and missing, once (the
    outbox key names the event and the host), in the host's language. Returns how many
    emails were new."""
    emails = []
    with transaction.atomic():
        for host in EventHost.objects.filter(
            event__in=materials_due_soon(now=now), user__is_active=True
        ).select_related("event", "user"):
            event = host.event
            materials_url = reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})
            emails.append(
                Email(
                    key=f"host-materials-due:{event.pk}:{host.user_id}",
                    to=host.user.email,
                    template="emails/host_materials_due",
                    context={
                        **events_services.host_email_context(event),
                        "materials_url": settings.SITE_URL + materials_url,
                    },
                    kind=EmailKind.HOSTING,
                    user=host.user,
                )
            )
        return queue_emails(emails, now=now)
