"""What events/ adds to a member's participation record: the sessions they led, and the
events they attended."""

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from society.records import RecordEntry, RecordSection

from .hosts import led_by
from .models import Event, Registration, attended_q

# A session's average rating is shown only once this many attendees rated it: fewer say
# little, and could tell the host who gave which score.
RATINGS_SHOWN_FROM = 5

# Study-group meetings get their own heading; everything else is grouped as below.
STUDY_GROUP_KINDS = {Event.Kind.STUDY_GROUP}


def sections(user, *, limit: int | None = None) -> list[RecordSection]:
    """The sessions `user` led and the events they attended, newest first: at most `limit`
    a section. Seven queries at most."""
    attended = Registration.objects.attended().filter(user=user)
    in_groups = Q(event__kind__in=STUDY_GROUP_KINDS)
    counts = attended.aggregate(everything=Count("pk"), groups=Count("pk", filter=in_groups))
    return [
        sessions_led(user, limit=limit),
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


def sessions_led(user, *, limit: int | None = None) -> RecordSection:
    """The sessions `user` hosted that took place, newest first, each with how many came
    (checked in) and, from RATINGS_SHOWN_FROM ratings on, its average rating. Two queries."""
    led = led_by(user)
    total = led.count()
    if not total:
        return RecordSection(_("Sessions led"))
    counted = led.annotate(
        attendance=Count("registrations", filter=attended_q("registrations__")),
        ratings=Count("registrations__rating"),
        average_rating=Avg("registrations__rating__score"),
    ).prefetch_related("topics")
    entries = [
        RecordEntry(
            title=event.title,
            when=timezone.localdate(event.starts_at),
            detail=led_detail(event.attendance, event.ratings, event.average_rating),
            tags=tuple(topic.name for topic in event.topics.all()),
        )
        for event in (counted if limit is None else counted[:limit])
    ]
    return RecordSection(_("Sessions led"), entries, earlier=total - len(entries))


def led_detail(attendance: int, ratings: int, average: float | None) -> str:
    """ "12 attended · rated 4.6 out of 5 by 7" (the rating only from RATINGS_SHOWN_FROM on)."""
    came = ngettext("%(count)d attended", "%(count)d attended", attendance) % {"count": attendance}
    if ratings < RATINGS_SHOWN_FROM or average is None:
        return came
    rated = ngettext("rated %(average)s out of 5 by %(count)d", "rated %(average)s out of 5 by %(count)d", ratings) % {
        "average": f"{average:.1f}",
        "count": ratings,
    }
    return f"{came} · {rated}"
