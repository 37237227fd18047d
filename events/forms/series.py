"""The console's weekly series form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import Topic
from society import hooks
from society.forms import CheckboxChoices

from .. import services
from ..models import Event
from .fields import SkippedDatesField, banner_field, clean_banner, clean_topic_names, new_topics_field


def _model_field(name: str, **kwargs) -> forms.Field:
    """The event's own form field (its label, limits and help), for a form that is not a ModelForm."""
    return Event._meta.get_field(name).formfield(**kwargs)


class SeriesForm(forms.Form):
    """A weekly series of drafts with every detail at once; `links` are what other apps
    offer the drafts to join (society.hooks.SERIES_LINKS, e.g. a workshop series)."""

    WEEKDAYS = list(
        enumerate([_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")])
    )

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices, initial=Event.Kind.WORKSHOP)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int, initial=2)
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}), initial="18:00")
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=24 * 60, initial=120)
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(
        label=_("Number of weeks"),
        min_value=1,
        max_value=services.MAX_WEEKS,
        initial=10,
        error_messages={"max_value": services.TOO_LONG},
    )
    skip = SkippedDatesField()
    venue = forms.CharField(label=_("Room"), max_length=200, required=False)
    building = _model_field("building")
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False, help_text=_("Empty: unlimited."))
    level = _model_field("level")
    summary = _model_field("summary")
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 5}))
    banner_upload = banner_field()
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False, widget=CheckboxChoices
    )
    new_topics = new_topics_field()
    what_to_bring = _model_field("what_to_bring", widget=forms.Textarea(attrs={"rows": 3}))
    setup_checklist = _model_field("setup_checklist", widget=forms.Textarea(attrs={"rows": 3}))
    reminders_enabled = _model_field("reminders_enabled")
    members_only = _model_field("members_only")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = hooks.contributions(hooks.SERIES_LINKS)
        for name, link in self.offered.items():
            self.fields[f"link_{name}"] = forms.ChoiceField(
                label=gettext("Add the drafts to a %(link)s") % {"link": link.label.lower()},
                choices=[("", gettext("None")), *link.choices()],
                required=False,
            )

    def links(self) -> list[tuple[hooks.SeriesLink, str]]:
        """The (link, value) pairs chosen, for services.create_weekly_series (after is_valid)."""
        chosen = ((link, self.cleaned_data[f"link_{name}"]) for name, link in self.offered.items())
        return [(link, value) for link, value in chosen if value]

    def clean_banner_upload(self):
        self.banner_renditions = clean_banner(self.cleaned_data.get("banner_upload"))
        return self.cleaned_data.get("banner_upload")

    def clean_new_topics(self):
        return clean_topic_names(self.cleaned_data["new_topics"])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.plan = services.SeriesPlan(
            title=cleaned["title"], kind=cleaned["kind"], first_day=cleaned["first_day"], weekday=cleaned["weekday"],
            start=cleaned["start_time"], minutes=cleaned["minutes"], weeks=cleaned["weeks"], skip=cleaned["skip"],
            venue=cleaned["venue"], capacity=cleaned["capacity"], building=cleaned["building"],
            summary=cleaned["summary"], description=cleaned["description"], what_to_bring=cleaned["what_to_bring"],
            setup_checklist=cleaned["setup_checklist"], reminders_enabled=cleaned["reminders_enabled"],
            level=cleaned["level"], members_only=cleaned["members_only"], topics=tuple(cleaned["topics"]),
            new_topic_names=tuple(cleaned["new_topics"]),
        )  # fmt: skip
        if not self.plan.days():
            raise ValidationError(gettext("Every date is skipped: there is nothing to create."))
        for problem in self.plan.problems():
            self.add_error("start_time", problem)
        return cleaned
