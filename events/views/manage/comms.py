"""Console: speakers, announcements and the committee's settings (the webhook)."""

import copy
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.permissions import committee_required
from society.emails import render_email
from society.models import EmailKind
from society.uploads import upload_limited

from ... import services
from ... import speaker_feedback as speaker_feedback_rules
from ...forms import (
    AnnouncementForm,
    AudienceAnnouncementForm,
    ConsoleSettingsForm,
    ConsoleSpeakerForm,
    EventSpeakerForm,
    NoShowRulesForm,
)
from ...models import Announcement, ConsoleSettings, Event, EventRating, EventSpeaker, Speaker
from .access import get_managed_event


@committee_required
def speaker_list(request):
    speakers = Speaker.objects.prefetch_related("event_speakers__event")
    return render(request, "events/manage/speakers.html", {"speakers": speakers})


@committee_required
@upload_limited
def speaker_edit(request, speaker_id: int | None = None):
    speaker = get_object_or_404(Speaker, pk=speaker_id) if speaker_id else None
    form = ConsoleSpeakerForm(request.POST or None, request.FILES or None, instance=speaker)
    if form.is_valid():
        speaker = services.save_speaker(speaker=form.save(commit=False), by=request.user, photo=form.photo_bytes)
        messages.success(request, _("%(name)s saved.") % {"name": speaker.name})
        return redirect("events:manage_speakers")
    return render(request, "events/manage/speaker_form.html", {"form": form, "speaker": speaker})


@committee_required
def event_speakers(request, slug: str):
    event = get_managed_event(slug)
    form = EventSpeakerForm(request.POST or None)
    if form.is_valid():
        services.set_event_speaker(event=event, by=request.user, **form.cleaned_data)
        messages.success(request, _("Speaker saved."))
        return redirect("events:manage_event_speakers", slug=slug)
    links = event.event_speakers.select_related("speaker")
    return render(request, "events/manage/event_speakers.html", {"event": event, "form": form, "links": links})


ANNOUNCEMENTS_PER_PAGE = 25
ANNOUNCE_EVENTS_DAYS = 30  # the general form offers the registrants of events from this long ago on


@committee_required
def announcements(request):
    """Every announcement, newest first: to whom, when, how many it reached."""
    queryset = Announcement.objects.select_related("event", "author")
    page = Paginator(queryset, ANNOUNCEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/manage/announcements.html", {"page": page})


@committee_required
def announcement_create(request):
    """Write to an audience, then preview as a recipient sees it (a draft is saved), then send."""
    since = timezone.now() - timedelta(days=ANNOUNCE_EVENTS_DAYS)
    events = Event.objects.filter(starts_at__gte=since).exclude(status=Event.Status.DRAFT).order_by("starts_at")
    form = AudienceAnnouncementForm(request.POST or None, events=events)
    if form.is_valid():
        data = form.cleaned_data
        event = events.filter(pk=data["target"]).first() if data["kind"] == Announcement.Audience.EVENT else None
        try:
            announcement = services.draft_announcement(
                subject=data["subject"],
                body=data["body"],
                audience=data["kind"],
                event=event,
                target=data["target"],
                months=data["months"],
                include_waitlist=data["include_waitlist"],
                by=request.user,
            )
        except services.AnnouncementError as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("events:manage_announcement_detail", announcement_id=announcement.pk)
    return render(request, "events/manage/announcement_form.html", {"form": form})


@committee_required
def announcement_detail(request, announcement_id: int):
    announcement = get_object_or_404(Announcement.objects.select_related("event"), pk=announcement_id)
    return announcement_page(request, announcement, event=None)


@committee_required
def announcement_new(request, slug: str):
    """To this event's registrants: write, then preview (a draft is saved), then send."""
    event = get_managed_event(slug)
    form = AnnouncementForm(request.POST or None)
    if form.is_valid():
        try:
            announcement = services.draft_announcement(
                audience=Announcement.Audience.EVENT, event=event, by=request.user, **form.cleaned_data
            )
        except services.AnnouncementError as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("events:manage_announcement", slug=slug, announcement_id=announcement.pk)
    return render(request, "events/manage/announcement_form.html", {"event": event, "form": form})


@committee_required
def announcement_send(request, slug: str, announcement_id: int):
    event = get_managed_event(slug)
    announcement = get_object_or_404(Announcement, pk=announcement_id, event=event)
    return announcement_page(request, announcement, event=event)


def announcement_page(request, announcement: Announcement, *, event: Event | None):
    """How many it will reach and what they will read; POST sends it. Under the
    event's tabs when `event` is given, else among the console's announcements."""
    here = request.path
    if request.method == "POST":
        try:
            sent = services.send_announcement(announcement=announcement, by=request.user)
        except services.AnnouncementError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, ngettext("Sent to %(count)d person.", "Sent to %(count)d people.", sent) % {"count": sent}
            )
        return redirect(here)
    preview, count = None, 0
    try:
        recipients = services.announcement_recipients(announcement)
        count = recipients.count()
        sample = recipients.first()
    except services.AnnouncementError as refusal:
        messages.error(request, str(refusal))
        sample = None
    if sample:
        registration = services.registrations_of(announcement, [sample]).get(sample.pk)
        template, context = services.announcement_email(announcement, sample, registration)
        subject, text, _html = render_email(template, context, user=sample, kind=EmailKind.ANNOUNCEMENT)
        preview = {"subject": subject, "text": text, "to": sample}
    context = {"event": event, "announcement": announcement, "preview": preview, "count": count}
    return render(request, "events/manage/announcement.html", context)


@committee_required
def console_settings(request):
    """Two forms: the webhook, and the no-show policy's numbers (each saved on its own)."""
    console_settings = ConsoleSettings.load()
    rules_posted = request.method == "POST" and "no_show_rules" in request.POST
    form = ConsoleSettingsForm(None if rules_posted else request.POST or None, instance=console_settings)
    # Its own copy of the row: a refused webhook must not show in the other form.
    rules_form = NoShowRulesForm(request.POST if rules_posted else None, instance=copy.copy(console_settings))
    if form.is_valid():
        services.set_webhook_url(url=form.cleaned_data["webhook_url"], by=request.user)
        messages.success(request, _("Settings saved."))
        return redirect("events:manage_settings")
    if rules_form.is_valid():
        services.set_no_show_rules(by=request.user, **rules_form.rules())
        messages.success(request, _("The no-show policy is saved."))
        return redirect("events:manage_settings")
    context = {"form": form, "rules_form": rules_form, "check_in_closes_hours": settings.CHECK_IN_CLOSES_HOURS}
    return render(request, "events/manage/settings.html", context)


@committee_required
def speaker_feedback(request, slug: str):
    """Choose which written feedback goes to the speakers, then send each their digest."""
    event = get_managed_event(slug)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "share":
            try:
                chosen = {int(value) for value in request.POST.getlist("rating")}
            except ValueError:
                messages.error(request, _("That choice of answers was not understood: nothing changed."))
                return redirect("events:manage_speaker_feedback", slug=slug)
            shared = speaker_feedback_rules.share_with_speakers(event=event, rating_ids=chosen, by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)d answer will go to the speakers.", "%(count)d answers will go to the speakers.", shared
                )
                % {"count": shared},
            )
        elif action == "send":
            speaker_id = request.POST.get("speaker", "")
            link = get_object_or_404(
                EventSpeaker.objects.select_related("event", "speaker"),
                event=event,
                speaker_id=int(speaker_id) if speaker_id.isdecimal() else None,
            )
            try:
                speaker_feedback_rules.send_speaker_digest(link=link, by=request.user)
            except speaker_feedback_rules.DigestError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("The feedback digest is on its way to %(name)s.") % {"name": link.speaker.name}
                )
        else:
            messages.error(request, _("That is not something this page can do."))
        return redirect("events:manage_speaker_feedback", slug=slug)
    context = {
        "event": event,
        "links": event.event_speakers.select_related("speaker"),
        "ratings": EventRating.objects.filter(registration__event=event).order_by("created_at", "id"),
        "summary": speaker_feedback_rules.feedback_summary(event),
        "sent": speaker_feedback_rules.digests_sent(event),
    }
    return render(request, "events/manage/speaker_feedback.html", context)
