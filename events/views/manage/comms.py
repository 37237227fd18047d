"""Console: speakers, announcements and the committee's settings (the webhook)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from members.permissions import committee_required
from society.emails import render_email
from society.models import EmailKind

from ... import console, services
from ...forms import AnnouncementForm, ConsoleSettingsForm, ConsoleSpeakerForm, EventSpeakerForm
from ...models import Announcement, ConsoleSettings, Speaker
from .access import get_managed_event


@committee_required
def speaker_list(request):
    speakers = Speaker.objects.prefetch_related("event_speakers__event")
    return render(request, "events/manage/speakers.html", {"speakers": speakers})


@committee_required
def speaker_edit(request, speaker_id: int | None = None):
    speaker = get_object_or_404(Speaker, pk=speaker_id) if speaker_id else None
    form = ConsoleSpeakerForm(request.POST or None, request.FILES or None, instance=speaker)
    if form.is_valid():
        speaker = form.save()
        if form.photo_bytes:
            services.set_speaker_photo(speaker=speaker, photo=form.photo_bytes)
        console.record_action(actor=request.user, action="saved speaker", detail=speaker.name)
        messages.success(request, f"{speaker.name} saved.")
        return redirect("events:manage_speakers")
    return render(request, "events/manage/speaker_form.html", {"form": form, "speaker": speaker})


@committee_required
def event_speakers(request, slug: str):
    event = get_managed_event(slug)
    form = EventSpeakerForm(request.POST or None)
    if form.is_valid():
        console.set_event_speaker(event=event, by=request.user, **form.cleaned_data)
        messages.success(request, "Speaker saved.")
        return redirect("events:manage_event_speakers", slug=slug)
    links = event.event_speakers.select_related("speaker")
    return render(request, "events/manage/event_speakers.html", {"event": event, "form": form, "links": links})


@committee_required
def announcement_new(request, slug: str):
    """Write, then preview as recipients will see it (a draft is saved), then send."""
    event = get_managed_event(slug)
    form = AnnouncementForm(request.POST or None)
    if form.is_valid():
        announcement = form.save(commit=False)
        announcement.event, announcement.author = event, request.user
        announcement.save()
        return redirect("events:manage_announcement", slug=slug, announcement_id=announcement.pk)
    return render(request, "events/manage/announcement_form.html", {"event": event, "form": form})


@committee_required
def announcement_send(request, slug: str, announcement_id: int):
    event = get_managed_event(slug)
    announcement = get_object_or_404(Announcement, pk=announcement_id, event=event)
    if request.method == "POST":
        sent = console.send_announcement(announcement=announcement, by=request.user)
        messages.success(request, f"Sent to {sent} people.")
        return redirect("events:manage_announcement", slug=slug, announcement_id=announcement.pk)
    recipients = console.announcement_recipients(announcement)
    sample = recipients.first()
    preview = None
    if sample:
        context = {**services._email_context(sample), "announcement": announcement}
        subject, text, _ = render_email("emails/announcement", context, user=sample.user, kind=EmailKind.ANNOUNCEMENT)
        preview = {"subject": subject, "text": text, "to": sample.user}
    context = {"event": event, "announcement": announcement, "preview": preview, "count": recipients.count()}
    return render(request, "events/manage/announcement.html", context)


@committee_required
def console_settings(request):
    form = ConsoleSettingsForm(request.POST or None, instance=ConsoleSettings.load())
    if form.is_valid():
        form.save()
        console.record_action(actor=request.user, action="changed settings", detail="webhook")
        messages.success(request, "Settings saved.")
        return redirect("events:manage_settings")
    return render(request, "events/manage/settings.html", {"form": form})
