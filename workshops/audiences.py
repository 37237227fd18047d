"""The audiences workshops offers the committee's announcements (society.hooks
ANNOUNCEMENT_AUDIENCES): who attended a session of a series, a study group's members."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from events.models import Registration

from .models import StudyGroup, StudyGroupMembership, WorkshopSeries


def series_choices() -> list[tuple[int, str]]:
    return list(WorkshopSeries.objects.order_by("name").values_list("id", "name"))


def series_attendees(series_id: int):
    """Everyone who attended (checked in at) at least one session of the series."""
    came = Registration.objects.attended().filter(user=OuterRef("pk"), event__series_sessions__series_id=series_id)
    return get_user_model().objects.filter(Exists(came), is_active=True)


def describe_series(series_id: int) -> str:
    name = WorkshopSeries.objects.filter(pk=series_id).values_list("name", flat=True).first()
    return _("Attended a session of %(series)s") % {"series": name}


def study_group_choices() -> list[tuple[int, str]]:
    return list(StudyGroup.objects.order_by("name").values_list("id", "name"))


def study_group_members(group_id: int):
    joined = StudyGroupMembership.objects.filter(user=OuterRef("pk"), group_id=group_id)
    return get_user_model().objects.filter(Exists(joined), is_active=True)


def describe_study_group(group_id: int) -> str:
    name = StudyGroup.objects.filter(pk=group_id).values_list("name", flat=True).first()
    return _("Members of the study group %(group)s") % {"group": name}
