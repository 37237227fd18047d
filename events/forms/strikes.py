"""The no-show policy's forms: a member contests a strike, the committee decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from society.forms import RadioChoices

from ..models import ConsoleSettings
from ..services.strikes import MAX_REASON

# The no-show policy's numbers, and the bounds the console accepts for them.
NO_SHOW_RULE_BOUNDS = {
    "no_show_cutoff_hours": (0, 14 * 24),
    "late_promotion_hours": (0, 14 * 24),
    "strike_weeks": (1, 52),
    "strike_delay_minutes": (1, 7 * 24 * 60),
    "strike_delay_max_minutes": (1, 14 * 24 * 60),
}


class NoShowRulesForm(forms.ModelForm):
    """The console's settings of the no-show policy (saved by services.set_no_show_rules)."""

    prefix = "no_show"

    class Meta:
        model = ConsoleSettings
        fields = list(NO_SHOW_RULE_BOUNDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in NO_SHOW_RULE_BOUNDS.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.validators = [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)

    def clean(self):
        cleaned = super().clean()
        per_strike, most = cleaned.get("strike_delay_minutes"), cleaned.get("strike_delay_max_minutes")
        if per_strike and most and most < per_strike:
            self.add_error("strike_delay_max_minutes", _("The most must be at least the delay for one strike."))
        return cleaned

    def rules(self) -> dict[str, int]:
        """The numbers, for services.set_no_show_rules (call after is_valid)."""
        return {name: self.cleaned_data[name] for name in NO_SHOW_RULE_BOUNDS}


class ContestStrikeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this strike wrong?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The committee reads it and decides; you are told by email."),
        error_messages={"required": _("Say why you think this strike is wrong.")},
    )


class DecideStrikeForm(forms.Form):
    WAIVE, KEEP = "waive", "keep"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(WAIVE, _("Waive it: it stops counting")), (KEEP, _("Keep it"))],
        widget=RadioChoices,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to waive; the member is told it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.WAIVE and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", ValidationError(_("Give the reason for waiving the strike: the member is told it."))
            )
        return cleaned

    @property
    def waive(self) -> bool:
        return self.cleaned_data["decision"] == self.WAIVE
