"""Terms of the academic year (ACADEMIC_TERMS): each starts on its day and runs until
the next one starts; the last runs until the academic year ends. A period is one
term of one academic year, or the whole year (WHOLE_YEAR)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from .years import academic_year_ends, academic_year_label, academic_year_of, academic_year_starts

WHOLE_YEAR = "year"


@dataclass(frozen=True)
class Period:
    """A term of an academic year, or the whole year: from `starts` to the day before `ends`."""

    year: int
    term: str  # a term's name, or WHOLE_YEAR
    starts: date
    ends: date  # the first day after the period

    @property
    def label(self) -> str:
        """The period's name: Autumn 2026/27, or 2026/27 for the whole year."""
        year = academic_year_label(self.year)
        return year if self.term == WHOLE_YEAR else f"{self.term.capitalize()} {year}"

    @property
    def later_term_starts(self) -> list[date]:
        """The days a term starts inside the period, after its first day: none for one term."""
        return [first for _, first in _term_starts(self.year)][1:] if self.term == WHOLE_YEAR else []

    def a_year_before(self) -> "Period":
        """The same term (or the whole year) of the academic year before."""
        return period(year=self.year - 1, term=self.term)


def term_names() -> list[str]:
    """The terms' names, in the order they come in a year."""
    return [name for name, _ in settings.ACADEMIC_TERMS]


def _term_starts(year: int) -> list[tuple[str, date]]:
    """Each term of academic year `year` with the day it starts."""
    year_start = settings.ACADEMIC_YEAR_START
    return [
        (name, date(year if (month, day) >= year_start else year + 1, month, day))
        for name, (month, day) in settings.ACADEMIC_TERMS
    ]


def period(*, year: int, term: str) -> Period:
    """Term `term` (or WHOLE_YEAR) of academic year `year`. A term not in ACADEMIC_TERMS is a KeyError."""
    if term == WHOLE_YEAR:
        return Period(year, WHOLE_YEAR, academic_year_starts(year), academic_year_ends(year))
    starts = _term_starts(year)
    ends = [day for _, day in starts[1:]] + [academic_year_ends(year)]
    for (name, first), after in zip(starts, ends, strict=True):
        if name == term:
            return Period(year, name, first, after)
    raise KeyError(term)


def term_of(day: date) -> Period:
    """The term that `day` falls in."""
    year = academic_year_of(day)
    name = [name for name, first in _term_starts(year) if first <= day][-1]
    return period(year=year, term=name)


def current_term(*, today: date | None = None) -> Period:
    return term_of(today or timezone.localdate())
