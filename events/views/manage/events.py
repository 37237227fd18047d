"""Console: the events list, creating, editing, duplicating, series, preview, publish, cancel."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members.permissions import committee_required
from society import formats, hooks
from society.uploads import upload_limited

from ... import hosts, services
from ...forms import (
    CONSOLE_EVENT_FIELDS,
    HOST_EVENT_FIELDS,
    CancelEventForm,
    ConsoleEventForm,
    DuplicateForm,
    HostEventForm,
    SeriesForm,
)
from ...markdown import render_markdown
from ...models import ActionLog, Event, Registration, Strike
from ...selectors import RegisterButton, console_events, with_speakers
from .access import event_team_required, get_managed_event, registration_counts


@committee_required
def manage_home(request):
    events = console_events()
    return render(request, "events/manage/home.html", {"events": events, "checklist": new_year_checklist()})


def new_year_checklist() -> list[hooks.ChecklistItem]:
    """What the installed apps say is to be done at the start of the academic year (none at other times)."""
    today = timezone.localdate()
    items = [item for make in hooks.contributions(hooks.NEW_YEAR_CHECKLIST).values() for item in make(today=today)]
    return sorted(items, key=lambda item: item.order)


@committee_required
@upload_limited
def event_create(request):
    form = ConsoleEventForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        event = services.create_event(
            event=form.save(commit=False), by=request.user, topics=form.cleaned_data["topics"], extras=form.extras()
        )
        messages.success(request, _("Draft saved. Preview it, then publish."))
        return redirect("events:manage_event", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"form": form, "event": None})


@event_team_required
@upload_limited
def event_edit(request, slug: str):
    event = get_managed_event(slug)
    if request.as_host:
        return host_event_edit(request, event)
    form = ConsoleEventForm(request.POST or None, request.FILES or None, instance=event)
    if form.is_valid():
        changed = [name for name in form.changed_data if name in CONSOLE_EVENT_FIELDS and name != "topics"]
        try:
            told = services.update_event(
                event=form.save(commit=False),
                changed=changed,
                by=request.user,
                tell_registrants=form.cleaned_data["tell_registrants"],
                message=form.cleaned_data["message"],
                topics=form.cleaned_data["topics"],
                extras=form.extras(),
                expected_version=form.cleaned_data["version"] or None,
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
            event, form = input_on_event_as_now(request, ConsoleEventForm, slug)
            context = {"form": form, "event": event, "saved_now": saved_values(form)}
            return render(request, "events/manage/event_form.html", context)
        saved = (
            ngettext("Saved. %(count)d registrant emailed.", "Saved. %(count)d registrants emailed.", told)
            % {"count": told}
            if told
            else _("Saved.")
        )
        messages.success(request, saved)
        return redirect("events:manage_event", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"form": form, "event": event})


def input_on_event_as_now(request, form_class, slug: str):
    """After a save refused because someone saved meanwhile (nothing was saved): the
    event as it is now, and the person's input again drawn on it, at its new version."""
    event = get_managed_event(slug)
    data = request.POST.copy()
    data["version"] = services.event_version(event)
    return event, form_class(data, instance=event)


def saved_values(form: ConsoleEventForm) -> list[tuple[str, str]]:
    """(label, value saved now) of each field where the form's input differs from the event
    as it is now: what to compare before saving again."""
    shown = []
    for name in form.changed_data:
        if name in CONSOLE_EVENT_FIELDS:
            value = form[name].initial
            if name == "topics":
                value = ", ".join(topic.name for topic in value) or _("none")
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            elif isinstance(value, datetime):
                value = formats.when(value, "datetime")
            shown.append((form.fields[name].label, _("empty") if value in (None, "") else str(value)))
    return shown


@committee_required
def event_duplicate(request, slug: str):
    event = get_managed_event(slug)
    initial = {"starts_at": timezone.localtime(event.starts_at + timedelta(days=7)).replace(tzinfo=None)}
    form = DuplicateForm(request.POST or None, initial=initial)
    if form.is_valid():
        copy = services.duplicate_event(event=event, starts_at=form.cleaned_data["starts_at"], by=request.user)
        messages.success(request, _("A draft copy is ready: check it, then publish."))
        return redirect("events:manage_event", slug=copy.slug)
    return render(request, "events/manage/duplicate.html", {"form": form, "event": event})


@committee_required
@upload_limited
def series_create(request):
    form = SeriesForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            events = services.create_weekly_series(
                plan=form.plan, by=request.user, banner=form.banner_renditions, links=form.links()
            )
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d draft created. Check this one, then publish them all.",
                    "%(count)d drafts created. Check this one, then publish them all.",
                    len(events),
                )
                % {"count": len(events)},
            )
            return redirect("events:manage_event", slug=events[0].slug)
    return render(request, "events/manage/series.html", {"form": form})


@committee_required
@require_POST
def series_publish(request, slug: str):
    """Publish every draft of the series this event was created in, one by one."""
    event = get_managed_event(slug)
    result = services.publish_series(event=event, by=request.user)
    if result.published:
        count = len(result.published)
        messages.success(
            request,
            ngettext("Published %(count)d event of the series.", "Published %(count)d events of the series.", count)
            % {"count": count},
        )
    for draft, reason in result.refused:
        when = formats.when(draft.starts_at, "date")
        messages.error(request, _("Not published (%(date)s): %(reason)s") % {"date": when, "reason": reason})
    if not result.published and not result.refused:
        messages.info(request, _("This series has no drafts left to publish."))
    return redirect("events:manage_event", slug=slug)


def host_event_edit(request, event: Event):
    """A host edits what they may of their event: its description, setup checklist and
    what to bring (HostEventForm has no other field, so nothing else can change), through
    the same service as the committee's form, version check included."""
    form = HostEventForm(request.POST or None, instance=event)
    if form.is_valid():
        try:
            services.update_event(
                event=form.save(commit=False),
                changed=[name for name in form.changed_data if name in HOST_EVENT_FIELDS],
                by=request.user,
                tell_registrants=False,
                expected_version=form.cleaned_data["version"] or None,
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
            event, form = input_on_event_as_now(request, HostEventForm, event.slug)
            return render(request, "events/manage/host_event_form.html", {"form": form, "event": event})
        messages.success(request, _("Saved."))
        return redirect("events:manage_event", slug=event.slug)
    return render(request, "events/manage/host_event_form.html", {"form": form, "event": event})


def host_event_console(request, event: Event):
    """The host's version of an event's console page: how many registered and wait, the
    first names of those registered (nobody's surname, email or place in the queue), and
    what they may do."""
    names = (
        Registration.objects.confirmed()
        .filter(event=event)
        .order_by("created_at", "id")
        .values_list("user__name", flat=True)
    )
    context = {
        "event": event,
        "counts": registration_counts(event),
        "first_names": [hosts.first_name(name) for name in names],
        "rights_end": hosts.rights_end(event),
    }
    return render(request, "events/manage/host_event.html", context)


@event_team_required
def event_console(request, slug: str):
    event = get_managed_event(slug)
    if request.as_host:
        return host_event_console(request, event)
    counts = registration_counts(event)
    no_show = counts["confirmed"] - counts["checked_in"]
    context = {
        "event": event,
        "counts": counts,
        "no_show_rate": round(100 * no_show / counts["confirmed"]) if counts["confirmed"] else None,
        "past": event.ends_at < timezone.now(),
        "log": ActionLog.objects.filter(event=event).select_related("actor", "member")[:50],
        "speakers": event.event_speakers.select_related("speaker"),
        "announcements": event.announcements.all()[:20],
        "series_drafts": services.series_drafts(event).count(),
        "hosts": event.hosts.select_related("user"),
        "strikes_given": event.strikes_given_at and Strike.objects.filter(registration__event=event).count(),
    }
    return render(request, "events/manage/event.html", context)


@committee_required
def event_preview(request, slug: str):
    """The public page as members will see it, with a banner saying it is a preview."""
    event = get_managed_event(slug)
    event = with_speakers(Event.objects.filter(pk=event.pk)).with_confirmed_count().prefetch_related("topics").get()
    context = {
        "event": event,
        "button": RegisterButton(event.status if event.is_cancelled else "not_published"),
        "description": render_markdown(event.description),
        "now": timezone.now(),
        "preview": True,
    }
    return render(request, "events/event_detail.html", context)


@committee_required
@require_POST
def event_publish(request, slug: str):
    event = get_managed_event(slug)
    try:
        services.publish_event(event=event, by=request.user)
        messages.success(request, _("Published: the event is on the public list."))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return redirect("events:manage_event", slug=slug)


@committee_required
def event_cancel(request, slug: str):
    event = get_managed_event(slug)
    form = CancelEventForm(request.POST or None)
    if event.is_cancelled:
        messages.info(request, _("This event is already cancelled."))
        return redirect("events:manage_event", slug=slug)
    problem = services.cancel_problem(event)
    if problem:
        messages.error(request, problem)
        return redirect("events:manage_event", slug=slug)
    if form.is_valid():
        try:
            told = services.cancel_event(event=event, by=request.user, message=form.cleaned_data["message"])
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect("events:manage_event", slug=slug)
        messages.success(
            request,
            ngettext(
                "Cancelled. %(count)d registrant is being emailed.",
                "Cancelled. %(count)d registrants are being emailed.",
                told,
            )
            % {"count": told},
        )
        return redirect("events:manage_event", slug=slug)
    return render(request, "events/manage/cancel.html", {"form": form, "event": event})
