"""What events/ holds about a person, for their copy of their data (see society.privacy)."""

from django.utils import timezone

from . import services
from .models import ActionLog, CalendarFeed, EventRating, Registration, SelfCheckInAttempts


def export(user) -> dict:
    registrations = (
        Registration.objects.filter(user=user).select_related("event", "rating").order_by("created_at", "id")
    )
    return {
        "registrations": [
            {
                "event": registration.event.title,
                "starts": registration.event.starts_at.isoformat(),
                "status": registration.get_status_display(),
                "registered": registration.created_at.isoformat(),
                "checked_in": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
                "set_up": registration.set_up_at.isoformat() if registration.set_up_at else None,
                "rating": _rating(registration),
            }
            for registration in registrations
        ],
        "has_private_calendar": CalendarFeed.objects.filter(user=user).exists(),
    }


def forget(user) -> None:
    """An anonymised account gives back its seats at events still to come that it
    has not been checked in to (the waiting list moves up), its private calendar,
    its count of wrong self check-in codes, and its name in the action log;
    attendance stays, anonymous, in the figures."""
    upcoming = Registration.objects.active().filter(
        user=user, event__starts_at__gt=timezone.now(), checked_in_at__isnull=True
    )
    for registration in upcoming.select_related("event"):
        services.cancel(registration=registration)
    CalendarFeed.objects.filter(user=user).delete()
    SelfCheckInAttempts.objects.filter(member=user).delete()
    ActionLog.objects.filter(actor=user).update(actor=None)
    ActionLog.objects.filter(member=user).update(member=None)


def _rating(registration: Registration) -> dict | None:
    try:
        rating = registration.rating
    except EventRating.DoesNotExist:
        return None
    return {"score": rating.score, "comment": rating.comment, "given": rating.created_at.isoformat()}
