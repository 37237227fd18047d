"""Announcements to an audience (an event's registrants, members, attendees, what other apps offer)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.years import academic_year_label, current_academic_year
from society import formats

from .. import services
from ..models import Announcement


class AudienceAnnouncementForm(forms.Form):
    """An announcement to an audience: the audience is one choice, "<kind>" or
    "<kind>:<id>" (an event, or what another app offers: a series, a study group)."""

    audience = forms.ChoiceField(label=_("To"))
    months = forms.IntegerField(
        label=_("Months (for “attended in the last months”)"),
        required=False,
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": _("Give the months as a whole number of one or more."),
            "min_value": _("Give the months as a whole number of one or more."),
        },
    )
    include_waitlist = forms.BooleanField(label=_("For an event: also its waiting list"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Plain text."))

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        year = academic_year_label(current_academic_year())
        Audience = Announcement.Audience
        choices = [
            (Audience.MEMBERS, gettext("All members of %(year)s") % {"year": year}),
            (Audience.ATTENDED, gettext("Everyone who attended an event in the last … months")),
        ]
        for key, offered in sorted(services.offered_audiences().items(), key=lambda item: item[1].order):
            choices.append((offered.label, [(f"{key}:{pk}", name) for pk, name in offered.choices()]))
        if events:
            label = gettext("Everyone registered for an event")
            choices.append(
                (
                    label,
                    [
                        (f"{Audience.EVENT}:{e.pk}", f"{e.title} · {formats.when(e.starts_at, 'day_month')}")
                        for e in events
                    ],
                )
            )
        self.fields["audience"].choices = choices

    def clean(self):
        data = super().clean()
        kind, _, target = data.get("audience", "").partition(":")
        data["kind"], data["target"] = kind, int(target) if target.isdecimal() else None
        if kind == Announcement.Audience.ATTENDED and data.get("months") is None and "months" not in self.errors:
            self.add_error("months", gettext("Give the months as a whole number of one or more."))
        return data
