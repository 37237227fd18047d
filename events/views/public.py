"""Pages everyone can see: the home page, event lists, event pages, calendars."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from society.page_cache import public_page

from .. import services
from ..calendars import event_calendar, events_feed
from ..forms import EventFilterForm, SelfCheckInForm
from ..markdown import render_markdown
from ..models import Event
from ..selectors import register_button, search_events
from .access import get_event_for

EVENTS_PER_PAGE = 20
# The public feed: everything upcoming, and what happened in the last four weeks (a
# subscriber still sees the month's past sessions). A calendar app replaces a feed's events
# at each refresh, so older ones leave it; /events/past/ keeps them all. Its cost is the
# icalendar library's rendering, about 0.2 ms an event. At most FEED_MAX_EVENTS, the soonest first.
FEED_PAST_WEEKS = 4
FEED_MAX_EVENTS = 500


@public_page("events")
def home(request):
    # Read only when the shared part is not cached.
    upcoming = SimpleLazyObject(lambda: list(Event.objects.listed().upcoming().with_confirmed_count()[:4]))
    return render(request, "events/home.html", {"upcoming": upcoming})


@public_page("events")
def event_list(request):
    form = EventFilterForm(request.GET)

    def page_of_events():  # asked for only when the list is not in the cache (the template's shared part)
        events = search_events(Event.objects.listed().upcoming().with_confirmed_count(), **form.filters())
        return Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))

    context = {
        "page": SimpleLazyObject(page_of_events),
        "past": False,
        "form": form,
        # The selects are written out in the template: rendering widgets through
        # templates cost more than the rest of the page.
        "topics": form.fields["topic"].queryset,
        "problems": lambda: form.problems(),
        "filtering": lambda: _filtering(form),
    }
    return render(request, "events/event_list.html", context)


def _filtering(form: EventFilterForm) -> bool:
    filters = form.filters()
    return bool(filters["kind"] or filters["topic"] or filters["words"].strip())


@public_page("events")
def past_events(request):
    past = Event.objects.listed().past()
    page = SimpleLazyObject(lambda: Paginator(past, EVENTS_PER_PAGE).get_page(request.GET.get("page")))
    return render(request, "events/event_list.html", {"page": page, "past": True})


@public_page("events")
def event_detail(request, slug: str):
    event = get_event_for(request.user, slug)
    button = register_button(event=event, user=request.user, confirmed=event.confirmed_count)
    now = timezone.now()
    present = button.registration is not None and button.registration.checked_in_at is not None
    can_self_check_in = button.state == "registered" and services.self_check_in_offered(event, now) and not present
    context = {
        "event": event,
        "button": button,
        "description": lambda: render_markdown(event.description),  # only when not cached
        "now": now,
        "self_check_in": SelfCheckInForm() if can_self_check_in else None,
        "present": present,
    }
    return render(request, "events/event_detail.html", context)


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public_page("events")
def event_ics(request, slug: str):
    event = get_event_for(request.user, slug)
    return ics_response(event_calendar(event), f"{event.slug}.ics")


@public_page("events")
def calendar_feed(request):
    since = timezone.now() - timedelta(weeks=FEED_PAST_WEEKS)
    events = Event.objects.listed().filter(ends_at__gte=since).order_by("starts_at")[:FEED_MAX_EVENTS]
    return ics_response(events_feed(events), "events.ics")
