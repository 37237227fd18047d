"""Academic years: 2026/27 is stored as 2026 and runs from ACADEMIC_YEAR_START
(1 August by default) in 2026 to the day before it in 2027."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone


def academic_year_of(day: date) -> int:
    """The academic year (its first calendar year) that `day` falls in."""
    month, first_day = settings.ACADEMIC_YEAR_START
    return day.year if (day.month, day.day) >= (month, first_day) else day.year - 1


def current_academic_year(*, today: date | None = None) -> int:
    return academic_year_of(today or timezone.localdate())


def academic_year_label(year: int) -> str:
    """2026 -> "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"


def academic_year_starts(year: int) -> date:
    month, day = settings.ACADEMIC_YEAR_START
    return date(year, month, day)


def academic_year_ends(year: int) -> date:
    """The first day after the academic year (when its memberships have ended)."""
    return academic_year_starts(year + 1)


def academic_year_term(year: int) -> tuple[date, date]:
    """The first and last day of academic `year` (a committee role's term by default)."""
    return academic_year_starts(year), academic_year_ends(year) - timedelta(days=1)
