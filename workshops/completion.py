"""Which workshop series a member completed: the one answer, for their record and for the
credentials that say so.

A series is completed when all its sessions have taken place (published, over; cancelled
ones do not count) and the member attended at least `settings.SERIES_COMPLETED_SHARE`
per cent of them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from events.models import Event, attended_q

from .models import SeriesSession, WorkshopSeries


@dataclass(frozen=True)
class Completion:
    series: WorkshopSeries
    attended: int  # sessions the member came to
    sessions: int  # sessions that took place
    ended_at: datetime  # when the last session ended


def completed_series(user, *, now: datetime | None = None) -> list[Completion]:
    """The series `user` completed, the latest first. One query."""
    now = now or timezone.now()
    held = Q(series_sessions__event__status=Event.Status.PUBLISHED)
    came = (
        held
        & Q(series_sessions__event__registrations__user=user)
        & attended_q("series_sessions__event__registrations__")
    )
    found = (
        WorkshopSeries.objects.filter(
            pk__in=SeriesSession.objects.filter(event__registrations__user=user).values("series")
        )
        .annotate(
            held_sessions=Count("series_sessions", filter=held, distinct=True),
            still_to_come=Count(
                "series_sessions", filter=held & Q(series_sessions__event__ends_at__gt=now), distinct=True
            ),
            attended_sessions=Count("series_sessions", filter=came, distinct=True),
            ended_at=Max("series_sessions__event__ends_at", filter=held),
        )
        .filter(held_sessions__gt=0, still_to_come=0)
        .order_by("-ended_at", "-pk")
    )
    share = settings.SERIES_COMPLETED_SHARE
    return [
        Completion(series, series.attended_sessions, series.held_sessions, series.ended_at)
        for series in found
        if series.attended_sessions * 100 >= share * series.held_sessions
    ]
