"""Lookups of the console: by slug and token, scoped to the event in the URL, so a
token of one event never acts on another."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from ...models import Event, Registration, attended_q


def get_managed_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.with_confirmed_count(), slug=slug)


def get_registration_of(event: Event, token: str) -> Registration:
    return get_object_or_404(Registration.objects.select_related("event", "user"), event=event, token=token)


def registration_counts(event: Event) -> dict[str, int]:
    """Confirmed, waiting, cancelled and checked-in counts, in one query."""
    Status = Registration.Status
    return Registration.objects.filter(event=event).aggregate(
        confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=Status.WAITLISTED)),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
        checked_in=Count("id", filter=attended_q()),
    )
