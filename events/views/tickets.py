"""A member's side of events: registering, cancelling, tickets, My events,
their private calendar, the check-in link a ticket's QR code opens, and self
check-in (the projector's code, or the link its QR code opens)."""

from functools import lru_cache

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from members.permissions import is_committee
from members.two_factor import second_factor_problem, second_factor_redirect
from society import languages
from society.page_cache import not_modified_or

from .. import services
from ..calendars import registrations_feed
from ..forms import SelfCheckInForm
from ..models import CancelledVia, Event, Registration
from ..selectors import my_registrations, register_button
from .access import get_calendar_feed, get_event_for, get_own_registration, get_registration_for_check_in
from .public import ics_response


@login_required
def register(request, slug: str):
    """POST registers (the event page's button). GET shows the same button on its
    own page, for a shared "register" link."""
    event = get_event_for(request.user, slug, for_page=request.method != "POST")
    if request.method != "POST":
        button = register_button(event=event, user=request.user, confirmed=event.confirmed_count)
        return render(request, "events/register.html", {"event": event, "button": button})
    try:
        registration, created = services.register(event=event, user=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
        return redirect(event)
    if not created:
        messages.info(request, _("You were already registered: nothing has changed."))
    elif registration.is_confirmed:
        messages.success(request, _("You are registered. Your ticket is below, and on its way by email."))
        return redirect(registration)
    else:
        position = services.waitlist_position(registration)
        messages.success(
            request, _("The event is full: you are number %(position)s on the waiting list.") % {"position": position}
        )
    return redirect(event)


@login_required
def cancel_registration(request, token: str):
    registration = get_own_registration(request.user, token)
    if request.method == "POST":
        try:
            services.cancel(registration=registration, via=CancelledVia.PAGE)
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect(registration)
        messages.success(request, _("Your place at %(title)s is cancelled.") % {"title": registration.event.title})
        return redirect("events:my_events")
    context = {
        "registration": registration,
        "event": registration.event,
        "gives_strike": services.cancelling_gives_strike(registration),
    }
    return render(request, "events/cancel.html", context)


def check_in_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("events:check_in", kwargs={"token": registration.token})


@lru_cache(maxsize=1024)
def qr_code_svg(url: str) -> str:
    """The QR code as SVG markup to place in the page (no style attributes: the CSP allows none).
    Drawing it is most of the ticket page's time, and a ticket's code never changes: the
    last thousand are kept in each process."""
    svg = segno.make(url, error="m").svg_inline(scale=1, omitsize=True, border=4, light="#fff", title="Check-in code")
    return mark_safe(svg)  # noqa: S308 (made by segno from our own URL)


@never_cache
@login_required
def ticket(request, token: str):
    registration = get_own_registration(request.user, token)
    context = {
        "registration": registration,
        "event": registration.event,
        "position": services.waitlist_position(registration),
        "qr_code": qr_code_svg(check_in_url(registration)) if registration.is_confirmed else "",
        "can_cancel": registration.is_active and services.cancellation_problem(registration) is None,
    }
    return render(request, "events/ticket.html", context)


@login_required
def my_events(request):
    upcoming, past = my_registrations(request.user, past_page=request.GET.get("page"))
    feed = services.calendar_feed_of(request.user)
    context = {"upcoming": upcoming, "past": past, "feed_url": settings.SITE_URL + feed.get_absolute_url()}
    return render(request, "events/my_events.html", context)


@login_required
def reset_calendar(request):
    if request.method == "POST":
        services.reset_calendar_feed(user=request.user)
        messages.success(request, _("Your calendar has a new secret address: the old one no longer works."))
        return redirect("events:my_events")
    return render(request, "events/reset_calendar.html")


def my_calendar(request, token: str):
    """A member's own feed, read by calendar apps that cannot log in: the secret token is the key."""
    feed = get_calendar_feed(token)
    registrations = (
        Registration.objects.active()
        .filter(user=feed.user, event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .select_related("event")
        .order_by("event__starts_at")
    )
    with languages.speaking(feed.user):
        name = _("%(society)s: my events") % {"society": settings.SOCIETY_NAME}
        content = registrations_feed(registrations, name=name)
    # Calendar apps ask often: a 304 when nothing changed.
    return not_modified_or(request, ics_response(content, "my-events.ics"))


def check_in(request, token: str):
    """What scanning a ticket's QR code opens. The committee sees who it is and
    checks them in (a POST: a page visit changes nothing); anyone else sees a
    plain page with nothing personal, whatever the token."""
    if not is_committee(request.user):
        return render(request, "events/check_in_public.html")
    if problem := second_factor_problem(request):
        return second_factor_redirect(request, problem)
    registration = get_registration_for_check_in(token)
    if request.method == "POST":
        try:
            registration = services.check_in(registration=registration, by=request.user, seen=request.POST.get("seen"))
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.user.display_name})
        except services.RegistrationError as error:
            messages.error(request, str(error))
        return redirect("events:check_in", token=token)
    context = {
        "registration": registration,
        "event": registration.event,
        "problem": services.check_in_problem(registration.event),
    }
    return render(request, "events/check_in.html", context)


@login_required
@require_POST
def self_check_in(request, slug: str):
    """A registered member types the code on the room's screen to mark themselves present."""
    event = get_event_for(request.user, slug)
    form = SelfCheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The code is six digits: type the one on the screen."))
        return redirect(event)
    try:
        services.self_check_in(event=event, user=request.user, code=form.cleaned_data["code"])
        messages.success(request, _("You are checked in. Enjoy the event!"))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return redirect(event)


@never_cache
@login_required
def self_check_in_link(request, slug: str, token: str):
    """What the projector's QR code opens: the event and an "I'm here" button. Only the
    POST checks in (a link preview or a scanner opening the page changes nothing)."""
    event = get_event_for(request.user, slug)
    problem = services.self_check_in_link_problem(token, event=event)
    if problem:
        return render(request, "events/self_check_in_link.html", {"event": event, "problem": problem}, status=404)
    if request.method == "POST":
        try:
            services.self_check_in(event=event, user=request.user, link_token=token)
            messages.success(request, _("You are checked in. Enjoy the event!"))
        except services.RegistrationError as error:
            messages.error(request, str(error))
        return redirect(event)
    registration = Registration.objects.confirmed().filter(event=event, user=request.user).first()
    context = {"event": event, "registration": registration, "problem": services.check_in_problem(event)}
    return render(request, "events/self_check_in_link.html", context)
