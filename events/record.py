"""What events/ adds to a member's participation record: the events they attended."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from society.records import RecordEntry, RecordSection

from .models import Event, Registration

# Study-group meetings get their own heading; everything else is grouped as below.
STUDY_GROUP_KINDS = {Event.Kind.STUDY_GROUP}


def sections(user, *, limit: int | None = None) -> list[RecordSection]:
    """The events `user` attended, newest first: at most `limit` a section. Five queries at most."""
    attended = Registration.objects.attended().filter(user=user)
    in_groups = Q(event__kind__in=STUDY_GROUP_KINDS)
    counts = attended.aggregate(everything=Count("pk"), groups=Count("pk", filter=in_groups))
    return [
        _latest(
            _("Workshops, talks and events attended"),
            attended.exclude(in_groups),
            total=counts["everything"] - counts["groups"],
            limit=limit,
        ),
        _latest(_("Study group meetings"), attended.filter(in_groups), total=counts["groups"], limit=limit),
    ]


def _latest(title: str, registrations: QuerySet[Registration], *, total: int, limit: int | None) -> RecordSection:
    if not total:
        return RecordSection(title)
    shown = registrations.select_related("event").prefetch_related("event__topics").order_by("-event__starts_at")
    entries = [
        RecordEntry(
            title=registration.event.title,
            when=timezone.localdate(registration.event.starts_at),
            detail=registration.event.get_kind_display(),
            tags=tuple(topic.name for topic in registration.event.topics.all()),
        )
        for registration in (shown if limit is None else shown[:limit])
    ]
    return RecordSection(title, entries, earlier=total - len(entries))
