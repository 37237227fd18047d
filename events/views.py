from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from members.permissions import committee_required

from .models import Event
from .selectors import events_visible_to

EVENTS_PER_PAGE = 20


def home(request):
    upcoming = Event.objects.listed().upcoming()[:4]
    return render(request, "events/home.html", {"upcoming": upcoming})


def event_list(request):
    page = Paginator(Event.objects.listed().upcoming(), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "past": False})


def past_events(request):
    page = Paginator(Event.objects.listed().past(), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "past": True})


def event_detail(request, slug: str):
    event = get_object_or_404(events_visible_to(request.user), slug=slug)
    return render(request, "events/event_detail.html", {"event": event})


@committee_required
def manage_home(request):
    upcoming = Event.objects.upcoming()
    return render(request, "events/manage/home.html", {"upcoming": upcoming})
