"""Materials of an event or a series (adding, rendering notebooks, ordering,
deleting) and written feedback."""

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, EventRating, Registration
from society.celery import ask_worker

from ..models import Material, WorkshopSeries
from ..uploads import read_notebook
from .errors import WorkshopError

logger = logging.getLogger(__name__)


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
        transaction.on_commit(lambda: request_rendering(material.pk))
    return material


def request_rendering(material_id: int) -> None:
    """Ask a worker to render the notebook now. If the broker is down, the sweep
    (`render_unrendered_notebooks`) renders it later: the upload does not fail."""
    from ..tasks import render_notebook

    ask_worker(render_notebook, material_id, otherwise="the notebook sweep will render it later.")


def render_material(*, material: Material) -> bool:
    """Render a notebook material's file to inert HTML and store it, once.

    A notebook already rendered, or being rendered by another worker right now,
    is left alone, so the task may run twice, or beside the sweep, harmlessly.
    The row stays locked while it renders: a worker killed midway takes the
    lock with its connection and leaves the notebook unrendered, for
    `render_unrendered_notebooks` to do. Returns whether this call rendered it."""
    from ..notebooks import render_notebook_html

    with transaction.atomic():
        material = (
            Material.objects.select_for_update(skip_locked=True)
            .filter(pk=material.pk, kind=Material.Kind.NOTEBOOK, rendered_at__isnull=True)
            .first()
        )
        if material is None:
            return False
        with material.file.open("rb") as stored:
            notebook = read_notebook(stored)
        material.rendered_html = render_notebook_html(notebook)
        material.rendered_at = timezone.now()
        material.save(update_fields=["rendered_html", "rendered_at", "updated_at"])
    logger.info("Rendered notebook material %s.", material.pk)
    return True


def render_unrendered_notebooks(*, limit: int = 20) -> int:
    """Periodic: render the notebooks whose task was lost (a worker killed while
    rendering, a broker down at upload). Returns how many this call rendered."""
    waiting = Material.objects.filter(kind=Material.Kind.NOTEBOOK, rendered_at__isnull=True).order_by("id")[:limit]
    return sum(render_material(material=material) for material in waiting)


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
        raise WorkshopError(_("Only people who came to this workshop can give feedback."))
    if score not in range(1, 6):
        raise WorkshopError(_("A rating is a whole number from 1 to 5."))
    with transaction.atomic():
        rating = EventRating.objects.select_for_update().filter(registration=registration).first()
        if rating and (rating.what_worked or rating.what_to_improve):
            raise WorkshopError(_("You have already given feedback on this workshop. Thank you!"))
        rating = rating or EventRating(registration=registration)
        rating.score, rating.what_worked, rating.what_to_improve = score, what_worked, what_to_improve
        rating.save()
    return rating
