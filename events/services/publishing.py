"""The life of an event: created as a draft, published, changed, cancelled, copied,
planned as a weekly series. Each locks the event's row, tells registrants through
the outbox and the committee's webhook after commit, and writes the action log."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from members.services import delete_files_on_commit

from ..models import Event, EventSpeaker, Registration
from .audit import record_action
from .emails import queue_event_update
from .registrations import RegistrationError, change_capacity, lock_event
from .webhook import notify_webhook_on_commit

# Fields that only these functions change, so registrants and the webhook hear of it.
TIME_AND_PLACE = ("starts_at", "ends_at", "venue", "building", "online_url")
GUARDED_FIELDS = ("status", *TIME_AND_PLACE, "capacity")


# --- Local times ---------------------------------------------------------------------


def society_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_time_problem(naive: datetime) -> str | None:
    """Why a wall-clock time cannot be used in the society's time zone: it does not
    exist (clocks go forward) or happens twice (clocks go back); None when fine."""
    zone = society_zone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    when = naive.strftime("%H:%M on %-d %B %Y")
    if first.utcoffset() != second.utcoffset():
        # On a night when clocks change, a missing time round-trips to another wall time.
        roundtrip = first.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
        if roundtrip != naive:
            return f"{when} does not exist in {zone.key}: the clocks go forward that night. Choose another time."
        return f"{when} happens twice in {zone.key}: the clocks go back that night. Choose another time."
    return None


def make_local(naive: datetime) -> datetime:
    """A wall-clock time in the society's time zone as an aware datetime (check local_time_problem first)."""
    return naive.replace(tzinfo=society_zone())


# --- One event -----------------------------------------------------------------------


def unique_slug(title: str, day: date) -> str:
    base = f"{slugify(title)[:180] or 'event'}-{day:%Y-%m-%d}"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_event(*, event: Event, by, topics=None, now: datetime | None = None) -> Event:
    """Save a new event (filled in by a form) as a draft with a slug of its title and day."""
    with transaction.atomic():
        event.status = Event.Status.DRAFT
        if not event.slug:
            event.slug = unique_slug(event.title, timezone.localtime(event.starts_at).date())
        event.save()
        if topics is not None:
            event.topics.set(topics)
        record_action(actor=by, event=event, action="created", now=now)
    return event


def publish_problem(event: Event, *, now: datetime | None = None) -> str | None:
    """Why `event` cannot be published (None: it can, or it already is)."""
    if event.status == Event.Status.CANCELLED:
        return f"“{event.title}” is cancelled: it cannot be published again. Duplicate it instead."
    if event.status == Event.Status.DRAFT and event.ends_at <= (now or timezone.now()):
        return f"“{event.title}” is over: a past event cannot be published."
    return None


def cancel_problem(event: Event, *, now: datetime | None = None) -> str | None:
    """Why `event` cannot be cancelled (None: it can, or it already is)."""
    if event.status == Event.Status.DRAFT:
        return f"“{event.title}” is a draft that nobody has seen: there is nothing to cancel."
    if event.status == Event.Status.PUBLISHED and event.ends_at <= (now or timezone.now()):
        return f"“{event.title}” is over: a past event cannot be cancelled."
    return None


def publish_event(*, event: Event, by, now: datetime | None = None) -> Event:
    """Make a draft public. Publishing twice does nothing new; a cancelled or past event is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event)
        problem = publish_problem(event, now=now)
        if problem:
            raise RegistrationError(problem)
        if event.status == Event.Status.PUBLISHED:
            return event
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        record_action(actor=by, event=event, action="published", now=now)
        notify_webhook_on_commit(event, "published")
    return event


def cancel_event(*, event: Event, by, message: str, now: datetime | None = None) -> int:
    """Cancel a published event and tell everyone registered (confirmed and waiting),
    with the committee's message, through the outbox. Returns how many were told.
    A draft is not cancelled (nobody saw it), nor is an event that is over."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event)
        problem = cancel_problem(event, now=now)
        if problem:
            raise RegistrationError(problem)
        if event.status == Event.Status.CANCELLED:
            return 0
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        told = 0
        for registration in Registration.objects.active().filter(event=event).select_related("user"):
            told += queue_event_update(registration, event=event, key="cancelled", message=message)
        record_action(actor=by, event=event, action="cancelled", detail=f"{told} registrants told. {message}", now=now)
        notify_webhook_on_commit(event, "cancelled")
    return told


def update_event(
    *, event: Event, changed: list[str], by, tell_registrants: bool, message: str = "", topics=None
) -> int:
    """Save an event edited in the console or the admin (the form has validated it).
    When the time or place of a published event changed and `tell_registrants`,
    everyone registered is emailed. Capacity goes through change_capacity (it may
    promote people waiting). The status is never changed here: publish or cancel.
    `topics`, when given, replace the event's topics. Returns how many were told."""
    with transaction.atomic():
        locked = lock_event(event)
        event.status = locked.status
        if "capacity" in changed:
            change_capacity(event=locked, capacity=event.capacity)
        event.save()
        if topics is not None:
            event.topics.set(topics)
        told = 0
        moved = [name for name in changed if name in TIME_AND_PLACE]
        if moved and tell_registrants and event.status == Event.Status.PUBLISHED:
            stamp = int(event.updated_at.timestamp())
            for registration in Registration.objects.active().filter(event=event).select_related("user"):
                told += queue_event_update(registration, event=event, key=f"changed-{stamp}", message=message)
        detail = ", ".join(changed) or "nothing"
        record_action(actor=by, event=event, action="edited", detail=f"Changed: {detail}. {told} registrants told.")
        if moved and event.status == Event.Status.PUBLISHED:
            notify_webhook_on_commit(event, "changed")
    return told


def set_banner(*, event: Event, renditions: dict[int, bytes]) -> None:
    """Store re-encoded banner renditions (events.images) under new random names."""
    old_files = [event.banner.name, event.banner_small.name]
    token = secrets.token_hex(16)
    event.banner.save(f"{token}-1200.jpg", ContentFile(renditions[1200]), save=False)
    event.banner_small.save(f"{token}-600.jpg", ContentFile(renditions[600]), save=False)
    event.save(update_fields=["banner", "banner_small", "updated_at"])
    delete_files_on_commit(old_files)


COPIED_FIELDS = [
    "kind", "title", "summary", "description", "venue", "building", "map_url", "online_url",
    "capacity", "waitlist_enabled", "members_only", "level",
]  # fmt: skip


def duplicate_event(*, event: Event, starts_at: datetime, by) -> Event:
    """A new draft like `event` ("same as last week"), at another time; the same
    length, topics and speakers (invited again); registration windows are left open."""
    with transaction.atomic():
        copy = Event(
            **{name: getattr(event, name) for name in COPIED_FIELDS},
            starts_at=starts_at,
            ends_at=starts_at + (event.ends_at - event.starts_at),
            slug=unique_slug(event.title, timezone.localtime(starts_at).date()),
            status=Event.Status.DRAFT,
        )
        copy.save()
        copy.topics.set(event.topics.all())
        EventSpeaker.objects.bulk_create(
            EventSpeaker(event=copy, speaker_id=link.speaker_id, order=link.order)
            for link in event.event_speakers.all()
        )
        record_action(actor=by, event=copy, action="created", detail=f"Duplicated from {event.slug}.")
    return copy


# --- Weekly series -------------------------------------------------------------------


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

    def days(self) -> list[date]:
        first = self.first_day + timedelta(days=(self.weekday - self.first_day.weekday()) % 7)
        all_days = [first + timedelta(weeks=n) for n in range(self.weeks)]
        return [day for day in all_days if day not in self.skip]

    def problems(self) -> list[str]:
        return [p for day in self.days() if (p := local_time_problem(datetime.combine(day, self.start)))]


def create_weekly_series(*, plan: SeriesPlan, by) -> list[Event]:
    """Drafts, one a week on the plan's weekday and time, except the skipped dates."""
    problems = plan.problems()
    if problems:
        raise RegistrationError(problems[0])
    events = []
    with transaction.atomic():
        for day in plan.days():
            starts_at = make_local(datetime.combine(day, plan.start))
            event = Event.objects.create(
                title=plan.title,
                kind=plan.kind,
                slug=unique_slug(plan.title, day),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=plan.minutes),
                venue=plan.venue,
                capacity=plan.capacity,
                status=Event.Status.DRAFT,
            )
            events.append(event)
        record_action(
            actor=by, event=events[0] if events else None, action="created series", detail=f"{len(events)} drafts."
        )
    return events
