"""Dates and times in the reader's language (society.formats): `{{ moment|when:"day_time" }}`.

`short_day` and `short_datetime` are cheaper spellings of two of them for long lists:
Django's date filter reads its format string character by character on every call
(about 35 µs), which a page of a hundred rows feels."""

from datetime import date, datetime

from django import template
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

from society import formats
from society.languages import reads_chinese

register = template.Library()


@register.filter(expects_localtime=True)
def when(value: datetime | date | None, name: str) -> str:
    """`value` written as the format called `name` in society.formats."""
    return formats.when(value, name)


@register.filter(expects_localtime=True)
def short_day(value: datetime | None) -> str:
    """`value`'s day in the society's time zone, as `when:"day_month"` writes it: "5 Dec", "12月5日"."""
    if not value:
        return ""
    if reads_chinese():
        return f"{value.month}月{value.day}日"
    return f"{value.day} {MONTHS_3[value.month].title()}"


@register.filter(expects_localtime=True)
def short_datetime(value: datetime | None) -> str:
    """`value` in the society's time zone, as `when:"short_datetime"` writes it:
    "Sat 5 Dec 2026, 18:00", "2026年12月5日 星期六 18:00"."""
    if not value:
        return ""
    if reads_chinese():
        return f"{value.year}年{value.month}月{value.day}日 {WEEKDAYS_ABBR[value.weekday()]} {value:%H:%M}"
    return f"{WEEKDAYS_ABBR[value.weekday()]} {value.day} {MONTHS_3[value.month].title()} {value.year}, {value:%H:%M}"
