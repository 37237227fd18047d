"""What workshops/ adds to a member's participation record: the workshop series they
completed, and the study groups they joined."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from society.records import RecordEntry, RecordSection

from .completion import completed_series
from .models import StudyGroupMembership


def sections(user, *, limit: int | None = None) -> list[RecordSection]:
    """The series `user` completed and the study groups they joined, newest first (a
    handful: `limit` cuts the lists only). Two queries."""
    return [series_completed(user, limit=limit), study_groups(user, limit=limit)]


def series_completed(user, *, limit: int | None = None) -> RecordSection:
    completions = completed_series(user)
    entries = [
        RecordEntry(
            title=completion.series.name,
            when=timezone.localdate(completion.ended_at),
            detail=ngettext(
                "attended %(attended)d of %(sessions)d session",
                "attended %(attended)d of %(sessions)d sessions",
                completion.sessions,
            )
            % {"attended": completion.attended, "sessions": completion.sessions},
        )
        for completion in completions[:limit]
    ]
    return RecordSection(_("Workshop series completed"), entries, earlier=len(completions) - len(entries))


def study_groups(user, *, limit: int | None = None) -> RecordSection:
    memberships = list(
        StudyGroupMembership.objects.filter(user=user).select_related("group__topic").order_by("-created_at", "-pk")
    )
    entries = [
        RecordEntry(
            title=membership.group.name,
            when=timezone.localdate(membership.created_at),
            detail=membership.group.meeting_pattern,
            tags=(membership.group.topic.name,) if membership.group.topic else (),
        )
        for membership in memberships[:limit]
    ]
    return RecordSection(_("Study groups joined"), entries, earlier=len(memberships) - len(entries))
