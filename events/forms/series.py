"""The console's weekly series form."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from .. import services
from ..models import Event


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
