"""Forms members and visitors fill in: the events list's filters, self check-in, feedback."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from members.models import Topic

from ..models import Event


class EventFilterForm(forms.Form):
    """Filters of the upcoming events list, from the query string. A value that is
    not on offer is reported and ignored; the other filters still apply."""

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "placeholder": "e.g. transformers"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *Event.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict:
        """The valid filters only: kind, topic, words."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"kind": cleaned.get("kind", ""), "topic": cleaned.get("topic"), "words": cleaned.get("q", "")}

    def problems(self) -> list[str]:
        messages = {
            "kind": _("There is no such kind of event: showing every kind."),
            "topic": _("There is no such topic: showing every topic."),
            "q": _("That search is too long: showing events without it."),
        }
        return [messages[name] for name in self.errors if name in messages]


class SelfCheckInForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        max_length=20,
        label=_("Code on the screen"),
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class FeedbackForm(forms.Form):
    """An attendee's rating and comment (the fuller form comes with the workshops issue)."""

    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, format_lazy(_("{score} out of 5"), score=n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a rating from 1 to 5."},
    )
    comment = forms.CharField(
        label=_("Anything to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("What worked, what to change. The committee reads every comment."),
    )
