"""Workshop workflows: adding and ordering materials, rendering notebooks,
feedback, study groups. Views, the admin, tasks and the demo all call these."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from events.models import Event, EventRating, Registration
from events.services import RegistrationError, record_action

from .models import Material, SeriesSession, StudyGroup, StudyGroupMembership, WorkshopSeries
from .uploads import read_notebook


class WorkshopError(Exception):
    """A rule of the workshops app said no; the message is for the person."""


def add_material(
    *,
    kind: str,
    title: str,
    event: Event | None = None,
    series: WorkshopSeries | None = None,
    upload=None,
    content_type: str = "",
    url: str = "",
    visibility: str = Material.Visibility.MEMBERS,
    available_from=None,
    description: str = "",
) -> Material:
    """Store a material whose upload has passed workshops.uploads.check_upload, last in
    its list; a notebook's rendering is queued once the row is committed."""
    siblings = Material.objects.filter(event=event) if event else Material.objects.filter(series=series)
    last = siblings.aggregate(last=Max("order"))["last"]
    material = Material(
        event=event,
        series=series,
        kind=kind,
        title=title,
        description=description,
        visibility=visibility,
        available_from=available_from,
        url=url,
        content_type=content_type,
        order=0 if last is None else last + 1,
    )
    if upload is not None:
        material.original_name = (upload.name or "download").rsplit("/", 1)[-1][:200]
        material.size = upload.size
        material.file.save(upload.name or "download", upload, save=False)
    material.save()
    if kind == Material.Kind.NOTEBOOK:
        from .tasks import render_notebook

        transaction.on_commit(lambda: render_notebook.delay(material.pk))
    return material


def render_material(*, material: Material) -> Material:
    """Render a notebook material's file to inert HTML and store it (idempotent)."""
    from .notebooks import render_notebook_html

    with material.file.open("rb") as stored:
        notebook = read_notebook(stored)
    material.rendered_html = render_notebook_html(notebook)
    material.rendered_at = timezone.now()
    material.save(update_fields=["rendered_html", "rendered_at", "updated_at"])
    return material


def move_material(*, material: Material, up: bool) -> None:
    """Swap a material with its neighbour above or below in the same list (then renumber)."""
    siblings = list(Material.objects.filter(event=material.event, series=material.series).order_by("order", "id"))
    index = next(i for i, other in enumerate(siblings) if other.pk == material.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
    with transaction.atomic():
        for order, other in enumerate(siblings):
            if other.order != order:
                Material.objects.filter(pk=other.pk).update(order=order)


def delete_material(*, material: Material) -> None:
    """Remove a material and its file."""
    if material.file:
        material.file.delete(save=False)
    material.delete()


def give_feedback(*, registration: Registration, score: int, what_worked: str, what_to_improve: str) -> EventRating:
    """An attendee's written feedback, once. It completes a score given from the
    follow-up email's one-click link; a second written feedback is refused."""
    if not registration.checked_in_at:
        raise WorkshopError("Only people who came to this workshop can give feedback.")
    if score not in range(1, 6):
        raise WorkshopError("A rating is a whole number from 1 to 5.")
    with transaction.atomic():
        rating = EventRating.objects.select_for_update().filter(registration=registration).first()
        if rating and (rating.what_worked or rating.what_to_improve):
            raise WorkshopError("You have already given feedback on this workshop. Thank you!")
        rating = rating or EventRating(registration=registration)
        rating.score, rating.what_worked, rating.what_to_improve = score, what_worked, what_to_improve
        rating.save()
    return rating


def join_study_group(*, group: StudyGroup, user) -> StudyGroupMembership:
    """Join, if a place is free (the group's row is locked while counting)."""
    with transaction.atomic():
        group = StudyGroup.objects.select_for_update().get(pk=group.pk)
        if StudyGroupMembership.objects.filter(group=group, user=user).exists():
            raise WorkshopError("You are already in this study group.")
        if StudyGroupMembership.objects.filter(group=group).count() >= group.capacity:
            raise WorkshopError("This study group is full.")
        try:
            with transaction.atomic():
                return StudyGroupMembership.objects.create(group=group, user=user)
        except IntegrityError as error:
            raise WorkshopError("You are already in this study group.") from error


def leave_study_group(*, group: StudyGroup, user) -> bool:
    """Leave; True if the person was in the group."""
    deleted, _ = StudyGroupMembership.objects.filter(group=group, user=user).delete()
    return bool(deleted)


def workshop_series_choices() -> list[tuple[str, str]]:
    """The workshop series a new weekly series of drafts can join (society.hooks.SERIES_LINKS)."""
    return [(series.slug, series.name) for series in WorkshopSeries.objects.order_by("name")]


def add_series_sessions(*, events: list[Event], value: str, by) -> None:
    """Add new drafts at the end of the workshop series of slug `value`, in their order
    (society.hooks.SERIES_LINKS: runs inside the weekly series' transaction)."""
    series = WorkshopSeries.objects.select_for_update().filter(slug=value).first()
    if series is None:
        raise RegistrationError("That workshop series no longer exists: choose another, or none.")
    last = SeriesSession.objects.filter(series=series).aggregate(last=Max("order"))["last"]
    first = 0 if last is None else last + 1
    SeriesSession.objects.bulk_create(
        SeriesSession(series=series, event=event, order=first + n) for n, event in enumerate(events)
    )
    record_action(
        actor=by, event=events[0] if events else None, action="joined workshop series",
        detail=f"{len(events)} drafts added to {series.name}.",
    )  # fmt: skip
