"""The committee's workshop series: details, sessions in order, retiring. Each
change locks the series' row and writes the action log in its transaction."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Event
from events.services import RegistrationError, record_action

from ..models import SeriesSession, WorkshopSeries
from .errors import WorkshopError


def _lock(series: WorkshopSeries) -> WorkshopSeries:
    return WorkshopSeries.objects.select_for_update().get(pk=series.pk)


def unique_series_slug(name: str, *, exclude: int | None = None) -> str:
    base = slugify(name)[:200] or "series"
    slug, n = base, 2
    # "new" is the console's page for a new series.
    while slug == "new" or WorkshopSeries.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_series(*, series: WorkshopSeries, by, topics=None, now: datetime | None = None) -> WorkshopSeries:
    """Create or change a series (filled in by the console's form). A new one without
    a slug gets one made from its name; an existing one keeps its slug, so shared links still work."""
    with transaction.atomic():
        created = series.pk is None
        if created:
            series.slug = series.slug or unique_series_slug(series.name)
        series.save()
        if topics is not None:
            series.topics.set(topics)
        action = "created series" if created else "edited series"
        record_action(actor=by, action=action, detail=series.name, now=now)
    return series


def add_session(*, series: WorkshopSeries, event: Event, by, now: datetime | None = None) -> SeriesSession:
    """Put `event` last in the series. A retired series takes no new sessions; an event is in a series once."""
    with transaction.atomic():
        series = _lock(series)
        if series.retired_at:
            raise WorkshopError(
                _("“%(series)s” is retired: bring it back before adding sessions.") % {"series": series.name}
            )
        if SeriesSession.objects.filter(series=series, event=event).exists():
            raise WorkshopError(_("“%(event)s” is already in this series.") % {"event": event.title})
        last = SeriesSession.objects.filter(series=series).aggregate(last=Max("order"))["last"]
        session = SeriesSession.objects.create(series=series, event=event, order=0 if last is None else last + 1)
        record_action(actor=by, action="added to series", event=event, detail=series.name, now=now)
    return session


def remove_session(*, series: WorkshopSeries, event: Event, by, now: datetime | None = None) -> bool:
    """Take `event` out of the series (the event itself stays). True if it was in it."""
    with transaction.atomic():
        series = _lock(series)
        deleted, _count = SeriesSession.objects.filter(series=series, event=event).delete()
        if deleted:
            _renumber(list(SeriesSession.objects.filter(series=series).order_by("order", "id")))
            record_action(actor=by, action="removed from series", event=event, detail=series.name, now=now)
    return bool(deleted)


def move_session(*, series: WorkshopSeries, event: Event, up: bool) -> None:
    """Swap a session with its neighbour above or below (then renumber 0, 1, 2…)."""
    with transaction.atomic():
        series = _lock(series)
        sessions = list(SeriesSession.objects.filter(series=series).order_by("order", "id"))
        index = next((i for i, session in enumerate(sessions) if session.event_id == event.pk), None)
        if index is None:
            raise WorkshopError(_("“%(event)s” is not in this series.") % {"event": event.title})
        target = index - 1 if up else index + 1
        if 0 <= target < len(sessions):
            sessions[index], sessions[target] = sessions[target], sessions[index]
        _renumber(sessions)


def _renumber(sessions: list[SeriesSession]) -> None:
    for order, session in enumerate(sessions):
        if session.order != order:
            SeriesSession.objects.filter(pk=session.pk).update(order=order, updated_at=timezone.now())


def retire_series(*, series: WorkshopSeries, retired: bool, by, now: datetime | None = None) -> WorkshopSeries:
    """Retire a series (listed apart, offered no new sessions) or bring it back."""
    now = now or timezone.now()
    with transaction.atomic():
        series = _lock(series)
        if bool(series.retired_at) == retired:
            return series
        series.retired_at = now if retired else None
        series.save(update_fields=["retired_at", "updated_at"])
        action = "retired series" if retired else "brought back series"
        record_action(actor=by, action=action, detail=series.name, now=now)
    return series


def workshop_series_choices() -> list[tuple[str, str]]:
    """The current workshop series a new weekly series of drafts can join (society.hooks.SERIES_LINKS)."""
    current = WorkshopSeries.objects.filter(retired_at__isnull=True).order_by("name")
    return [(series.slug, series.name) for series in current]


def add_series_sessions(*, events: list[Event], value: str, by) -> None:
    """Add new drafts at the end of the workshop series of slug `value`, in their order
    (society.hooks.SERIES_LINKS: runs inside the weekly series' transaction)."""
    series = WorkshopSeries.objects.select_for_update().filter(slug=value, retired_at__isnull=True).first()
    if series is None:
        raise RegistrationError(_("That workshop series no longer exists or is retired: choose another, or none."))
    last = SeriesSession.objects.filter(series=series).aggregate(last=Max("order"))["last"]
    first = 0 if last is None else last + 1
    SeriesSession.objects.bulk_create(
        SeriesSession(series=series, event=event, order=first + n) for n, event in enumerate(events)
    )
    record_action(
        actor=by, event=events[0] if events else None, action="joined workshop series",
        detail=f"{len(events)} drafts added to {series.name}.",
    )  # fmt: skip
