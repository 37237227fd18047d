"""The console's event form, and times typed in the society's time zone."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

from society.links import https_by_default

from .. import services
from ..models import Event


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
            raise ValidationError("Enter a date and time, like 2026-10-07 18:00.", code="invalid")
        problem = services.local_time_problem(naive)
        if problem:
            raise ValidationError(problem, code="local_time")
        return services.make_local(naive)


CONSOLE_EVENT_FIELDS = [
    "title", "kind", "level", "summary", "description", "topics", "starts_at", "ends_at",
    "venue", "building", "map_url", "online_url", "capacity", "waitlist_enabled",
    "registration_opens_at", "registration_closes_at", "members_only",
]  # fmt: skip


class ConsoleEventForm(forms.ModelForm):
    """Create or edit an event in the console. A published event whose time or
    place changes can tell its registrants (the tick box)."""

    tell_registrants = forms.BooleanField(
        label="Email everyone registered about the new time or place", required=False, initial=True
    )
    message = forms.CharField(
        label="Message to add to that email", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
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
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6}), "topics": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if starts and closes and closes > starts:
            self.add_error("registration_closes_at", "Registration must close before the event starts.")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", "Registration must close after it opens.")
        problem = services.capacity_problem(event=self.instance, capacity=cleaned.get("capacity"))
        if problem:
            self.add_error("capacity", problem)
        return cleaned


class DuplicateForm(forms.Form):
    starts_at = LocalDateTimeField(label="New start", help_text="Same length, room, speakers and capacity; a draft.")
