"""Attendance figures for the console, and the chart drawn as SVG on the server
(no chart library, no inline style: SVG presentation attributes only).

For a period (a term of an academic year, or the whole year: members.terms), counting
published events that started in it by `now`, and "attended" as events.models says:

- unique attendees: people who attended at least one of its events;
- first-timers: attendees whose first attendance ever falls in the period;
- returners: attendees who also attended in an earlier term, i.e. before the start
  of the term of their latest attendance in the period. For one term that is "came
  before this term began"; for the whole year it also counts someone who came in
  autumn and again in spring (who may be a first-timer of the year as well);
- no-show rate: at the period's events that have ended, confirmed places not
  checked in, over confirmed places.

Every figure costs a fixed number of queries, whatever the number of events or people.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from members.terms import WHOLE_YEAR, Period
from members.years import academic_year_label
from society import hooks

from .models import Event, FirstAttendance, Registration, attended_q

Status = Registration.Status
# The built-in tables of the figures page; apps add theirs through society.hooks.FIGURES_TABLES.
SUMMARY, EVENTS, TOPICS = "summary", "events", "topics"
MINUS, NONE = "\u2212", "\u2013"  # a minus sign, and an en dash for "no figure"


def change_heading() -> str:
    """The heading of the column comparing two periods."""
    return pgettext("difference between two periods", "Change")


# The usual terms' names, in the reader's language; a term of another name is shown as it is called.
TERM_LABELS = {"autumn": gettext_lazy("Autumn"), "spring": gettext_lazy("Spring"), "summer": gettext_lazy("Summer")}


def term_label(term: str) -> str:
    """A term's name as people read it: "Autumn", "秋季学期"."""
    return str(TERM_LABELS.get(term, term.capitalize()))


def period_label(period: Period) -> str:
    """The period's name in the reader's language: "Autumn 2026/27", or "2026/27" for a whole year."""
    year = academic_year_label(period.year)
    if period.term == WHOLE_YEAR:
        return year
    return _("%(term)s %(year)s") % {"term": term_label(period.term), "year": year}


def _midnight(day: date) -> datetime:
    """The start of `day` in the society's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _window(prefix: str, *, period: Period, now: datetime) -> Q:
    """Published events that started in `period` by `now` (through `prefix`, e.g. "event__")."""
    return Q(
        **{
            f"{prefix}status": Event.Status.PUBLISHED,
            f"{prefix}starts_at__gte": _midnight(period.starts),
            f"{prefix}starts_at__lt": min(now, _midnight(period.ends)),
        }
    )


def period_events(*, period: Period, now: datetime) -> QuerySet[Event]:
    """The published events that started in `period` by `now`."""
    return Event.objects.filter(_window("", period=period, now=now))


class PeriodFigures:
    """The figures of `period` as seen at `now`, each read when first asked for: a page or
    a CSV costs only the queries of what it shows (one each for the events, the people and
    the topics)."""

    def __init__(self, *, period: Period, now: datetime):
        self.period, self.now = period, now

    @cached_property
    def events(self) -> list[Event]:
        """The period's events by start, with registered, attended and (ended ones) no_shows."""
        events = list(
            period_events(period=self.period, now=self.now)
            .only("title", "slug", "kind", "starts_at", "ends_at")  # what the page, the chart and the CSV show
            # Counting a column of the door's index (event, status, checked_in_at), not the id,
            # lets PostgreSQL count from the index alone.
            .annotate(
                registered=Count("registrations__status", filter=Q(registrations__status=Status.CONFIRMED)),
                attended=Count("registrations__status", filter=attended_q("registrations__")),
            )
            .order_by("starts_at", "id")
        )
        for event in events:
            event.no_shows = event.registered - event.attended if event.ends_at < self.now else None
        return events

    @cached_property
    def _here(self) -> QuerySet[Registration]:
        """The period's attended registrations."""
        return Registration.objects.attended().filter(_window("event__", period=self.period, now=self.now))

    @cached_property
    def _people(self) -> dict[str, int]:
        return _people(self._here, period=self.period)

    @property
    def unique_attendees(self) -> int:
        return self._people["unique"]

    @property
    def first_timers(self) -> int:
        return self._people["first_timers"]

    @property
    def returners(self) -> int:
        return self._people["returners"]

    @cached_property
    def topics(self) -> list[tuple[str, int]]:
        """(topic, attendances), busiest first."""
        topics = (
            self._here.exclude(event__topics=None)
            .order_by()
            .values("event__topics__name")
            .annotate(n=Count("id"))
            .order_by("-n", "event__topics__name")
        )
        return [(row["event__topics__name"], row["n"]) for row in topics]

    @property
    def attendances(self) -> int:
        return sum(event.attended for event in self.events)

    @property
    def no_show_rate(self) -> float | None:
        """Confirmed but not checked in, over confirmed, at ended events; None when none ended."""
        ended = [event for event in self.events if event.no_shows is not None]
        confirmed = sum(event.registered for event in ended)
        return sum(event.no_shows for event in ended) / confirmed if confirmed else None


def period_figures(*, period: Period, now: datetime | None = None) -> PeriodFigures:
    """The figures of `period` as seen at `now` (read as they are asked for)."""
    return PeriodFigures(period=period, now=now or timezone.now())


def _people(here: QuerySet[Registration], *, period: Period) -> dict[str, int]:
    """Unique attendees, first-timers and returners among the holders of `here` (the
    period's attended registrations), in one aggregate query over the period's attendees
    alone: each person's first attendance ever is kept (events.models.FirstAttendance).

    A returner came before the term of their latest attendance in the period: before the
    period, or (for a whole year) before the start of a later term they attended in."""
    starts = _midnight(period.starts)
    came_before = Q(starts_at__lt=starts)
    for later in map(_midnight, period.later_term_starts):
        came_before |= Q(starts_at__lt=later, user__in=here.filter(event__starts_at__gte=later).values("user"))
    return FirstAttendance.objects.filter(user__in=here.values("user")).aggregate(
        unique=Count("pk"),
        first_timers=Count("pk", filter=Q(starts_at__gte=starts)),
        returners=Count("pk", filter=came_before),
    )


@dataclass(frozen=True)
class ComparedFigure:
    """One figure of a period beside the same figure a year before."""

    label: str
    this: float | None
    last: float | None
    percent: bool = False

    @property
    def change(self) -> float | None:
        if self.this is None or self.last is None:
            return None
        return round(self.this - self.last, 1)

    def shown(self, value: float | None, *, signed: bool = False) -> str:
        """`value` as the page shows it: "12", "25.0%", "+3", "-5.0 pts" (with a minus sign), or a dash for none."""
        if value is None:
            return NONE
        text = f"{value:.1f}" if self.percent else f"{value:g}"
        if signed:
            text = f"+{text}" if value > 0 else text.replace("-", MINUS)
        if signed and self.percent:
            # percentage points
            return pgettext("percentage points", "%(number)s pts") % {"number": text}
        return text + ("%" if self.percent else "")

    @property
    def this_shown(self) -> str:
        return self.shown(self.this)

    @property
    def last_shown(self) -> str:
        return self.shown(self.last)

    @property
    def change_shown(self) -> str:
        return self.shown(self.change, signed=True)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def compare(this: PeriodFigures, last: PeriodFigures) -> list[ComparedFigure]:
    """The headline figures of `this` period beside `last` (the same term a year before)."""
    return [
        ComparedFigure(_("Events"), len(this.events), len(last.events)),
        ComparedFigure(_("Attendances"), this.attendances, last.attendances),
        ComparedFigure(_("Unique attendees"), this.unique_attendees, last.unique_attendees),
        ComparedFigure(_("First-timers"), this.first_timers, last.first_timers),
        ComparedFigure(_("Returners"), this.returners, last.returners),
        ComparedFigure(_("No-show rate"), _percent(this.no_show_rate), _percent(last.no_show_rate), percent=True),
    ]


def contributed_tables() -> dict[str, hooks.FiguresTable]:
    """Tables other apps add (say, attendance per workshop series), by name, in their order."""
    return dict(sorted(hooks.contributions(hooks.FIGURES_TABLES).items(), key=lambda item: item[1].order))


def table_names() -> list[str]:
    """Every table that can be downloaded as CSV."""
    return [SUMMARY, EVENTS, TOPICS, *contributed_tables()]


def table_rows(
    name: str, *, this: PeriodFigures, last: PeriodFigures, now: datetime
) -> tuple[list[str], list[tuple]] | None:
    """The header and rows of table `name` for `this` period (beside `last`), or None if there is none."""
    if name == SUMMARY:
        header = [_("Figure"), period_label(this.period), period_label(last.period), change_heading()]
        return header, [(row.label, row.this, row.last, row.change) for row in compare(this, last)]
    if name == EVENTS:
        header = [_("Event"), _("Date"), _("Kind"), _("Registered"), _("Attended"), _("No-shows")]
        return header, [
            (
                event.title,
                timezone.localdate(event.starts_at).isoformat(),
                event.get_kind_display(),
                event.registered,
                event.attended,
                event.no_shows,
            )
            for event in this.events
        ]
    if name == TOPICS:
        return [_("Topic"), _("Attendances")], this.topics
    table = contributed_tables().get(name)
    if table is None:
        return None
    return list(table.header), table.rows(period_events(period=this.period, now=now), this.period)


def attendance_chart(events: list[Event]) -> SafeString:
    """Bars of registered (light) and attended (dark) per event, as inline SVG."""
    width, height, bar, gap, top = 640, 220, 18, 10, 20
    if not events:
        return mark_safe("")
    most = max(max(e.registered, e.attended) for e in events) or 1
    step = min((width - 40) / len(events), 2 * bar + gap)
    name = _("Attendance per event")
    chinese = (get_language() or "").startswith("zh")
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 40}" role="img" aria-label="{escape(name)}">',
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
        day = timezone.localtime(event.starts_at)
        # day/month, as the reader writes it (Chinese: month/day)
        label = f"{day.month}/{day.day}" if chinese else f"{day.day}/{day.month}"
        parts.append(f'<text x="{x:.1f}" y="{height + 14}" font-size="10" fill="#5b5675">{label}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (numbers and escaped titles only)
