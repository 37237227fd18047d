"""Console: the registrations of an event, adding people, the waiting list, CSV."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import committee_required
from society.csv import csv_response

from ... import services
from ...forms import AddRegistrantForm
from ...models import Registration
from .access import get_managed_event, get_registration_of, registration_counts


def _registrations_of(event):
    return Registration.objects.filter(event=event).select_related("user", "checked_in_by").order_by("created_at", "id")


@committee_required
def registrations(request, slug: str):
    event = get_managed_event(slug)
    rows = list(_registrations_of(event))
    Status = Registration.Status
    context = {
        "event": event,
        "counts": registration_counts(event),
        "confirmed": [r for r in rows if r.status == Status.CONFIRMED],
        "waitlisted": [r for r in rows if r.status == Status.WAITLISTED],
        "cancelled": [r for r in rows if r.status == Status.CANCELLED],
        "form": AddRegistrantForm(),
    }
    return render(request, "events/manage/registrations.html", context)


@committee_required
def registrations_csv(request, slug: str):
    event = get_managed_event(slug)
    rows = (
        (r.user.display_name, r.user.email, r.get_status_display(), "yes" if r.checked_in_at else "no")
        for r in _registrations_of(event)
    )
    return csv_response(f"{event.slug}-registrations.csv", ["name", "email", "status", "checked in"], rows)


@committee_required
@require_POST
def add_registrant(request, slug: str):
    event = get_managed_event(slug)
    form = AddRegistrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the email address of their account."))
        return redirect(_back(request), slug=slug)
    try:
        registration = services.add_registrant(
            event=event,
            user=services.find_user_by_email(form.cleaned_data["email"]),
            by=request.user,
            walk_in=form.cleaned_data["check_in"],
        )
        name = registration.user.display_name
        if registration.checked_in_at:
            messages.success(request, _("%(name)s is registered and checked in.") % {"name": name})
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.") % {"name": name, "status": registration.get_status_display().lower()},
            )
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return redirect(_back(request), slug=slug)


def _back(request) -> str:
    return "events:manage_door" if request.POST.get("next") == "door" else "events:manage_registrations"


@committee_required
@require_POST
def promote_registration(request, slug: str, token: str):
    registration = get_registration_of(get_managed_event(slug), token)
    try:
        services.promote_by_hand(registration=registration, by=request.user, seen=request.POST.get("seen"))
        messages.success(
            request, _("%(name)s has a seat now, and is told by email.") % {"name": registration.user.display_name}
        )
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return redirect("events:manage_registrations", slug=slug)


@committee_required
def cancel_registration(request, slug: str, token: str):
    event = get_managed_event(slug)
    registration = get_registration_of(event, token)
    if request.method == "POST":
        try:
            services.cancel(registration=registration, by=request.user, seen=request.POST.get("seen"))
            messages.success(
                request, _("%(name)s's registration is cancelled.") % {"name": registration.user.display_name}
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
        return redirect("events:manage_registrations", slug=slug)
    return render(request, "events/manage/cancel_registration.html", {"event": event, "registration": registration})
