"""Console: speakers, announcements and the committee's settings (the webhook)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from members.permissions import committee_required
from society.emails import render_email
from society.models import EmailKind

from ... import services
from ... import speaker_feedback as speaker_feedback_rules
from ...forms import AnnouncementForm, ConsoleSettingsForm, ConsoleSpeakerForm, EventSpeakerForm
from ...models import Announcement, ConsoleSettings, EventRating, EventSpeaker, Speaker
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
        speaker = services.save_speaker(speaker=form.save(commit=False), by=request.user, photo=form.photo_bytes)
        messages.success(request, f"{speaker.name} saved.")
        return redirect("events:manage_speakers")
    return render(request, "events/manage/speaker_form.html", {"form": form, "speaker": speaker})


@committee_required
def event_speakers(request, slug: str):
    event = get_managed_event(slug)
    form = EventSpeakerForm(request.POST or None)
    if form.is_valid():
        services.set_event_speaker(event=event, by=request.user, **form.cleaned_data)
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
        sent = services.send_announcement(announcement=announcement, by=request.user)
        messages.success(request, f"Sent to {sent} people.")
        return redirect("events:manage_announcement", slug=slug, announcement_id=announcement.pk)
    recipients = services.announcement_recipients(announcement)
    sample = recipients.first()
    preview = None
    if sample:
        context = {**services.registration_email_context(sample), "announcement": announcement}
        subject, text, _ = render_email("emails/announcement", context, user=sample.user, kind=EmailKind.ANNOUNCEMENT)
        preview = {"subject": subject, "text": text, "to": sample.user}
    context = {"event": event, "announcement": announcement, "preview": preview, "count": recipients.count()}
    return render(request, "events/manage/announcement.html", context)


@committee_required
def console_settings(request):
    form = ConsoleSettingsForm(request.POST or None, instance=ConsoleSettings.load())
    if form.is_valid():
        services.set_webhook_url(url=form.cleaned_data["webhook_url"], by=request.user)
        messages.success(request, "Settings saved.")
        return redirect("events:manage_settings")
    return render(request, "events/manage/settings.html", {"form": form})


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
                messages.error(request, "That choice of answers was not understood: nothing changed.")
                return redirect("events:manage_speaker_feedback", slug=slug)
            shared = speaker_feedback_rules.share_with_speakers(event=event, rating_ids=chosen, by=request.user)
            messages.success(request, f"{shared} answer{'s' if shared != 1 else ''} will go to the speakers.")
        elif action == "send":
            speaker_id = request.POST.get("speaker", "")
            link = get_object_or_404(
                EventSpeaker.objects.select_related("event", "speaker"),
                event=event,
                speaker_id=int(speaker_id) if speaker_id.isdigit() else None,
            )
            try:
                speaker_feedback_rules.send_speaker_digest(link=link, by=request.user)
            except speaker_feedback_rules.DigestError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"The feedback digest is on its way to {link.speaker.name}.")
        else:
            messages.error(request, "That is not something this page can do.")
        return redirect("events:manage_speaker_feedback", slug=slug)
    context = {
        "event": event,
        "links": event.event_speakers.select_related("speaker"),
        "ratings": EventRating.objects.filter(registration__event=event).order_by("created_at", "id"),
        "summary": speaker_feedback_rules.feedback_summary(event),
        "sent": speaker_feedback_rules.digests_sent(event),
    }
    return render(request, "events/manage/speaker_feedback.html", context)
