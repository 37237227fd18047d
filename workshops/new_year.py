"""Workshops' step of the new academic year's checklist (society.hooks.NEW_YEAR_CHECKLIST)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.new_year import CHECKLIST_WEEKS
from members.years import academic_year_starts, current_academic_year
from society.hooks import ChecklistItem

from .services import groups_to_archive


def new_year_checklist(*, today: date) -> list[ChecklistItem]:
    """Archive last year's study groups, during the new year's first weeks."""
    if today >= academic_year_starts(current_academic_year(today=today)) + timedelta(weeks=CHECKLIST_WEEKS):
        return []
    left = groups_to_archive(today=today).count()
    if left:
        detail = ngettext(
            "%(count)d study group from last year still open.",
            "%(count)d study groups from last year still open.",
            left,
        ) % {"count": left}
    else:
        detail = _("Done: none left open.")
    url = reverse("workshops:manage_study_groups")
    return [ChecklistItem(label=_("Archive last year's study groups"), url=url, done=not left, detail=detail, order=40)]
