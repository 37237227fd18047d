"""Committee console: workshop series (details, sessions in order, retiring) and study
groups (details, generated meetings, cancelling a meeting, who is in)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events.models import Event
from members.permissions import committee_required

from .. import services
from ..forms import (
    AddSessionForm,
    CancelMeetingForm,
    GenerateMeetingsForm,
    SeriesConsoleForm,
    StudyGroupConsoleForm,
)
from ..models import SeriesSession, StudyGroup, WorkshopSeries

# --- Series --------------------------------------------------------------------------


@committee_required
def manage_workshops(request):
    """The entry point: current series, then retired ones."""
    series = WorkshopSeries.objects.annotate(session_count=Count("series_sessions")).order_by("name")
    context = {
        "series_list": series.filter(retired_at__isnull=True),
        "retired_list": series.filter(retired_at__isnull=False),
    }
    return render(request, "workshops/manage/workshops.html", context)


@committee_required
def series_new(request):
    form = SeriesConsoleForm(request.POST or None)
    if form.is_valid():
        series = services.save_series(
            series=form.save(commit=False), by=request.user, topics=form.cleaned_data["topics"]
        )
        messages.success(request, _("“%(series)s” created. Add its sessions below.") % {"series": series.name})
        return redirect("workshops:manage_series", slug=series.slug)
    return render(request, "workshops/manage/series_form.html", {"form": form, "series": None})


@committee_required
def series_console(request, slug: str):
    """A series' details (a form) and its sessions in order, with the events that can be added."""
    series = get_object_or_404(WorkshopSeries, slug=slug)
    form = SeriesConsoleForm(request.POST or None, instance=WorkshopSeries.objects.get(pk=series.pk))
    if form.is_valid():
        services.save_series(series=form.save(commit=False), by=request.user, topics=form.cleaned_data["topics"])
        messages.success(request, _("Saved."))
        return redirect("workshops:manage_series", slug=series.slug)
    context = {
        "series": series,
        "form": form,
        "sessions": SeriesSession.objects.filter(series=series).select_related("event").order_by("order", "id"),
        "add_form": None if series.retired_at else AddSessionForm(series=series),
    }
    return render(request, "workshops/manage/series.html", context, status=400 if form.errors else 200)


@committee_required
@require_POST
def series_add_session(request, slug: str):
    series = get_object_or_404(WorkshopSeries, slug=slug)
    form = AddSessionForm(request.POST, series=series)
    if not form.is_valid():
        messages.error(request, _("Choose an event from the list: it may be in the series already."))
        return redirect("workshops:manage_series", slug=slug)
    try:
        services.add_session(series=series, event=form.cleaned_data["event"], by=request.user)
        messages.success(request, _("“%(event)s” added.") % {"event": form.cleaned_data["event"].title})
    except services.WorkshopError as error:
        messages.error(request, str(error))
    return redirect("workshops:manage_series", slug=slug)


def _series_and_session_event(slug: str, event_slug: str) -> tuple[WorkshopSeries, Event]:
    """Scoped: the event must be a session of the series in the URL."""
    session = get_object_or_404(
        SeriesSession.objects.select_related("series", "event"), series__slug=slug, event__slug=event_slug
    )
    return session.series, session.event


@committee_required
@require_POST
def series_move_session(request, slug: str, event_slug: str):
    series, event = _series_and_session_event(slug, event_slug)
    services.move_session(series=series, event=event, up=request.POST.get("direction") == "up")
    return redirect("workshops:manage_series", slug=slug)


@committee_required
@require_POST
def series_remove_session(request, slug: str, event_slug: str):
    series, event = _series_and_session_event(slug, event_slug)
    services.remove_session(series=series, event=event, by=request.user)
    messages.success(
        request, _("“%(event)s” is no longer in this series (the event itself stays).") % {"event": event.title}
    )
    return redirect("workshops:manage_series", slug=slug)


@committee_required
@require_POST
def series_retire(request, slug: str):
    series = get_object_or_404(WorkshopSeries, slug=slug)
    retired = request.POST.get("retired") == "1"
    services.retire_series(series=series, retired=retired, by=request.user)
    done = _("“%(series)s” retired.") if retired else _("“%(series)s” is current again.")
    messages.success(request, done % {"series": series.name})
    return redirect("workshops:manage_series", slug=slug)


# --- Study groups --------------------------------------------------------------------


@committee_required
def study_groups(request):
    now = timezone.now()
    groups = StudyGroup.objects.select_related("topic", "organiser").annotate(
        member_count=Count("memberships", distinct=True),
        upcoming_count=Count(
            "meetings",
            filter=Q(meetings__starts_at__gte=now, meetings__status=Event.Status.PUBLISHED),
            distinct=True,
        ),
    )
    groups = list(groups.order_by("name"))
    context = {
        "groups": [group for group in groups if not group.archived_at],
        "archived": [group for group in groups if group.archived_at],
        "to_archive": services.groups_to_archive().count(),
    }
    return render(request, "workshops/manage/study_groups.html", context)


@committee_required
@require_POST
def study_groups_archive(request):
    """The new year's clean-up: archive last year's study groups (not those still meeting)."""
    archived = services.archive_last_years_study_groups(by=request.user)
    left = services.groups_to_archive().count()
    if archived:
        names = ", ".join(group.name for group in archived)
        messages.success(request, _("Archived: %(groups)s.") % {"groups": names})
    if left:
        messages.info(
            request,
            _("%(count)s kept: they have meetings to come. Cancel those first, or keep them going.") % {"count": left},
        )
    if not archived and not left:
        messages.info(request, _("There is nothing from last year to archive."))
    return redirect("workshops:manage_study_groups")


@committee_required
def study_group_new(request):
    form = StudyGroupConsoleForm(request.POST or None)
    if form.is_valid():
        group = services.save_study_group(group=form.save(commit=False), by=request.user)
        messages.success(request, _("%(group)s created.") % {"group": group.name})
        return redirect("workshops:manage_study_group", slug=group.slug)
    return render(request, "workshops/manage/study_group_form.html", {"form": form, "group": None})


@committee_required
def study_group_console(request, slug: str):
    """A group's details (a form), who is in, and its meetings (each may be cancelled)."""
    group = get_object_or_404(StudyGroup.objects.select_related("topic", "organiser"), slug=slug)
    # The form edits its own copy, so the page's heading shows the saved name until saved.
    form = StudyGroupConsoleForm(
        request.POST or None, instance=StudyGroup.objects.select_related("organiser").get(pk=group.pk)
    )
    if form.is_valid():
        try:
            services.save_study_group(group=form.save(commit=False), by=request.user)
        except services.WorkshopError as error:
            form.add_error("capacity", str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("workshops:manage_study_group", slug=group.slug)
    context = {
        "group": group,
        "form": form,
        "memberships": group.memberships.select_related("user").order_by("created_at", "id"),
        "meetings": group.meetings.order_by("-starts_at")[:50],
        "now": timezone.now(),
    }
    return render(request, "workshops/manage/study_group.html", context, status=400 if form.errors else 200)


@committee_required
def study_group_meetings(request, slug: str):
    """Generate meetings from the group's pattern, in one step."""
    group = get_object_or_404(StudyGroup, slug=slug)
    form = GenerateMeetingsForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meetings = services.generate_meetings(
                group=group, first_day=data["first_day"], weeks=data["weeks"], skip=data["skip"], by=request.user
            )
        except services.WorkshopError as error:
            form.add_error(None, str(error))
        else:
            published = ngettext(
                "%(count)d meeting published; the group's members are being emailed.",
                "%(count)d meetings published; the group's members are being emailed.",
                len(meetings),
            )
            messages.success(request, published % {"count": len(meetings)})
            return redirect("workshops:manage_study_group", slug=slug)
    status = 400 if form.errors else 200
    return render(request, "workshops/manage/study_group_meetings.html", {"group": group, "form": form}, status=status)


@committee_required
def study_group_cancel_meeting(request, slug: str, event_slug: str):
    group = get_object_or_404(StudyGroup, slug=slug)
    event = get_object_or_404(group.meetings.all(), slug=event_slug)
    form = CancelMeetingForm(request.POST or None)
    if form.is_valid():
        try:
            told = services.cancel_meeting(
                group=group, event=event, by=request.user, message=form.cleaned_data["message"]
            )
        except services.WorkshopError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Cancelled. %(count)d registrant is being emailed.",
                    "Cancelled. %(count)d registrants are being emailed.",
                    told,
                )
                % {"count": told},
            )
        return redirect("workshops:manage_study_group", slug=slug)
    context = {"group": group, "event": event, "form": form}
    return render(request, "workshops/manage/study_group_cancel.html", context)
