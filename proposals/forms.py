from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workshops.models import WorkshopSeries

from . import services
from .models import Proposal


class ProposalForm(forms.ModelForm):
    """What a member proposes. Co-hosts are given by the email of their account."""

    co_hosts = forms.CharField(
        label=_("Co-hosts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional: the emails of other members who will lead it with you, one a line. "
            "Each is asked to accept; only those who accept become hosts."
        ),
    )

    class Meta:
        model = Proposal
        fields = [
            "kind",
            "title",
            "abstract",
            "level",
            "outcomes",
            "prerequisites",
            "length_minutes",
            "preferred_weeks",
            "materials_plan",
        ]
        labels = {"kind": _("Kind of session")}
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 6}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "prerequisites": forms.Textarea(attrs={"rows": 2}),
            "materials_plan": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, proposer, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposer = proposer
        if self.instance.pk and not self.is_bound:
            emails = self.instance.co_hosts.select_related("user").values_list("user__email", flat=True)
            self.initial["co_hosts"] = "\n".join(emails)

    def clean_abstract(self):
        abstract = self.cleaned_data["abstract"].strip()
        if not abstract:
            raise ValidationError(_("Write an abstract: a few sentences on what the session is about."))
        return abstract

    def clean_co_hosts(self):
        emails = self.cleaned_data["co_hosts"].replace(",", "\n").replace(";", "\n").splitlines()
        try:
            return services.co_hosts_from_emails(emails, proposer=self.proposer)
        except services.ProposalError as error:
            raise ValidationError(str(error)) from error


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Waiting for the committee")), *Proposal.State.choices]
    )

    def state_chosen(self) -> str:
        return self.cleaned_data["state"] if self.is_valid() else ""


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class CommentForm(MessageForm):
    internal = forms.BooleanField(
        label=_("Internal note: for the committee only, never shown to the proposer"), required=False
    )


class VoteForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your vote"),
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Choose a score")),
            (5, _("5 · yes, please")),
            (4, _("4 · good")),
            (3, _("3 · fine")),
            (2, _("2 · doubtful")),
            (1, _("1 · no")),
        ],
    )
    note = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class ScheduleForm(forms.Form):
    """When and where the accepted session runs; the event is created as a draft."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.CharField(label=_("Room"), max_length=200, required=False)
    series = forms.ModelChoiceField(
        label=_("Workshop series (optional)"),
        queryset=WorkshopSeries.objects.filter(retired_at__isnull=True).order_by("name"),
        required=False,
        empty_label=_("None: a session of its own"),
        help_text=_("The session is added last to the series."),
    )
    message = forms.CharField(
        label=_("Message to the proposer (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("at"):
            problem = services.schedule_problem(day=cleaned["day"], at=cleaned["at"], now=self.now)
            if problem:
                self.add_error("day", problem)
        return cleaned
