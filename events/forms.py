from datetime import date, datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone

from members import terms
from members.models import Topic
from members.years import academic_year_label, current_academic_year
from society.links import https_by_default

from . import services
from .images import render_banner, render_speaker_photo
from .models import Announcement, ConsoleSettings, Event, EventSpeaker, Speaker


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


class FiguresForm(forms.Form):
    """Which period the figures are of, from the query string (?year=2026&term=autumn).
    A missing value means the current one; with a wrong one the form is invalid and the
    page shows the current term."""

    FIRST_YEAR = 2000

    year = forms.IntegerField(
        label="Academic year",
        required=False,
        min_value=FIRST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text="2026 is 2026/27.",
    )
    term = forms.ChoiceField(label="Term", required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = terms.current_term(today=today)
        self.fields["year"].max_value = self.current.year
        self.fields["year"].validators.append(MaxValueValidator(self.current.year))
        self.fields["year"].widget.attrs.update(min=self.FIRST_YEAR, max=self.current.year)
        self.fields["year"].initial = self.current.year
        self.fields["term"].initial = self.current.term
        self.fields["term"].choices = [
            *((name, name.capitalize()) for name in terms.term_names()),
            (terms.WHOLE_YEAR, "Whole year"),
        ]

    def period(self) -> terms.Period:
        """The period asked for; the current term when the form is invalid."""
        if not self.is_valid():
            return self.current
        year = self.cleaned_data["year"] or self.current.year
        return terms.period(year=year, term=self.cleaned_data["term"] or self.current.term)


class EventAdminForm(forms.ModelForm):
    """The admin's event form. The banner is uploaded here and re-encoded by events.images.
    No status: events are published and cancelled through the services (the admin's actions)."""

    banner_upload = forms.FileField(
        label="Banner image",
        required=False,
        help_text="JPEG, PNG, GIF or WebP; cropped to 12:5 and resized to 1200 by 500 and 600 by 250.",
    )

    class Meta:
        model = Event
        formfield_callback = https_by_default
        fields = [
            "title", "slug", "kind", "level", "summary", "description", "topics",
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


# --- The committee console -------------------------------------------------------------


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


class SeriesForm(forms.Form):
    WEEKDAYS = list(enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))

    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Event.Kind.choices, initial=Event.Kind.WORKSHOP)
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, initial=2)
    start_time = forms.TimeField(label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}), initial="18:00")
    minutes = forms.IntegerField(label="Length in minutes", min_value=15, max_value=24 * 60, initial=120)
    first_day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label="Number of weeks", min_value=1, max_value=30, initial=10)
    skip = forms.CharField(
        label="Skip these dates",
        required=False,
        max_length=1000,
        help_text="One a line or separated by commas, like 2026-11-04 (reading week).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    venue = forms.CharField(label="Room", max_length=200, required=False)
    capacity = forms.IntegerField(min_value=1, required=False, help_text="Empty: unlimited.")

    def clean_skip(self):
        days = set()
        for text in self.cleaned_data["skip"].replace(",", "\n").split():
            try:
                days.add(date.fromisoformat(text))
            except ValueError:
                raise ValidationError(f"{text} is not a date: write it like 2026-11-04.") from None
        return frozenset(days)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.plan = services.SeriesPlan(
            title=cleaned["title"], kind=cleaned["kind"], first_day=cleaned["first_day"], weekday=cleaned["weekday"],
            start=cleaned["start_time"], minutes=cleaned["minutes"], weeks=cleaned["weeks"], skip=cleaned["skip"],
            venue=cleaned["venue"], capacity=cleaned["capacity"],
        )  # fmt: skip
        if not self.plan.days():
            raise ValidationError("Every date is skipped: there is nothing to create.")
        for problem in self.plan.problems():
            self.add_error("start_time", problem)
        return cleaned


class DuplicateForm(forms.Form):
    starts_at = LocalDateTimeField(label="New start", help_text="Same length, room, speakers and capacity; a draft.")


class CancelEventForm(forms.Form):
    message = forms.CharField(
        label="Message to everyone registered", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    confirm = forms.BooleanField(label="Yes, cancel this event and email everyone registered")


class AddRegistrantForm(forms.Form):
    email = forms.EmailField(label="Email of their account")
    check_in = forms.BooleanField(label="Walk-in: check them in now", required=False)


class BulkAttendanceForm(forms.Form):
    emails = forms.CharField(
        label="Emails of people who came", max_length=50_000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One a line, or separated by commas or spaces.",
    )  # fmt: skip

    def clean_emails(self):
        emails = self.cleaned_data["emails"].replace(",", " ").replace(";", " ").split()
        if not emails:
            raise ValidationError("Paste at least one email.")
        return emails


class SelfCheckInForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        max_length=20,
        label="Code on the screen",
        error_messages={"invalid": "The code is six digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["subject", "body", "include_waitlist"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class AudienceAnnouncementForm(forms.Form):
    """An announcement to an audience: the audience is one choice, "<kind>" or
    "<kind>:<id>" (an event, or what another app offers: a series, a study group)."""

    audience = forms.ChoiceField(label="To")
    months = forms.IntegerField(
        label="Months (for “attended in the last months”)",
        required=False,
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": "Give the months as a whole number of one or more.",
            "min_value": "Give the months as a whole number of one or more.",
        },
    )
    include_waitlist = forms.BooleanField(label="For an event: also its waiting list", required=False)
    subject = forms.CharField(max_length=150)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), help_text="Plain text.")

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        year = academic_year_label(current_academic_year())
        Audience = Announcement.Audience
        choices = [
            (Audience.MEMBERS, f"All members of {year}"),
            (Audience.ATTENDED, "Everyone who attended an event in the last … months"),
        ]
        for key, offered in sorted(services.offered_audiences().items(), key=lambda item: item[1].order):
            choices.append((offered.label, [(f"{key}:{pk}", name) for pk, name in offered.choices()]))
        if events:
            label = "Everyone registered for an event"
            choices.append(
                (
                    label,
                    [
                        (f"{Audience.EVENT}:{e.pk}", f"{e.title} · {timezone.localtime(e.starts_at):%d %b}")
                        for e in events
                    ],
                )
            )
        self.fields["audience"].choices = choices

    def clean(self):
        data = super().clean()
        kind, _, target = data.get("audience", "").partition(":")
        data["kind"], data["target"] = kind, int(target) if target.isdigit() else None
        if kind == Announcement.Audience.ATTENDED and data.get("months") is None and "months" not in self.errors:
            self.add_error("months", "Give the months as a whole number of one or more.")
        return data


class ConsoleSettingsForm(forms.ModelForm):
    class Meta:
        model = ConsoleSettings
        formfield_callback = https_by_default
        fields = ["webhook_url"]

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        if url and not url.startswith("https://") and not settings.DEBUG:
            raise ValidationError("The webhook must be an https:// address.")
        return url


class ConsoleSpeakerForm(SpeakerAdminForm):
    class Meta(SpeakerAdminForm.Meta):
        fields = ["name", "affiliation", "bio", "email", "phone", "website_url", "linkedin_url", "github_url"]


class EventSpeakerForm(forms.ModelForm):
    class Meta:
        model = EventSpeaker
        fields = ["speaker", "invite_status", "consent_to_record", "consent_to_publish_slides", "order"]


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
