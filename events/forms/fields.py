"""Fields the console's event and series forms share: a banner, topics typed by name."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.services import topic_slug

from ..images import render_banner

BANNER_HELP = _("JPEG, PNG, GIF or WebP; cropped to 12:5 and resized to 1200 by 500 and 600 by 250.")


def banner_field() -> forms.FileField:
    return forms.FileField(
        label=_("Banner image"),
        required=False,
        help_text=BANNER_HELP,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )


def new_topics_field() -> forms.CharField:
    return forms.CharField(
        label=_("New topics"),
        required=False,
        max_length=500,
        help_text=_("Not in the list? Type them, separated by commas, e.g. Reinforcement learning, Robotics."),
    )


def clean_banner(upload) -> dict[int, bytes] | None:
    """The banner's renditions, or ValidationError saying what is wrong with the picture."""
    return render_banner(upload) if upload else None


def clean_topic_names(text: str) -> list[str]:
    """Names typed by the committee, each able to become a topic, without repeats."""
    names, slugs = [], set()
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        if len(name) > 60:
            raise ValidationError(
                gettext("“%(name)s…” is too long for a topic: at most 60 characters.") % {"name": name[:60]}
            )
        slug = topic_slug(name)
        if not slug:
            raise ValidationError(gettext("“%(name)s” cannot be a topic name: use letters or digits.") % {"name": name})
        if slug not in slugs:
            names.append(name)
            slugs.add(slug)
    return names


class SkippedDatesField(forms.CharField):
    """Dates a weekly plan leaves out (reading week), typed one a line or separated by
    commas; cleans to a frozenset of dates, or says which one is not a date."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Skip these dates"))
        kwargs.setdefault("help_text", _("One a line or separated by commas, like 2026-11-04 (reading week)."))
        super().__init__(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **kwargs)

    def clean(self, value) -> frozenset[date]:
        days = set()
        for text in super().clean(value).replace(",", "\n").split():
            try:
                days.add(date.fromisoformat(text))
            except ValueError:
                raise ValidationError(
                    gettext("%(text)s is not a date: write it like 2026-11-04.") % {"text": text}
                ) from None
        return frozenset(days)
