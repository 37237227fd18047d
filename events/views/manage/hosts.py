"""Console: an event's hosts (named and removed by the committee), the rehearsal the
committee asks them for, and the member's own list of the events they host."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import committee_required

from ... import hosts, services
from ...forms import AddHostForm, RehearsalForm
from ...models import EventHost
from .access import get_managed_event


def _hosts_page(request, event, *, add_form=None, rehearsal_form=None, status=200):
    context = {
        "event": event,
        "hosts": event.hosts.select_related("user", "added_by"),
        "add_form": add_form or AddHostForm(),
        "rehearsal_form": rehearsal_form or RehearsalForm(instance=event),
        "rights_end": hosts.rights_end(event),
    }
    return render(request, "events/manage/event_hosts.html", context, status=status)


@committee_required
def event_hosts(request, slug: str):
    """Who hosts the event, with a form to name another (POST) by their account's email."""
    event = get_managed_event(slug)
    if request.method != "POST":
        return _hosts_page(request, event)
    form = AddHostForm(request.POST)
    if form.is_valid():
        try:
            member = services.find_user_by_email(form.cleaned_data["email"])
            if EventHost.objects.filter(event=event, user=member).exists():
                raise services.HostError(_("%(name)s already hosts this event.") % {"name": member.display_name})
            services.add_host(event=event, member=member, by=request.user)
        except (services.RegistrationError, services.HostError) as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("%(name)s now hosts this event.") % {"name": member.display_name})
            return redirect("events:manage_event_hosts", slug=slug)
    return _hosts_page(request, event, add_form=form, status=400)


@committee_required
def event_host_remove(request, slug: str, host_id: int):
    """Asks first (GET), then takes the host's rights away (POST)."""
    event = get_managed_event(slug)
    host = EventHost.objects.filter(event=event, pk=host_id).select_related("user", "event").first()
    if host is None:
        if request.method != "POST":  # nothing to ask about
            raise Http404("No such host of this event.")
        # The second click of a removal (or a stale page): say so, change nothing.
        messages.info(request, _("That member is not a host of this event any more."))
        return redirect("events:manage_event_hosts", slug=slug)
    if request.method == "POST":
        try:
            services.remove_host(host=host, by=request.user)
        except services.HostError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, _("%(name)s no longer hosts this event.") % {"name": host.user.display_name})
        return redirect("events:manage_event_hosts", slug=slug)
    return render(request, "events/manage/event_host_remove.html", {"event": event, "host": host})


@committee_required
@require_POST
def event_rehearsal(request, slug: str):
    """Set, change or take back the rehearsal asked of the hosts (they are emailed)."""
    event = get_managed_event(slug)
    form = RehearsalForm(request.POST, instance=event)
    if not form.is_valid():
        event.refresh_from_db()  # the form wrote what was refused onto it
        return _hosts_page(request, event, rehearsal_form=form, status=400)
    at, note = form.cleaned_data["rehearsal_at"], form.cleaned_data["rehearsal_note"]
    told = services.set_rehearsal(event=event, at=at, note=note, by=request.user)
    if at is None:
        messages.success(request, _("No rehearsal is asked for now."))
    else:
        messages.success(request, _("Rehearsal saved. Hosts emailed: %(count)d.") % {"count": told})
    return redirect("events:manage_event_hosts", slug=slug)


@login_required
def my_hosting(request):
    """The events the member hosts, while their rights last: links to what they may do."""
    events = list(hosts.hosted_by(request.user).with_confirmed_count())
    now = timezone.now()
    for event in events:
        event.rights_end = hosts.rights_end(event)
        event.is_over = event.ends_at <= now
    return render(request, "events/my_hosting.html", {"events": events})
