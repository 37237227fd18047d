"""Public pages: series, an event's materials, search, feedback."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, EventRating, Registration
from society.page_cache import public_page

from .. import selectors, services
from ..forms import FeedbackForm, SearchForm
from ..models import Material, SeriesSession, WorkshopSeries


@public_page("events", "workshops")
def workshop_list(request):
    context = {"series_list": selectors.series_list, "search_form": SearchForm()}  # read only when not cached
    return render(request, "workshops/series_list.html", context)


@public_page("events", "workshops")
def series_detail(request, slug: str):
    series = get_object_or_404(WorkshopSeries.objects.prefetch_related("topics"), slug=slug)
    sessions = list(
        SeriesSession.objects.filter(
            series=series, event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
        ).select_related("event")
    )
    viewer = selectors.Viewer.of(request.user)
    session_ids = {session.event_id for session in sessions}
    materials = selectors.event_materials(session_ids, viewer=viewer, session_ids=session_ids)
    series_materials = [m for m in series.materials.all() if viewer.may_see(m, session_ids=session_ids)]
    for session in sessions:
        session.materials = materials[session.event_id]
        session.attended = session.event_id in viewer.attended
        session.is_past = session.event.ends_at < timezone.now()
    progress = None
    if request.user.is_authenticated:
        past = [s for s in sessions if s.is_past and not s.event.is_cancelled]
        missed = [s for s in past if not s.attended]
        progress = {"attended": len(past) - len(missed), "past": len(past), "missed": missed}
    context = {"series": series, "sessions": sessions, "series_materials": series_materials, "progress": progress}
    return render(request, "workshops/series_detail.html", context)


def event_materials(request, slug: str):
    """An event's materials (the follow-up email links here)."""
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    viewer = selectors.Viewer.of(request.user)
    materials = selectors.event_materials([event.pk], viewer=viewer)[event.pk]
    hidden = Material.objects.filter(event=event).count() - len(materials)
    series = WorkshopSeries.objects.filter(series_sessions__event=event).first()
    context = {"event": event, "materials": materials, "hidden": hidden, "series": series}
    return render(request, "workshops/event_materials.html", context)


def search(request):
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            results = selectors.search(form.cleaned_data["q"], viewer=selectors.Viewer.of(request.user))
        else:
            status = 400
    return render(request, "workshops/search.html", {"form": form, "results": results}, status=status)


@login_required
def feedback(request, slug: str):
    """Attendees only, once each: a rating and two answers, stored on events.EventRating."""
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    registration = Registration.objects.attended().filter(event=event, user=request.user).first()
    if registration is None:
        raise Http404(_("Only people who came to this workshop can give feedback."))
    rating = EventRating.objects.filter(registration=registration).first()
    done = bool(rating and (rating.what_worked or rating.what_to_improve))
    form = FeedbackForm(request.POST or None, initial={"score": rating.score} if rating else None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.give_feedback(registration=registration, **form.cleaned_data)
        except services.WorkshopError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you for your feedback! The committee reads every answer."))
        return redirect("workshops:feedback", slug=slug)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and done:
        messages.error(request, _("You have already given feedback on this workshop. Thank you!"))
        status = 409
    return render(request, "workshops/feedback.html", {"event": event, "form": form, "done": done}, status=status)
