"""The life of an event: created as a draft, published, changed, cancelled, copied,
planned as a weekly series. Each locks the event's row, tells registrants through
the outbox and the committee's webhook after commit, and writes the action log."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from society import formats as society_formats
from society.emails import queue_emails

from ..models import Event, EventSpeaker, Registration
from .audit import record_action
from .checkin import keep_first_attendances
from .details import EventExtras, apply_extras
from .emails import event_update_email
from .lottery import check_lottery_settings, prepare_lottery
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
    when = {
        "time": society_formats.when(naive, "time"),
        "day": society_formats.when(naive, "long_date"),
        "zone": zone.key,
    }
    if first.utcoffset() != second.utcoffset():
        # On a night when clocks change, a missing time round-trips to another wall time.
        roundtrip = first.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
        if roundtrip != naive:
            return (
                gettext(
                    "%(time)s on %(day)s does not exist in %(zone)s: the clocks go forward that night. "
                    "Choose another time."
                )
                % when
            )
        return (
            gettext(
                "%(time)s on %(day)s happens twice in %(zone)s: the clocks go back that night. Choose another time."
            )
            % when
        )
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


def create_event(
    *, event: Event, by, topics=None, extras: EventExtras | None = None, now: datetime | None = None
) -> Event:
    """Save a new event (filled in by a form) as a draft with a slug of its title and day,
    with `extras` (new topics, banner, speakers) in the same transaction."""
    with transaction.atomic():
        event.status = Event.Status.DRAFT
        check_lottery_settings(event, stored=None, now=now)
        prepare_lottery(event)
        if not event.slug:
            event.slug = unique_slug(event.title, timezone.localtime(event.starts_at).date())
        event.save()
        if topics is not None:
            event.topics.set(topics)
        if extras is not None:
            apply_extras(event=event, extras=extras, by=by)
        record_action(actor=by, event=event, action="created", now=now)
    return event


def publish_problem(event: Event, *, now: datetime | None = None) -> str | None:
    """Why `event` cannot be published (None: it can, or it already is)."""
    if event.status == Event.Status.CANCELLED:
        return gettext("“%(title)s” is cancelled: it cannot be published again. Duplicate it instead.") % {
            "title": event.title
        }
    if event.status == Event.Status.DRAFT and event.ends_at <= (now or timezone.now()):
        return gettext("“%(title)s” is over: a past event cannot be published.") % {"title": event.title}
    return None


def cancel_problem(event: Event, *, now: datetime | None = None) -> str | None:
    """Why `event` cannot be cancelled (None: it can, or it already is)."""
    if event.status == Event.Status.DRAFT:
        return gettext("“%(title)s” is a draft that nobody has seen: there is nothing to cancel.") % {
            "title": event.title
        }
    if event.status == Event.Status.PUBLISHED and event.ends_at <= (now or timezone.now()):
        return gettext("“%(title)s” is over: a past event cannot be cancelled.") % {"title": event.title}
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
        told = queue_emails(
            event_update_email(registration, event=event, key="cancelled", message=message)
            for registration in event.registrations.active().select_related("user")
        )
        record_action(actor=by, event=event, action="cancelled", detail=f"{told} registrants told. {message}", now=now)
        notify_webhook_on_commit(event, "cancelled")
    return told


VERSION_CONFLICT = gettext_lazy(
    "Someone else saved this event since you opened it: check their changes, then save again."
)


def event_version(event: Event) -> str:
    """What a form drawn now remembers of the event, to notice a save made meanwhile."""
    return event.updated_at.isoformat()


def update_event(
    *,
    event: Event,
    changed: list[str],
    by,
    tell_registrants: bool,
    message: str = "",
    topics=None,
    extras: EventExtras | None = None,
    expected_version: str | None = None,
) -> int:
    """Save an event edited in the console or the admin (the form has validated it).
    When the time or place of a published event changed and `tell_registrants`,
    everyone registered is emailed. Capacity goes through change_capacity (it may
    promote people waiting). The status is never changed here: publish or cancel.
    `topics`, when given, replace the event's topics; `extras` add to them, and a banner
    and speakers. With `expected_version` (event_version when the form was drawn), a
    save made by someone else since is refused and nothing changes. Returns how many were told."""
    with transaction.atomic():
        locked = lock_event(event)
        if expected_version is not None and event_version(locked) != expected_version:
            raise RegistrationError(VERSION_CONFLICT)
        event.status = locked.status
        event.strikes_given_at = locked.strikes_given_at  # given meanwhile by the minute task, never undone here
        # What only the draw writes, as it is now (the form's copy may predate the draw).
        event.lottery_seed, event.lottery_seed_hash = locked.lottery_seed, locked.lottery_seed_hash
        event.drawn_at, event.lottery_seats = locked.drawn_at, locked.lottery_seats
        check_lottery_settings(event, stored=locked)
        prepare_lottery(event)
        if "capacity" in changed:
            change_capacity(event=locked, capacity=event.capacity)
        event.save()
        if "starts_at" in changed:  # its attendees may have come first on another day
            keep_first_attendances(users=Registration.objects.attended().filter(event=event).values("user"))
        if topics is not None:
            event.topics.set(topics)
        if extras is not None:
            apply_extras(event=event, extras=extras, by=by)
        told = 0
        moved = [name for name in changed if name in TIME_AND_PLACE]
        if moved and tell_registrants and event.status == Event.Status.PUBLISHED:
            stamp = int(event.updated_at.timestamp())
            told = queue_emails(
                event_update_email(registration, event=event, key=f"changed-{stamp}", message=message)
                for registration in event.registrations.active().select_related("user")
            )
        detail = ", ".join(changed) or "nothing"
        record_action(actor=by, event=event, action="edited", detail=f"Changed: {detail}. {told} registrants told.")
        if moved and event.status == Event.Status.PUBLISHED:
            notify_webhook_on_commit(event, "changed")
    return told


COPIED_FIELDS = [
    "kind", "title", "title_zh", "summary", "summary_zh", "description", "venue", "building", "map_url", "online_url",
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
