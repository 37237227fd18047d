"""The console's event form, and times typed in the society's time zone."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from society.forms import CheckboxChoices
from society.links import https_by_default

from .. import services
from ..images import render_speaker_photo
from ..models import Event, Speaker
from .fields import banner_field, clean_banner, clean_topic_names, new_topics_field


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in the society's time zone, refused with a clear message when
    it does not exist or happens twice on a daylight-saving night."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        for input_format in self.input_formats:
            try:
                naive = datetime.strptime(str(value).strip(), input_format)
                break
            except ValueError:
                continue
        else:
            raise ValidationError(_("Enter a date and time, like 2026-10-07 18:00."), code="invalid")
        problem = services.local_time_problem(naive)
        if problem:
            raise ValidationError(problem, code="local_time")
        return services.make_local(naive)


CONSOLE_EVENT_FIELDS = [
    "title", "kind", "level", "summary", "title_zh", "summary_zh", "description", "topics", "starts_at",
    "ends_at", "venue", "building", "map_url", "online_url", "capacity", "waitlist_enabled",
    "registration_opens_at", "registration_closes_at", "members_only", "reminders_enabled",
    "what_to_bring", "setup_checklist",
    "no_show_policy", "lottery", "lottery_closes_at",
]  # fmt: skip


class ConsoleEventForm(forms.ModelForm):
    """Create or edit an event in the console, with its banner, new topics and speakers
    (`extras()`, saved by the service with the event). A published event whose time or
    place changes can tell its registrants (the tick box). `version` remembers the event
    as it was when the form was drawn, so a save made by someone else meanwhile is noticed."""

    banner_upload = banner_field()
    new_topics = new_topics_field()
    speakers = forms.ModelMultipleChoiceField(
        label=_("Add speakers"),
        queryset=Speaker.objects.all(),
        required=False,
        widget=CheckboxChoices,
        help_text=_("They are added as invited: the Speakers tab keeps their invitation and consents."),
    )
    new_speaker_name = forms.CharField(label=_("New speaker: name"), max_length=150, required=False)
    new_speaker_affiliation = forms.CharField(
        label=_("New speaker: affiliation"), max_length=200, required=False, help_text=_("Where they work or study.")
    )
    new_speaker_photo = forms.FileField(
        label=_("New speaker: photo"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP; cropped square, 256 by 256."),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    tell_registrants = forms.BooleanField(
        label=_("Email everyone registered about the new time or place"), required=False, initial=True
    )
    message = forms.CharField(
        label=_("Message to add to that email"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Event
        formfield_callback = https_by_default
        fields = CONSOLE_EVENT_FIELDS
        field_classes = {
            "starts_at": LocalDateTimeField,
            "ends_at": LocalDateTimeField,
            "registration_opens_at": LocalDateTimeField,
            "registration_closes_at": LocalDateTimeField,
            "lottery_closes_at": LocalDateTimeField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "topics": CheckboxChoices,
            "what_to_bring": forms.Textarea(attrs={"rows": 3}),
            "setup_checklist": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = [
        "title", "kind", "level", "summary", "title_zh", "summary_zh", "description", "banner_upload", "topics",
        "new_topics",
        "speakers", "new_speaker_name", "new_speaker_affiliation", "new_speaker_photo",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = services.event_version(self.instance)
            self.fields["speakers"].queryset = Speaker.objects.exclude(event_speakers__event=self.instance)

    def clean_banner_upload(self):
        self.banner_renditions = clean_banner(self.cleaned_data.get("banner_upload"))
        return self.cleaned_data.get("banner_upload")

    def clean_new_topics(self):
        return clean_topic_names(self.cleaned_data["new_topics"])

    def clean_new_speaker_photo(self):
        upload = self.cleaned_data.get("new_speaker_photo")
        self.speaker_photo = render_speaker_photo(upload) if upload else None
        return upload

    def extras(self) -> services.EventExtras:
        """What the service saves with the event besides its own fields (call after is_valid)."""
        cleaned = self.cleaned_data
        name = cleaned["new_speaker_name"].strip()
        new_speaker = Speaker(name=name, affiliation=cleaned["new_speaker_affiliation"].strip()) if name else None
        return services.EventExtras(
            new_topic_names=cleaned["new_topics"],
            banner=self.banner_renditions,
            speakers=list(cleaned["speakers"]),
            new_speaker=new_speaker,
            new_speaker_photo=self.speaker_photo if new_speaker else None,
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if starts and closes and closes > starts:
            self.add_error("registration_closes_at", _("Registration must close before the event starts."))
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        if cleaned.get("no_show_policy") and not opens:
            self.add_error(
                "registration_opens_at",
                _("With no-show strikes on, give the time registration opens: strikes make it open later."),
            )
        problem = services.capacity_problem(event=self.instance, capacity=cleaned.get("capacity"))
        if problem:
            self.add_error("capacity", problem)
        self._clean_lottery(cleaned)
        speaker_given = cleaned.get("new_speaker_affiliation") or cleaned.get("new_speaker_photo")
        if speaker_given and not cleaned.get("new_speaker_name", "").strip():
            self.add_error("new_speaker_name", _("Give the new speaker's name, or leave affiliation and photo empty."))
        return cleaned

    def _clean_lottery(self, cleaned: dict) -> None:
        """The lottery's settings: requests close after registration opens and before the start,
        with a capacity; fixed once the requests have closed (services.lottery_settings_problem)."""
        if "lottery_closes_at" in self.errors or "capacity" in self.errors:
            return
        problem = services.lottery_settings_problem(
            stored=self.instance if self.instance.pk else None,
            lottery=cleaned.get("lottery", False),
            closes_at=cleaned.get("lottery_closes_at"),
            capacity=cleaned.get("capacity"),
            opens_at=cleaned.get("registration_opens_at"),
            starts_at=cleaned.get("starts_at"),
        )
        if problem:
            self.add_error(*problem)


class DuplicateForm(forms.Form):
    starts_at = LocalDateTimeField(
        label=_("New start"), help_text=_("Same length, room, speakers and capacity; a draft.")
    )
