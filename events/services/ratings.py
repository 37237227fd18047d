"""Attendees' ratings of the events they came to (the one home of feedback)."""

from django.utils.translation import gettext

from ..models import EventRating, Registration
from .registrations import RegistrationError


def rate_event(*, registration: Registration, score: int, comment: str | None = None) -> EventRating:
    """Record an attendee's rating (1 to 5), or change it; `comment` None keeps the comment."""
    if not registration.checked_in_at:
        raise RegistrationError(gettext("Only people who came can rate an event."))
    if score not in range(1, 6):
        raise RegistrationError(gettext("A rating is a whole number from 1 to 5."))
    defaults = {"score": score} if comment is None else {"score": score, "comment": comment}
    rating, _ = EventRating.objects.update_or_create(registration=registration, defaults=defaults)
    return rating
