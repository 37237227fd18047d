"""Pages everyone can see: the home page, event lists, event pages, calendars."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import services
from ..calendars import event_calendar, events_feed
from ..forms import EventFilterForm, SelfCheckInForm
from ..markdown import render_markdown
from ..models import Event
from ..selectors import register_button, search_events
from .access import get_event_for

EVENTS_PER_PAGE = 20
# The public feed: everything upcoming, and what happened in the last eight weeks (most of
# a term: a subscriber still sees this term's sessions). A calendar app replaces a feed's
# events at each refresh, so older ones leave it; /events/past/ keeps them all. At most
# FEED_MAX_EVENTS, the soonest first.
FEED_PAST_WEEKS = 8
FEED_MAX_EVENTS = 500


def home(request):
    upcoming = Event.objects.listed().upcoming().with_confirmed_count()[:4]
    return render(request, "events/home.html", {"upcoming": upcoming})


def event_list(request):
    form = EventFilterForm(request.GET)
    events = search_events(Event.objects.listed().upcoming().with_confirmed_count(), **form.filters())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "past": False,
        "form": form,
        # The selects are written out in the template: rendering widgets through
        # templates cost more than the rest of the page.
        "topics": form.fields["topic"].queryset,
        "problems": form.problems(),
        "filtering": _filtering(form),
    }
    return render(request, "events/event_list.html", context)


def _filtering(form: EventFilterForm) -> bool:
    filters = form.filters()
    return bool(filters["kind"] or filters["topic"] or filters["words"].strip())


def past_events(request):
    page = Paginator(Event.objects.listed().past(), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "past": True})


def event_detail(request, slug: str):
    event = get_event_for(request.user, slug)
    button = register_button(event=event, user=request.user, confirmed=event.confirmed_count)
    now = timezone.now()
    present = button.registration is not None and button.registration.checked_in_at is not None
    can_self_check_in = button.state == "registered" and services.self_check_in_offered(event, now) and not present
    context = {
        "event": event,
        "button": button,
        "description": render_markdown(event.description),
        "now": now,
        "self_check_in": SelfCheckInForm() if can_self_check_in else None,
        "present": present,
    }
    return render(request, "events/event_detail.html", context)


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, slug: str):
    event = get_event_for(request.user, slug)
    return ics_response(event_calendar(event), f"{event.slug}.ics")


def calendar_feed(request):
    since = timezone.now() - timedelta(weeks=FEED_PAST_WEEKS)
    events = Event.objects.listed().filter(ends_at__gte=since).order_by("starts_at")[:FEED_MAX_EVENTS]
    return ics_response(events_feed(events), "events.ics")
