"""Study groups: joining and leaving (the group's row is locked while counting its
places), the committee's groups, their meetings generated as study-group events,
and telling members of a new meeting."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import Event
from events.services import (
    RegistrationError,
    SeriesPlan,
    cancel_event,
    create_event,
    event_facts,
    make_local,
    publish_event,
    record_action,
    register,
    unique_slug,
)
from members.years import academic_year_starts, current_academic_year
from society.emails import Email, queue_emails
from society.models import EmailKind

from ..models import StudyGroup, StudyGroupMembership
from .errors import WorkshopError


def join_study_group(*, group: StudyGroup, user) -> StudyGroupMembership:
    """Join, if a place is free (the group's row is locked while counting)."""
    with transaction.atomic():
        group = StudyGroup.objects.select_for_update().get(pk=group.pk)
        if group.archived_at:
            raise WorkshopError(_("This study group has ended: it takes no new members."))
        if StudyGroupMembership.objects.filter(group=group, user=user).exists():
            raise WorkshopError(_("You are already in this study group."))
        if StudyGroupMembership.objects.filter(group=group).count() >= group.capacity:
            raise WorkshopError(_("This study group is full."))
        try:
            with transaction.atomic():
                return StudyGroupMembership.objects.create(group=group, user=user)
        except IntegrityError as error:
            raise WorkshopError(_("You are already in this study group.")) from error


def leave_study_group(*, group: StudyGroup, user) -> bool:
    """Leave; True if the person was in the group."""
    deleted, _counts = StudyGroupMembership.objects.filter(group=group, user=user).delete()
    return bool(deleted)


def _member_count(group: StudyGroup) -> int:
    return StudyGroupMembership.objects.filter(group=group).count()


def places_problem(group: StudyGroup, *, capacity: int) -> str | None:
    """Why a group cannot have `capacity` places: fewer than its members (None: it can).
    Forms ask it to show the message beside the field; save_study_group refuses with it."""
    members = _member_count(group) if group.pk else 0
    if capacity < members:
        return ngettext(
            "%(group)s has %(count)d member: its places cannot be fewer. Nobody is removed by hand.",
            "%(group)s has %(count)d members: its places cannot be fewer. Nobody is removed by hand.",
            members,
        ) % {"group": group.name, "count": members}
    return None


def save_study_group(*, group: StudyGroup, by, now: datetime | None = None) -> StudyGroup:
    """Create or change a study group (filled in by the console's form). A new one
    without a slug gets one made from its name; places are never fewer than its members."""
    with transaction.atomic():
        created = group.pk is None
        if created:
            group.slug = group.slug or _unique_group_slug(group.name)
        else:
            StudyGroup.objects.select_for_update().get(pk=group.pk)  # joining waits for us
            problem = places_problem(group, capacity=group.capacity)
            if problem:
                raise WorkshopError(problem)
        group.save()
        action = "created study group" if created else "edited study group"
        record_action(actor=by, action=action, detail=group.name, now=now)
    return group


def _unique_group_slug(name: str) -> str:
    base = slugify(name)[:160] or "study-group"
    slug, n = base, 2
    while slug == "new" or StudyGroup.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def meeting_plan(*, group: StudyGroup, first_day: date, weeks: int, skip: frozenset[date]) -> SeriesPlan:
    """The group's pattern (weekday, time, length, place) from `first_day`, as a weekly plan."""
    if group.meeting_weekday is None or group.meeting_time is None:
        raise WorkshopError(_("Give %(group)s a meeting day and time first (Edit).") % {"group": group.name})
    return SeriesPlan(
        title=group.name, kind=Event.Kind.STUDY_GROUP, first_day=first_day, weekday=group.meeting_weekday,
        start=group.meeting_time, minutes=group.meeting_minutes, weeks=weeks, skip=skip,
        venue=group.meeting_place, capacity=group.capacity,
    )  # fmt: skip


def meeting_plan_problem(plan: SeriesPlan) -> str | None:
    """Why the plan cannot be generated: every date skipped, or a time the clocks skip or repeat."""
    if not plan.days():
        return _("Every date is skipped: there is no meeting to create.")
    problems = plan.problems()
    return problems[0] if problems else None


def generate_meetings(
    *, group: StudyGroup, first_day: date, weeks: int, skip: frozenset[date] = frozenset(), by,
    now: datetime | None = None,
) -> list[Event]:  # fmt: skip
    """The group's meetings for `weeks` weeks from `first_day` (except `skip`), in one step:
    each a study-group event made and published through events.services, linked to the
    group, and each member told by email. All or nothing: a refused date creates none."""
    plan = meeting_plan(group=group, first_day=first_day, weeks=weeks, skip=skip)
    problem = meeting_plan_problem(plan)
    if problem:
        raise WorkshopError(problem)
    meetings = []
    with transaction.atomic():
        group = StudyGroup.objects.select_for_update().get(pk=group.pk)
        members = [m.user for m in StudyGroupMembership.objects.filter(group=group).select_related("user")]
        for day in plan.days():
            starts_at = make_local(datetime.combine(day, plan.start))
            event = Event(
                title=f"{group.name}: {day:%-d %B}",
                slug=unique_slug(group.name, day), kind=Event.Kind.STUDY_GROUP, starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=plan.minutes), venue=plan.venue, capacity=group.capacity,
                summary=f"A meeting of the study group {group.name}.",
            )  # fmt: skip
            try:
                event = create_event(event=event, by=by, topics=[group.topic] if group.topic else [], now=now)
                event = publish_event(event=event, by=by, now=now)
            except RegistrationError as error:
                raise WorkshopError(str(error)) from error
            group.meetings.add(event)
            queue_emails((meeting_email(group=group, event=event, user=user) for user in members), now=now)
            meetings.append(event)
    return meetings


def tell_member_of_meeting(*, group: StudyGroup, event: Event, user, now: datetime | None = None) -> bool:
    """Email one member of the group about a new meeting, with a one-click register link
    (an announcement: members who turned announcements off are skipped). Once per meeting and member."""
    return queue_emails([meeting_email(group=group, event=event, user=user)], now=now) == 1


def meeting_email(*, group: StudyGroup, event: Event, user) -> Email:
    from ..links import meeting_register_link

    return Email(
        key=f"study-group-meeting:{event.pk}:{user.pk}",
        to=user.email,
        template="emails/study_group_meeting",
        context={
            "group": {"name": group.name},
            "event": event_facts(event),
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at),
            "event_url": settings.SITE_URL + event.get_absolute_url(),
            "group_url": settings.SITE_URL + group.get_absolute_url(),
            "register_url": meeting_register_link(event, user),
        },
        kind=EmailKind.ANNOUNCEMENT,
        user=user,
    )


def cancel_meeting(*, group: StudyGroup, event: Event, by, message: str, now: datetime | None = None) -> int:
    """Cancel one of the group's meetings (events.services.cancel_event tells whoever registered).
    Returns how many were told."""
    if not group.meetings.filter(pk=event.pk).exists():
        raise WorkshopError(
            _("“%(event)s” is not a meeting of %(group)s.") % {"event": event.title, "group": group.name}
        )
    try:
        return cancel_event(event=event, by=by, message=message, now=now)
    except RegistrationError as error:
        raise WorkshopError(str(error)) from error


def register_for_meeting(*, group: StudyGroup, event: Event, user, now: datetime | None = None):
    """A member of the group takes a place at one of its meetings (events.services.register:
    a seat, or the waiting list). Returns (registration, is_new)."""
    if not group.meetings.filter(pk=event.pk).exists():
        raise WorkshopError(
            _("“%(event)s” is not a meeting of %(group)s.") % {"event": event.title, "group": group.name}
        )
    if not StudyGroupMembership.objects.filter(group=group, user=user).exists():
        raise WorkshopError(_("Join %(group)s to register for its meetings from here.") % {"group": group.name})
    try:
        return register(event=event, user=user, now=now)
    except RegistrationError as error:
        raise WorkshopError(str(error)) from error


def groups_to_archive(*, today: date | None = None):
    """Study groups made before this academic year started and not archived yet."""
    starts = academic_year_starts(current_academic_year(today=today))
    first_moment = timezone.make_aware(datetime.combine(starts, time.min))
    return StudyGroup.objects.filter(archived_at__isnull=True, created_at__lt=first_moment).order_by("name")


def archive_last_years_study_groups(*, by, now: datetime | None = None) -> list[StudyGroup]:
    """The new year's clean-up: archive last year's study groups (those with meetings
    still to come are kept: cancel them first, or keep the group going). Returns those archived."""
    now = now or timezone.now()
    archived = []
    with transaction.atomic():
        for group in groups_to_archive(today=timezone.localdate(now)).select_for_update():
            if group.meetings.filter(starts_at__gte=now, status=Event.Status.PUBLISHED).exists():
                continue
            group.archived_at = now
            group.save(update_fields=["archived_at", "updated_at"])
            archived.append(group)
        if archived:
            names = ", ".join(group.name for group in archived)
            record_action(actor=by, action="archived study groups", detail=names, now=now)
    return archived
