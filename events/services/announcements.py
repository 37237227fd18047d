"""The committee's announcements to an event's registrants, through the outbox."""

from django.db import transaction
from django.utils import timezone

from society.emails import queue_email
from society.models import EmailKind

from ..models import Announcement, Registration
from .audit import record_action
from .emails import registration_email_context

Status = Registration.Status


def announcement_recipients(announcement: Announcement):
    statuses = [Status.CONFIRMED, Status.WAITLISTED] if announcement.include_waitlist else [Status.CONFIRMED]
    return Registration.objects.filter(event=announcement.event, status__in=statuses).select_related("user", "event")


def send_announcement(*, announcement: Announcement, by, now=None) -> int:
    """Queue the announcement to each recipient (members who opted out of
    announcements are skipped). Sending twice sends nothing new. Returns how many it went to."""
    now = now or timezone.now()
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.sent_at:
            return announcement.recipient_count
        sent = 0
        for registration in announcement_recipients(announcement):
            sent += queue_email(
                key=f"announcement:{announcement.pk}:{registration.pk}",
                to=registration.user.email,
                template="emails/announcement",
                context={**registration_email_context(registration), "announcement": announcement},
                kind=EmailKind.ANNOUNCEMENT,
                user=registration.user,
                now=now,
            )
        announcement.sent_at, announcement.recipient_count = now, sent
        announcement.save(update_fields=["sent_at", "recipient_count", "updated_at"])
        record_action(actor=by, event=announcement.event, action="sent announcement", detail=announcement.subject)
    return sent
