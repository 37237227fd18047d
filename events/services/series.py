"""Weekly series: drafts made together, one a week, with every detail at once (and,
through society.hooks.SERIES_LINKS, joined to what another app offers, such as a
workshop series); then published together. The drafts of one series share a
random `Event.series_key`."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from members.models import Topic
from members.services import topics_named
from society.hooks import SeriesLink

from ..models import Event
from .audit import record_action
from .details import set_banner
from .publishing import local_time_problem, make_local, publish_event, unique_slug
from .registrations import RegistrationError

MAX_WEEKS = 30
TOO_LONG = format_lazy(
    gettext_lazy("A series is at most {weeks} weeks: create a longer one as two series."), weeks=MAX_WEEKS
)


@dataclass(frozen=True)
class SeriesPlan:
    title: str
    kind: str
    first_day: date
    weekday: int  # Monday is 0
    start: time
    minutes: int
    weeks: int
    skip: frozenset[date]
    venue: str = ""
    capacity: int | None = None
    building: str = ""
    summary: str = ""
    description: str = ""
    what_to_bring: str = ""
    setup_checklist: str = ""
    reminders_enabled: bool = True
    level: str = Event.Level.ALL
    members_only: bool = False
    topics: tuple[Topic, ...] = ()
    new_topic_names: tuple[str, ...] = field(default=())

    def days(self) -> list[date]:
        first = self.first_day + timedelta(days=(self.weekday - self.first_day.weekday()) % 7)
        all_days = [first + timedelta(weeks=n) for n in range(self.weeks)]
        return [day for day in all_days if day not in self.skip]

    def problems(self) -> list[str]:
        if self.weeks > MAX_WEEKS:
            return [TOO_LONG]
        return [p for day in self.days() if (p := local_time_problem(datetime.combine(day, self.start)))]


# Copied from the plan onto every draft.
PLAN_FIELDS = (
    "title", "kind", "venue", "building", "capacity", "summary", "description", "what_to_bring",
    "setup_checklist", "reminders_enabled", "level", "members_only",
)  # fmt: skip


def create_weekly_series(
    *,
    plan: SeriesPlan,
    by,
    banner: dict[int, bytes] | None = None,
    links: Sequence[tuple[SeriesLink, str]] = (),
    now: datetime | None = None,
) -> list[Event]:
    """Drafts, one a week on the plan's weekday and time (in the society's time zone,
    whatever the clocks do), except the skipped dates; each with the plan's details,
    topics and `banner` (events.images renditions), all sharing one series key. Each
    (link, value) in `links` attaches the drafts inside the same transaction."""
    problems = plan.problems()
    if problems:
        raise RegistrationError(problems[0])
    key = secrets.token_hex(8)
    events = []
    with transaction.atomic():
        topics = [*plan.topics, *topics_named(list(plan.new_topic_names), by=by)]
        for day in plan.days():
            starts_at = make_local(datetime.combine(day, plan.start))
            event = Event.objects.create(
                **{name: getattr(plan, name) for name in PLAN_FIELDS},
                slug=unique_slug(plan.title, day),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=plan.minutes),
                status=Event.Status.DRAFT,
                series_key=key,
            )
            event.topics.set(topics)
            if banner:
                set_banner(event=event, renditions=banner)
            events.append(event)
        for link, value in links:
            link.attach(events=events, value=value, by=by)
        record_action(
            actor=by, event=events[0] if events else None, action="created series", detail=f"{len(events)} drafts.",
            now=now,
        )  # fmt: skip
    return events


def series_drafts(event: Event):
    """The drafts of the series `event` was created in (none for an event made alone)."""
    if not event.series_key:
        return Event.objects.none()
    return Event.objects.filter(series_key=event.series_key, status=Event.Status.DRAFT).order_by("starts_at")


@dataclass
class SeriesPublication:
    published: list[Event]
    refused: list[tuple[Event, str]]  # and why


def publish_series(*, event: Event, by, now: datetime | None = None) -> SeriesPublication:
    """Publish every draft of `event`'s series, each through publish_event (its own
    lock, log entry and webhook); those refused (over) are reported with the reason."""
    now = now or timezone.now()
    result = SeriesPublication(published=[], refused=[])
    for draft in series_drafts(event):
        try:
            result.published.append(publish_event(event=draft, by=by, now=now))
        except RegistrationError as error:
            result.refused.append((draft, str(error)))
    return result
