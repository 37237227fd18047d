"""The one way views find each kind of object: scoped lookups that answer 404 to
people who may not know the thing exists (no ids in URLs, no IDOR)."""

from django.shortcuts import get_object_or_404

from ..models import CalendarFeed, Event, Registration
from ..selectors import events_visible_to, with_speakers


def get_event_for(user, slug: str, *, for_page: bool = True) -> Event:
    """An event `user` may see (drafts: the committee only); for its page, with its
    speakers, topics and `confirmed_count` (an action on it needs none of them)."""
    events = events_visible_to(user)
    if for_page:
        events = with_speakers(events).with_confirmed_count().prefetch_related("topics")
    return get_object_or_404(events, slug=slug)


def get_own_registration(user, token: str) -> Registration:
    """A registration of `user` (any status), found by its ticket token."""
    return get_object_or_404(Registration.objects.select_related("event"), token=token, user=user)


def get_registration_for_check_in(token: str) -> Registration:
    """For the committee at the door: any registration, by its ticket token."""
    return get_object_or_404(Registration.objects.select_related("event", "user"), token=token)


def get_calendar_feed(token: str) -> CalendarFeed:
    return get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
