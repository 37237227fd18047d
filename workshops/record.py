"""What workshops/ adds to a member's participation record: the study groups they joined."""

from django.utils import timezone
from django.utils.translation import gettext as _

from society.records import RecordEntry, RecordSection

from .models import StudyGroupMembership


def sections(user, *, limit: int | None = None) -> list[RecordSection]:
    """The study groups `user` joined, newest first (a handful: `limit` cuts the list only)."""
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
    return [RecordSection(_("Study groups joined"), entries, earlier=len(memberships) - len(entries))]
