"""What events/ adds to a member's participation record: the events they attended."""

from django.utils import timezone

from society.records import RecordEntry, RecordSection

from .models import Event, Registration

# Study-group meetings get their own heading; everything else is grouped as below.
STUDY_GROUP_KINDS = {Event.Kind.STUDY_GROUP}


def sections(user) -> list[RecordSection]:
    attended = (
        Registration.objects.attended()
        .filter(user=user)
        .select_related("event")
        .prefetch_related("event__topics")
        .order_by("-event__starts_at")
    )
    learning, groups = [], []
    for registration in attended:
        event = registration.event
        entry = RecordEntry(
            title=event.title,
            when=timezone.localdate(event.starts_at),
            detail=event.get_kind_display(),
            tags=tuple(topic.name for topic in event.topics.all()),
        )
        (groups if event.kind in STUDY_GROUP_KINDS else learning).append(entry)
    return [
        RecordSection("Workshops, talks and events attended", learning),
        RecordSection("Study group meetings", groups),
    ]
