"""Console: materials of an event or a series, and feedback figures. An event's pages admit
its hosts too (events' event_team_required); a series' are the committee's."""

from django.contrib import messages
from django.db.models import Avg, Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Event, EventRating
from events.views.manage.access import event_team_required, team_required
from members.permissions import committee_required
from society.uploads import upload_limited

from .. import selectors, services
from ..forms import MaterialForm
from ..models import Material, SeriesSession, WorkshopSeries


def _event_of_material(*, token: str, **_) -> Event | None:
    """The event a material belongs to (None for a series' material: no host may touch it)."""
    return get_object_or_404(Material.objects.select_related("event"), token=token).event


@event_team_required
def manage_event_materials(request, slug: str):
    event = get_object_or_404(Event, slug=slug)
    return _materials_page(request, owner={"event": event}, title=event.title, back=event)


@committee_required
def manage_series_materials(request, slug: str):
    series = get_object_or_404(WorkshopSeries, slug=slug)
    return _materials_page(request, owner={"series": series}, title=series.name, back=series)


@upload_limited
def _materials_page(request, *, owner: dict, title: str, back):
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_material(
            **owner,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            visibility=data["visibility"],
            available_from=data["available_from"],
            upload=data.get("upload") if data["kind"] != Material.Kind.LINK else None,
            content_type=data.get("content_type", ""),
            url=data["url"] if data["kind"] == Material.Kind.LINK else "",
        )
        messages.success(request, _("“%(title)s” added.") % {"title": data["title"]})
        return redirect(request.path)
    materials = Material.objects.filter(**owner)
    context = {"form": form, "materials": materials, "title": title, "owner": back, **owner}
    return render(request, "workshops/manage/materials.html", context, status=400 if form.errors else 200)


@team_required(_event_of_material)
@require_POST
def manage_material_move(request, token: str):
    material = get_object_or_404(Material, token=token)
    services.move_material(material=material, up=request.POST.get("direction") == "up")
    return redirect(_materials_url(material))


@team_required(_event_of_material)
@require_POST
def manage_material_delete(request, token: str):
    material = get_object_or_404(Material, token=token)
    url = _materials_url(material)
    services.delete_material(material=material)
    messages.success(request, _("“%(title)s” removed.") % {"title": material.title})
    return redirect(url)


def _materials_url(material: Material) -> str:
    from django.urls import reverse

    if material.event_id:
        return reverse("workshops:manage_event_materials", kwargs={"slug": material.event.slug})
    return reverse("workshops:manage_series_materials", kwargs={"slug": material.series.slug})


@event_team_required
def manage_event_feedback(request, slug: str):
    event = get_object_or_404(Event, slug=slug)
    ratings = EventRating.objects.filter(registration__event=event)
    context = {
        "event": event,
        "summary": ratings.aggregate(average=Avg("score"), count=Count("id")),
        "answers": _answers(ratings),
    }
    return render(request, "workshops/manage/event_feedback.html", context)


@committee_required
def manage_series_feedback(request, slug: str):
    series = get_object_or_404(WorkshopSeries, slug=slug)
    ratings = EventRating.objects.filter(registration__event__series_sessions__series=series)
    per_event = {
        row["registration__event"]: row
        for row in ratings.values("registration__event").annotate(average=Avg("score"), count=Count("id"))
    }
    sessions = list(SeriesSession.objects.filter(series=series).select_related("event"))
    for session in sessions:
        session.feedback = per_event.get(session.event_id, {"average": None, "count": 0})
    context = {
        "series": series,
        "sessions": sessions,
        "summary": ratings.aggregate(average=Avg("score"), count=Count("id")),
        "answers": _answers(ratings.select_related("registration__event")),
    }
    return render(request, "workshops/manage/series_feedback.html", context)


@committee_required
def hosted_sessions(request):
    """The upcoming member-led sessions and what each still lacks."""
    sessions = selectors.member_led_sessions(now=timezone.now())
    return render(request, "workshops/manage/hosted_sessions.html", {"sessions": sessions})


def _answers(ratings):
    """Written answers, newest first; who wrote them is not shown."""
    return (
        ratings.exclude(what_worked="", what_to_improve="", comment="")
        .select_related("registration__event")
        .order_by("-created_at")
    )
