"""Console: check-in at the door (made for a phone), the projector's self check-in
code, and fixing attendance in bulk afterwards."""

from django.contrib import messages
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from members.permissions import committee_required

from ... import hosts, services
from ...forms import AddRegistrantForm, BulkAttendanceForm
from ...models import Registration
from ..tickets import qr_code_svg
from .access import event_team_required, get_managed_event, get_registration_of, registration_counts

SEARCH_RESULTS = 30


def _door_context(request, event) -> dict:
    """The door list: confirmed registrants matching the search (by name, email or
    the short code printed under a ticket's QR code),
    not yet checked in first. The query walks the `registration_door` index
    (event, status, checked_in_at) and joins users by primary key. A host finds people
    by name or code only, and sees first names and codes: no surnames, no emails."""
    as_host = getattr(request, "as_host", False)
    words = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    found = Registration.objects.confirmed().filter(event=event).select_related("user")
    if words:
        matches = Q(user__name__icontains=words)
        if not as_host:
            matches |= Q(user__email__icontains=words)
        by_code = services.registrations_with_short_code(event=event, typed=words)
        found = found.filter(matches | Q(pk__in=by_code) if by_code else matches)
    # Not yet checked in first (NULLs first on PostgreSQL, SQLite alike via the explicit nulls_first).
    found = list(found.order_by(F("checked_in_at").asc(nulls_first=True), "user__name", "id")[:SEARCH_RESULTS])
    for registration in found:
        registration.first_name = hosts.first_name(registration.user.name)
    return {
        "event": event,
        "as_host": as_host,
        "words": words,
        "found": found,
        "counts": registration_counts(event),
        "check_in_problem": services.check_in_problem(event),
    }


@never_cache
@event_team_required
def door(request, slug: str):
    """The full page, or (for htmx) only the `_door_results.html` partial it includes."""
    event = get_managed_event(slug)
    context = _door_context(request, event)
    if request.headers.get("HX-Request"):
        # A search (not the 15-second refresh) has its count read out by screen readers.
        context["announce"] = request.headers.get("HX-Trigger") == "door-q"
        return render(request, "events/manage/_door_results.html", context)
    walk_in = None if request.as_host else AddRegistrantForm()
    return render(request, "events/manage/door.html", {**context, "walk_in": walk_in})


def _answer(request, event):
    if request.headers.get("HX-Request"):
        return render(request, "events/manage/_door_results.html", _door_context(request, event))
    return redirect("events:manage_door", slug=event.slug)


@event_team_required
@require_POST
def door_check_in(request, slug: str, token: str):
    event = get_managed_event(slug)
    registration = get_registration_of(event, token)
    try:
        services.check_in(registration=registration, by=request.user, seen=request.POST.get("seen"))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return _answer(request, event)


@event_team_required
@require_POST
def door_undo(request, slug: str, token: str):
    event = get_managed_event(slug)
    try:
        services.undo_check_in(
            registration=get_registration_of(event, token), by=request.user, seen=request.POST.get("seen")
        )
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return _answer(request, event)


@never_cache
@committee_required
def projector(request, slug: str):
    """For the room's screen: the self check-in code to type, and a QR code of a signed
    link that lasts five minutes (not the code: a photo of it is soon worth nothing).
    The page reloads itself every 20 seconds (a meta refresh: no script)."""
    event = get_managed_event(slug)
    now = timezone.now()
    code = services.self_check_in_code(event=event, now=now)
    token = services.self_check_in_link_token(event=event)
    url = request.build_absolute_uri(reverse("events:self_check_in_link", kwargs={"slug": event.slug, "token": token}))
    problem = services.check_in_problem(event, now=now)
    context = {
        "event": event,
        "code": code,
        "qr_url": url,
        "qr_code": qr_code_svg(url),
        "open": problem is None,
        "problem": problem,
    }
    return render(request, "events/manage/projector.html", context)


@committee_required
def bulk_attendance(request, slug: str):
    event = get_managed_event(slug)
    form = BulkAttendanceForm(request.POST or None)
    result = None
    if form.is_valid():
        try:
            result = services.bulk_attendance(event=event, emails=form.cleaned_data["emails"], by=request.user)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
    context = {"event": event, "form": form, "result": result, "problem": services.check_in_problem(event)}
    return render(request, "events/manage/bulk_attendance.html", context)
