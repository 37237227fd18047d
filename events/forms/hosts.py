"""The forms of hosting: what a host may edit of their event, naming a host, a rehearsal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Event
from .event import LocalDateTimeField

HOST_EVENT_FIELDS = ["description", "setup_checklist", "what_to_bring"]


class HostEventForm(forms.ModelForm):
    """What a host may change of their event, and nothing else: other fields posted are
    not read. `version` remembers the event as it was when the form was drawn."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Event
        fields = HOST_EVENT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "setup_checklist": forms.Textarea(attrs={"rows": 4}),
            "what_to_bring": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = services.event_version(self.instance)


class AddHostForm(forms.Form):
    email = forms.EmailField(label=_("Email of the member's account"), max_length=254)


class RehearsalForm(forms.ModelForm):
    """The committee asks the hosts for a rehearsal (a time and a note), or takes it back
    (both left empty)."""

    rehearsal_at = LocalDateTimeField(label=_("Rehearsal date and time"), required=False)

    class Meta:
        model = Event
        fields = ["rehearsal_at", "rehearsal_note"]
        widgets = {"rehearsal_note": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        at = cleaned.get("rehearsal_at")
        if cleaned.get("rehearsal_note") and not at and "rehearsal_at" not in self.errors:
            self.add_error("rehearsal_at", _("Give the rehearsal a date and time, or leave the note empty."))
        if at and at >= self.instance.starts_at:
            self.add_error("rehearsal_at", _("The rehearsal must be before the session starts."))
        return cleaned
