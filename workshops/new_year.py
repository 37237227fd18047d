"""Workshops' step of the new academic year's checklist (society.hooks.NEW_YEAR_CHECKLIST)."""

from datetime import date, timedelta

from django.template.defaultfilters import pluralize
from django.urls import reverse

from members.new_year import CHECKLIST_WEEKS
from members.years import academic_year_starts, current_academic_year
from society.hooks import ChecklistItem

from .services import groups_to_archive


def new_year_checklist(*, today: date) -> list[ChecklistItem]:
    """Archive last year's study groups, during the new year's first weeks."""
    if today >= academic_year_starts(current_academic_year(today=today)) + timedelta(weeks=CHECKLIST_WEEKS):
        return []
    left = groups_to_archive(today=today).count()
    detail = f"{left} study group{pluralize(left)} from last year still open." if left else "Done: none left open."
    url = reverse("workshops:manage_study_groups")
    return [ChecklistItem(label="Archive last year's study groups", url=url, done=not left, detail=detail, order=40)]
