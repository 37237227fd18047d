from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.forms import SkippedDatesField
from events.models import Event
from members.forms import PersonField
from members.models import Topic
from members.selectors import ACCOUNTS
from society import formats

from . import services
from .models import Material, StudyGroup, WorkshopSeries
from .uploads import check_upload


class MaterialForm(forms.Form):
    """A committee upload: a file for slides, notebooks and files; a URL for links.
    The file is checked by content here, so an invalid one is never stored."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    # "Name" and "Description" have a context here and below: django_celery_beat (earlier in
    # INSTALLED_APPS, so its catalogue wins) translates the bare words for its own forms.
    description = forms.CharField(label=pgettext_lazy("a form field", "Description"), max_length=500, required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Material.Visibility.choices, initial=Material.Visibility.MEMBERS
    )
    available_from = forms.DateTimeField(
        label=_("Available from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Hidden from members until then. Empty: at once."),
    )
    upload = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        kind, upload, url = cleaned.get("kind"), cleaned.get("upload"), cleaned.get("url")
        if kind == Material.Kind.LINK:
            if not url:
                self.add_error("url", _("A link needs its address."))
            if upload:
                self.add_error("upload", _("A link has no file: choose another kind to upload one."))
        elif kind:
            if url:
                self.add_error("url", _("Only links have an address; this kind needs a file."))
            if not upload:
                self.add_error("upload", _("Choose the file to upload."))
            else:
                try:
                    cleaned["content_type"] = check_upload(kind=kind, upload=upload)
                except ValidationError as error:
                    self.add_error("upload", error)
        return cleaned


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect
    )
    what_worked = forms.CharField(
        label=_("What worked"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_improve = forms.CharField(
        label=_("What to improve"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("what_worked", "").strip() or cleaned.get("what_to_improve", "").strip()):
            raise ValidationError(_("Tell us at least what worked or what to improve."))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search workshops and materials"), max_length=100, strip=True)

    def clean_q(self):
        q = "".join(ch for ch in self.cleaned_data["q"] if ch.isprintable())
        if len(q.strip()) < 2:
            raise ValidationError(_("Type at least two letters to search."))
        return q.strip()


# --- The committee console: series and study groups ----------------------------------


class SeriesConsoleForm(forms.ModelForm):
    """A series' details; the slug is made from the name when the series is created."""

    class Meta:
        model = WorkshopSeries
        fields = ["name", "level", "prerequisites", "description", "topics"]
        widgets = {
            "prerequisites": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.CheckboxSelectMultiple,
        }
        labels = {
            "name": pgettext_lazy("a form field", "Name"),
            "level": _("Level"),
            "prerequisites": _("Prerequisites"),
            "description": pgettext_lazy("a form field", "Description"),
            "topics": _("Topics"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.order_by("name")


RECENT_DAYS = 60


class AddSessionForm(forms.Form):
    """Events to add: upcoming or from the last two months, not cancelled, not in the series yet."""

    event = forms.ModelChoiceField(queryset=Event.objects.none(), to_field_name="slug", label=_("Event"))

    def __init__(self, *args, series: WorkshopSeries, **kwargs):
        super().__init__(*args, **kwargs)
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        self.fields["event"].queryset = (
            Event.objects.filter(ends_at__gte=since)
            .exclude(status=Event.Status.CANCELLED)
            .exclude(series_sessions__series=series)
            .order_by("starts_at")
        )
        self.fields["event"].label_from_instance = lambda event: (
            f"{formats.when(event.starts_at, 'date')} · {event.title}"
        )


class StudyGroupConsoleForm(forms.ModelForm):
    """A study group's details and meeting pattern (the console's form)."""

    class Meta:
        model = StudyGroup
        fields = [
            "name", "topic", "organiser", "description", "capacity", "meeting_pattern",
            "meeting_weekday", "meeting_time", "meeting_minutes", "meeting_place",
        ]  # fmt: skip
        labels = {
            "name": pgettext_lazy("a form field", "Name"),
            "topic": _("Topic"),
            "description": pgettext_lazy("a form field", "Description"),
            "capacity": _("Places"),
            "meeting_pattern": _("Meeting pattern, as members read it"),
            "meeting_weekday": _("Meets on"),
            "meeting_time": _("At"),
            "meeting_minutes": _("Length in minutes"),
            "meeting_place": _("Where"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "meeting_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    organiser = PersonField(among=ACCOUNTS, label=_("Organiser"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.organiser_id:  # the box shows the email, not the account's id
            self.initial["organiser"] = self.instance.organiser.email
        self.fields["meeting_minutes"].min_value = 15

    def clean_capacity(self):
        return _checked_places(self)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("meeting_weekday") is None) != (cleaned.get("meeting_time") is None):
            raise ValidationError(_("Give both the day and the time the group meets, or neither."))
        return cleaned


def _checked_places(form: forms.ModelForm) -> int:
    capacity = form.cleaned_data["capacity"]
    problem = services.places_problem(form.instance, capacity=capacity)
    if problem:
        raise ValidationError(problem)
    return capacity


class StudyGroupAdminForm(forms.ModelForm):
    """The admin's study-group form: places are never fewer than the group's members."""

    class Meta:
        model = StudyGroup
        fields = [
            "name", "slug", "topic", "description", "organiser", "meeting_pattern", "meeting_weekday",
            "meeting_time", "meeting_minutes", "meeting_place", "capacity", "meetings",
        ]  # fmt: skip

    def clean_capacity(self):
        return _checked_places(self)


class GenerateMeetingsForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=30, initial=6)
    skip = SkippedDatesField()


class CancelMeetingForm(forms.Form):
    message = forms.CharField(
        label=_("Message to everyone registered"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(label=_("Yes, cancel this meeting and email everyone registered"))
