"""Reads of events that several pages share."""

from django.db.models import QuerySet

from members.permissions import is_committee

from .models import Event


def events_visible_to(user) -> QuerySet[Event]:
    """Drafts are seen by the committee only."""
    if is_committee(user):
        return Event.objects.all()
    return Event.objects.listed()
