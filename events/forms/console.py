"""The console's smaller forms: cancel, registrants, attendance, announcements, settings, speakers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from society.links import https_by_default

from .. import services
from ..models import Announcement, ConsoleSettings, EventSpeaker
from .admin import SpeakerAdminForm


class CancelEventForm(forms.Form):
    message = forms.CharField(
        label=_("Message to everyone registered"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    confirm = forms.BooleanField(label=_("Yes, cancel this event and email everyone registered"))


class AddRegistrantForm(forms.Form):
    email = forms.EmailField(label=_("Email of their account"))
    check_in = forms.BooleanField(label=_("Walk-in: check them in now"), required=False)


class BulkAttendanceForm(forms.Form):
    emails = forms.CharField(
        label=_("Emails of people who came"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One a line, or separated by commas or spaces."),
    )  # fmt: skip

    def clean_emails(self):
        emails = self.cleaned_data["emails"].replace(",", " ").replace(";", " ").split()
        if not emails:
            raise ValidationError(_("Paste at least one email."))
        return emails


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["subject", "body", "include_waitlist"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class ConsoleSettingsForm(forms.ModelForm):
    class Meta:
        model = ConsoleSettings
        formfield_callback = https_by_default
        fields = ["webhook_url"]

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        problem = url and services.webhook_url_problem(url)
        if problem:
            raise ValidationError(problem)
        return url


class ConsoleSpeakerForm(SpeakerAdminForm):
    class Meta(SpeakerAdminForm.Meta):
        fields = ["name", "affiliation", "bio", "email", "phone", "website_url", "linkedin_url", "github_url"]


class EventSpeakerForm(forms.ModelForm):
    class Meta:
        model = EventSpeaker
        fields = ["speaker", "invite_status", "consent_to_record", "consent_to_publish_slides", "order"]
