"""Attendance figures for the console, and the chart drawn as SVG on the server
(no chart library, no inline style: SVG presentation attributes only)."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from members.years import academic_year_ends, academic_year_label, academic_year_starts, current_academic_year

from .models import Event, Registration, attended_q

Status = Registration.Status


@dataclass
class TermFigures:
    label: str
    events: list[Event]  # with registered, attended
    unique_attendees: int
    first_timers: int
    returners: int
    topics: list[tuple[str, int]]


def term_figures(*, year: int | None = None, now=None) -> TermFigures:
    """The academic year's past events: attendance per event, unique attendees, first
    timers (whose first attendance ever is this year) and returners, busiest topics."""
    now = now or timezone.now()
    year = year or current_academic_year()
    zone = timezone.get_current_timezone()
    start = datetime.combine(academic_year_starts(year), time.min, tzinfo=zone)
    end = min(now, datetime.combine(academic_year_ends(year), time.max, tzinfo=zone))
    events = list(
        Event.objects.filter(starts_at__gte=start, starts_at__lte=end, status=Event.Status.PUBLISHED)
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
            attended=Count("registrations", filter=attended_q("registrations__")),
        )
        .order_by("starts_at")
    )
    present = Registration.objects.attended()
    this_term = present.filter(event__in=[e.pk for e in events])
    people = this_term.values("user").distinct()
    firsts = present.filter(user__in=people).values("user").annotate(first=Min("event__starts_at"))
    first_timers = sum(1 for row in firsts if row["first"] >= start)
    unique = people.count()
    topics = (
        this_term.values("event__topics__name")
        .exclude(event__topics__name=None)
        .annotate(n=Count("id"))
        .order_by("-n", "event__topics__name")[:5]
    )
    return TermFigures(
        label=academic_year_label(year),
        events=events,
        unique_attendees=unique,
        first_timers=first_timers,
        returners=unique - first_timers,
        topics=[(row["event__topics__name"], row["n"]) for row in topics],
    )


def attendance_chart(events: list[Event]) -> SafeString:
    """Bars of registered (light) and attended (dark) per event, as inline SVG."""
    width, height, bar, gap, top = 640, 220, 18, 10, 20
    if not events:
        return mark_safe("")
    most = max(max(e.registered, e.attended) for e in events) or 1
    step = min((width - 40) / len(events), 2 * bar + gap)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 40}" role="img" aria-label="Attendance per event">',
        f'<line x1="30" y1="{height}" x2="{width}" y2="{height}" stroke="#8c86a8" stroke-width="1"/>',
        f'<text x="0" y="{top}" font-size="11" fill="#5b5675">{most}</text>',
    ]
    for i, event in enumerate(events):
        x = 34 + i * step
        w = max(step / 2 - 2, 2)
        for offset, value, colour in ((0, event.registered, "#d6d1ee"), (w, event.attended, "#5b3fd1")):
            h = (height - top) * value / most
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{height - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(event.title)}: {value}</title></rect>"
            )
        label = timezone.localtime(event.starts_at).strftime("%-d/%-m")
        parts.append(f'<text x="{x:.1f}" y="{height + 14}" font-size="10" fill="#5b5675">{label}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (numbers and escaped titles only)
