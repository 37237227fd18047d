"""Reads: who may see which material, series with their sessions, search."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event, EventHost, Registration, attended_q
from members.permissions import is_committee
from members.services import is_member
from members.terms import Period

from .models import Material, SeriesSession, WorkshopSeries

SEARCH_MAX_LENGTH = 100
SEARCH_RESULTS = 20


@dataclass
class Viewer:
    """Who is looking, asked once per request (three queries at most)."""

    user: object
    committee: bool = False
    member: bool = False
    attended: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, user) -> "Viewer":
        if not getattr(user, "is_authenticated", False):
            return cls(user=user)
        attended = set(Registration.objects.attended().filter(user=user).values_list("event_id", flat=True))
        return cls(user=user, committee=is_committee(user), member=is_member(user), attended=attended)

    def may_see(self, material: Material, *, session_ids: set[int] | None = None, now=None) -> bool:
        """Committee: always. Others: once released, by visibility. Attendees of a
        series material are those who attended any of its sessions (`session_ids`)."""
        if self.committee:
            return True
        if not is_released(material, now=now):
            return False
        if material.visibility == Material.Visibility.PUBLIC:
            return True
        if material.visibility == Material.Visibility.MEMBERS:
            return self.member
        events = {material.event_id} if material.event_id else (session_ids or set())
        return bool(events & self.attended)


def next_release(now: datetime) -> datetime | None:
    """The next moment a material is released: the pages listing it change then
    (society.page_cache, hook PAGE_CLOCK)."""
    return Material.objects.filter(available_from__gt=now).aggregate(next=Min("available_from"))["next"]


def is_released(material: Material, *, now=None) -> bool:
    """Out for its audience: its event is published (not a draft, which the committee
    alone knows of), and its `available_from` has come. Until then only the committee
    sees it, and to everyone else it does not exist (404)."""
    if material.event_id and material.event.is_draft:
        return False
    return not (material.available_from and material.available_from > (now or timezone.now()))


def series_session_ids(series_id: int) -> set[int]:
    return set(SeriesSession.objects.filter(series_id=series_id).values_list("event_id", flat=True))


def series_list():
    """All series with their sessions, current ones (not retired, with a session still to come) first."""
    sessions = SeriesSession.objects.select_related("event").filter(
        event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
    )
    series = list(WorkshopSeries.objects.prefetch_related(Prefetch("series_sessions", queryset=sessions)))
    now = timezone.now()
    for item in series:
        events = [session.event for session in item.series_sessions.all()]
        item.first_start = min((event.starts_at for event in events), default=None)
        item.is_current = not item.retired_at and any(event.ends_at >= now for event in events)
        item.session_count = len(events)
    # Current ones first, soonest first; then the rest, latest first.
    current = sorted((s for s in series if s.is_current), key=lambda s: s.first_start or now)
    rest = sorted((s for s in series if not s.is_current), key=lambda s: s.first_start or now, reverse=True)
    return current + rest


def event_materials(event_ids, *, viewer: Viewer, session_ids: set[int] | None = None) -> dict[int, list]:
    """Visible materials of these events, by event id (one query)."""
    found: dict[int, list] = {event_id: [] for event_id in event_ids}
    for material in Material.objects.filter(event_id__in=list(event_ids)).select_related("event"):
        if viewer.may_see(material, session_ids=session_ids):
            found[material.event_id].append(material)
    return found


def search(q: str, *, viewer: Viewer) -> dict[str, list]:
    """Workshops, series and materials matching `q` by title, topic and description:
    PostgreSQL full-text search, or icontains elsewhere (SQLite)."""
    workshops = Event.objects.listed().filter(kind=Event.Kind.WORKSHOP)
    series = WorkshopSeries.objects.all()
    materials = Material.objects.select_related("event", "series")
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config="english")
        workshops = _ranked(workshops, query, ["title", "summary", "description", "topics__name"])
        series = _ranked(series, query, ["name", "description", "prerequisites", "topics__name"])
        materials = _ranked(materials, query, ["title", "description", "event__title", "series__name"])
    else:
        workshops = workshops.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(description__icontains=q) | Q(topics__name__icontains=q)
        ).order_by("-starts_at")
        series = series.filter(
            Q(name__icontains=q) | Q(description__icontains=q) | Q(topics__name__icontains=q)
        ).order_by("name")
        materials = materials.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(event__title__icontains=q)
        ).order_by("title")
    return {
        "workshops": _unique(workshops),
        "series": _unique(series),
        "materials": [m for m in _unique(materials) if viewer.may_see(m, session_ids=_all_attended(viewer))],
    }


def _ranked(queryset, query, fields):
    vector = SearchVector(*fields, config="english")
    return queryset.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0).order_by("-rank")


def _unique(queryset) -> list:
    """First SEARCH_RESULTS distinct rows (a topic join can repeat a row)."""
    seen, rows = set(), []
    for row in queryset[: SEARCH_RESULTS * 5]:
        if row.pk not in seen:
            seen.add(row.pk)
            rows.append(row)
    return rows[:SEARCH_RESULTS]


def _all_attended(viewer: Viewer) -> set[int]:
    # For a series material in search results: any attended session counts only if
    # it belongs to the series; checked exactly on the series page and the download.
    return set()


def series_attendance(events: QuerySet[Event], period: Period | None = None) -> list[tuple[str, int, int, int]]:
    """Attendance per series at `events` (the console's figures for `period`, through
    society.hooks.FIGURES_TABLES): (series, sessions, attendances, people), busiest first,
    in one query."""
    attended = attended_q("event__registrations__")
    rows = (
        SeriesSession.objects.filter(event__in=events)
        .order_by()
        .values("series__name")
        .annotate(
            sessions=Count("event", distinct=True),
            attendances=Count("event__registrations", filter=attended, distinct=True),
            people=Count("event__registrations__user", filter=attended, distinct=True),
        )
        .order_by("-attendances", "series__name")
    )
    return [(row["series__name"], row["sessions"], row["attendances"], row["people"]) for row in rows]


def member_led_sessions(*, now: datetime) -> list[Event]:
    """The upcoming member-led sessions (events with hosts, not cancelled, not over),
    soonest first, each with its hosts, `materials_count` and `missing`: what is still to
    be done ("materials", "checklist", "room"), so the committee can help in time. Two
    queries, whatever the number of sessions and hosts."""
    materials = Material.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("id"))
    sessions = list(
        Event.objects.member_led()
        .filter(ends_at__gt=now)
        .annotate(materials_count=Coalesce(Subquery(materials.values("n")), 0))
        .prefetch_related(Prefetch("hosts", queryset=EventHost.objects.select_related("user")))
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.missing = [
            name
            for name, lacking in (
                ("materials", not session.materials_count),
                ("checklist", not session.setup_checklist.strip()),
                ("room", not (session.venue.strip() or session.online_url)),
            )
            if lacking
        ]
    return sessions
