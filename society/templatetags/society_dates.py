"""A cheaper `date` for long lists of times: Django's date filter reads its format string
character by character on every call (about 35 µs), which a page of a hundred rows feels."""

from datetime import datetime

from django import template
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

register = template.Library()


@register.filter(expects_localtime=True)
def short_day(value: datetime | None) -> str:
    """`value`'s day in the society's time zone as `|date:"j M"` writes it: "5 Dec"."""
    return f"{value.day} {MONTHS_3[value.month].title()}" if value else ""


@register.filter(expects_localtime=True)
def short_datetime(value: datetime | None) -> str:
    """`value` in the society's time zone as `|date:"D j M Y, H:i"` writes it: "Sat 5 Dec 2026, 18:00"."""
    if not value:
        return ""
    return f"{WEEKDAYS_ABBR[value.weekday()]} {value.day} {MONTHS_3[value.month].title()} {value.year}, {value:%H:%M}"
