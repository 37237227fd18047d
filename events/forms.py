from django import forms
from django.core.exceptions import ValidationError

from members.forms import https_by_default
from members.models import Topic

from .images import render_banner, render_speaker_photo
from .models import Event, Registration, Speaker


class EventFilterForm(forms.Form):
    """Filters of the upcoming events list, from the query string. A value that is
    not on offer is reported and ignored; the other filters still apply."""

    q = forms.CharField(
        label="Search",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "placeholder": "e.g. transformers"}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "All kinds"), *Event.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict:
        """The valid filters only: kind, topic, words."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"kind": cleaned.get("kind", ""), "topic": cleaned.get("topic"), "words": cleaned.get("q", "")}

    def problems(self) -> list[str]:
        messages = {
            "kind": "There is no such kind of event: showing every kind.",
            "topic": "There is no such topic: showing every topic.",
            "q": "That search is too long: showing events without it.",
        }
        return [messages[name] for name in self.errors if name in messages]


class EventAdminForm(forms.ModelForm):
    """The admin's event form. The banner is uploaded here and re-encoded by events.images."""

    banner_upload = forms.FileField(
        label="Banner image",
        required=False,
        help_text="JPEG, PNG, GIF or WebP; cropped to 12:5 and resized to 1200 by 500 and 600 by 250.",
    )

    class Meta:
        model = Event
        formfield_callback = https_by_default
        fields = [
            "title", "slug", "kind", "status", "level", "summary", "description", "topics",
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
        if self.instance.pk and capacity is not None:
            confirmed = Registration.objects.confirmed().filter(event=self.instance).count()
            if capacity < confirmed:
                raise ValidationError(f"{confirmed} people already hold a seat: the capacity cannot be lower.")
        return capacity


class SpeakerAdminForm(forms.ModelForm):
    photo_upload = forms.FileField(
        label="Photo", required=False, help_text="JPEG, PNG, GIF or WebP; cropped square, 256 by 256."
    )

    class Meta:
        model = Speaker
        formfield_callback = https_by_default
        fields = ["name", "affiliation", "bio", "website_url", "linkedin_url", "github_url"]

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        self.photo_bytes = render_speaker_photo(upload) if upload else None
        return upload


class FeedbackForm(forms.Form):
    """An attendee's rating and comment (the fuller form comes with the workshops issue)."""

    score = forms.TypedChoiceField(
        label="Your rating",
        coerce=int,
        choices=[(n, f"{n} out of 5") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a rating from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything to tell us?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text="What worked, what to change. The committee reads every comment.",
    )
