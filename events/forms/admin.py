"""The Django admin's event and speaker forms: pictures are re-encoded by events.images."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from society.links import https_by_default

from .. import services
from ..images import render_banner, render_speaker_photo
from ..models import Event, Speaker


class EventAdminForm(forms.ModelForm):
    """The admin's event form. The banner is uploaded here and re-encoded by events.images.
    No status: events are published and cancelled through the services (the admin's actions)."""

    banner_upload = forms.FileField(
        label=_("Banner image"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP; cropped to 12:5 and resized to 1200 by 500 and 600 by 250."),
    )

    class Meta:
        model = Event
        formfield_callback = https_by_default
        fields = [
            "title", "slug", "kind", "level", "summary", "title_zh", "summary_zh", "description", "topics",
            "starts_at", "ends_at", "venue", "building", "map_url", "online_url",
            "capacity", "waitlist_enabled", "registration_opens_at", "registration_closes_at", "members_only",
            "reminders_enabled", "what_to_bring", "setup_checklist",
        ]  # fmt: skip

    def clean_banner_upload(self):
        upload = self.cleaned_data.get("banner_upload")
        self.banner_renditions = render_banner(upload) if upload else None
        return upload

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        problem = services.capacity_problem(event=self.instance, capacity=capacity)
        if problem:
            raise ValidationError(problem)
        return capacity


class SpeakerAdminForm(forms.ModelForm):
    photo_upload = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG, GIF or WebP; cropped square, 256 by 256.")
    )

    class Meta:
        model = Speaker
        formfield_callback = https_by_default
        fields = ["name", "affiliation", "bio", "website_url", "linkedin_url", "github_url"]

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        self.photo_bytes = render_speaker_photo(upload) if upload else None
        return upload
