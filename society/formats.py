"""How dates and times are written, by name, in each language the society speaks.

Templates write `{{ event.starts_at|when:"day_time" }}` (society_dates) and code
`formats.when(moment, "day_time")`, never a format string of their own, so a
Chinese reader gets 12月5日 星期六 18:00 where an English one gets Saturday 5
December, 18:00. Times are shown in the society's time zone (settings.TIME_ZONE);
the names of days and months come from Django's own catalogues.
"""

from datetime import date, datetime

from django.utils import dateformat, timezone, translation

from .languages import reads_chinese

# name: (en-gb, zh-hans), in the letters of Django's `date` filter.
FORMATS: dict[str, tuple[str, str]] = {
    "date": ("j M Y", "Y年n月j日"),  # 5 Dec 2026
    "long_date": ("j F Y", "Y年n月j日"),  # 5 December 2026
    "day": ("l j F", "n月j日 l"),  # Saturday 5 December
    "long_day": ("l j F Y", "Y年n月j日 l"),  # Saturday 5 December 2026
    "day_month": ("j M", "n月j日"),  # 5 Dec
    "datetime": ("j M Y, H:i", "Y年n月j日 H:i"),  # 5 Dec 2026, 18:00
    "day_time": ("l j F, H:i", "n月j日 l H:i"),  # Saturday 5 December, 18:00
    "short_day_time": ("D j M, H:i", "n月j日 D H:i"),  # Sat 5 Dec, 18:00
    "short_datetime": ("D j M Y, H:i", "Y年n月j日 D H:i"),  # Sat 5 Dec 2026, 18:00
    "month_time": ("j M H:i", "n月j日 H:i"),  # 5 Dec 18:00
    "long_datetime": ("l j F Y, H:i", "Y年n月j日 l H:i"),  # Saturday 5 December 2026, 18:00
    "long_datetime_zone": ("l j F Y, H:i T", "Y年n月j日 l H:i T"),  # … 18:00 GMT
    "time": ("H:i", "H:i"),  # 18:00
    "time_zone": ("H:i T", "H:i T"),  # 18:00 GMT
    "weekday": ("D", "D"),  # Sat
    "month": ("M", "n月"),  # Dec
    "day_number": ("j", "j"),  # 5
}


def format_of(name: str, language: str | None = None) -> str:
    """The format string called `name` in `language` (default: the active one)."""
    english, chinese = FORMATS[name]
    return chinese if reads_chinese(language) else english


def when(value: datetime | date | None, name: str, language: str | None = None) -> str:
    """`value` written as format `name` in the active language (a datetime in the
    society's time zone); "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if language is None:
        return dateformat.format(value, format_of(name))
    with translation.override(language):  # the names of days and months too
        return dateformat.format(value, format_of(name, language))
