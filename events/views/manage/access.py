"""Lookups of the console: by slug and token, scoped to the event in the URL, so a
token of one event never acts on another."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from members.permissions import is_committee
from members.two_factor import second_factor_required

from ... import hosts
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


def team_required(event_of: Callable[..., Event | None]) -> Callable:
    """For console pages about one event that admit its hosts as well as the committee.
    `event_of(**url_kwargs)` finds the event the URL is about (404 when there is none;
    None: a thing of no event, such as a series' material, which hosts may not touch).
    The committee passes as with `committee_required` (second factor included); a host
    of the event while their rights last (events.hosts) passes with `request.as_host`
    True, and the view shows them the host's part of the page; anyone else gets 403.
    Visitors are sent to log in."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        guarded = second_factor_required(view)

        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if is_committee(request.user):
                request.as_host = False
                return guarded(request, *args, **kwargs)
            event = event_of(**kwargs)
            if event is None or not hosts.is_host(request.user, event):
                raise PermissionDenied(_("This page is for the committee and this event's hosts."))
            request.as_host = True
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _event_by_slug(*, slug: str, **_) -> Event:
    return get_object_or_404(Event.objects.only("pk", "ends_at"), slug=slug)


#: For the console pages of one event (its slug in the URL): see team_required.
event_team_required = team_required(_event_by_slug)
