"""Business rules of events: registering, cancelling, the waiting list, check-in.

Views, admin actions and (later) the committee console and tasks call these
functions, so each rule has one home. Arguments are keyword-only; `now` can be
given so tests never wait for the clock.

Concurrency: every change to an event's registrations first locks the event's
row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions lock
the whole database). So counting the confirmed seats and taking one is atomic,
and confirmed registrations never exceed the capacity, whatever the number of
web processes. The order in which the lock is obtained is the order of arrival:
each registration's `created_at` (and id) is taken while holding it.
"""

import enum
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from members.services import delete_files_on_commit, is_member
from society.emails import Attachment, queue_email
from society.models import EmailKind

from .calendars import event_calendar
from .models import CalendarFeed, Event, EventRating, Registration, new_token

Status = Registration.Status


class RegistrationError(Exception):
    """A rule says no. The message is written for the member and shown as is."""


class Availability(enum.Enum):
    """Can someone register for an event now, and how?"""

    OPEN = "open"
    WAITLIST = "waitlist"  # full, but the waiting list is open
    FULL = "full"  # full, with no waiting list
    NOT_OPEN_YET = "not_open_yet"
    CLOSED = "closed"
    MEMBERS_ONLY = "members_only"
    CANCELLED = "cancelled"
    NOT_PUBLISHED = "not_published"

    @property
    def accepts_registrations(self) -> bool:
        return self in (Availability.OPEN, Availability.WAITLIST)


def availability(*, event: Event, confirmed: int, member: bool, now) -> Availability:
    """The one rule for who may register when; the register button shows what it says."""
    if event.status == Event.Status.CANCELLED:
        return Availability.CANCELLED
    if event.status != Event.Status.PUBLISHED:
        return Availability.NOT_PUBLISHED
    if now >= event.registration_closes:
        return Availability.CLOSED
    if event.registration_opens_at and now < event.registration_opens_at:
        return Availability.NOT_OPEN_YET
    if event.members_only and not member:
        return Availability.MEMBERS_ONLY
    if event.capacity is not None and confirmed >= event.capacity:
        return Availability.WAITLIST if event.waitlist_enabled else Availability.FULL
    return Availability.OPEN


def refusal_message(state: Availability, *, event: Event) -> str:
    if state == Availability.NOT_OPEN_YET:
        opens = formats.date_format(timezone.localtime(event.registration_opens_at), "l j F Y, H:i")
        return f"Registration for this event opens on {opens}."
    return {
        Availability.FULL: "Sorry, this event is full and has no waiting list.",
        Availability.CLOSED: "Registration for this event has closed.",
        Availability.MEMBERS_ONLY: "This event is for members of the society only: join the society, then register.",
        Availability.CANCELLED: "This event has been cancelled.",
        Availability.NOT_PUBLISHED: "This event is not open for registration.",
    }[state]


def _locked(event: Event) -> Event:
    """The event, re-read with its row locked until the transaction ends."""
    return Event.objects.select_for_update().get(pk=event.pk)


def register(*, event: Event, user, now=None) -> tuple[Registration, bool]:
    """Give `user` a seat, or a place on the waiting list when the event is full.

    Returns the registration and whether it is new: registering twice (a double
    click) returns the first one. Raises RegistrationError when a rule says no.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        existing = Registration.objects.active().filter(event=event, user=user).first()
        if existing:
            return existing, False
        confirmed = Registration.objects.confirmed().filter(event=event).count()
        member = is_member(user) if event.members_only else True
        state = availability(event=event, confirmed=confirmed, member=member, now=now)
        if not state.accepts_registrations:
            raise RegistrationError(refusal_message(state, event=event))
        if state == Availability.OPEN:
            registration = Registration.objects.create(
                event=event, user=user, status=Status.CONFIRMED, confirmed_at=timezone.now()
            )
            _queue_ticket_email(registration, template="emails/registration_confirmed", key="confirmed")
        else:
            registration = Registration.objects.create(event=event, user=user, status=Status.WAITLISTED)
            _queue_waitlisted_email(registration)
    return registration, True


def cancel(*, registration: Registration, now=None) -> list[Registration]:
    """Give up a seat (or a place on the waiting list) until the event starts.

    A freed seat goes at once to the first person waiting. Cancelling twice is
    harmless. Returns the registrations promoted as a result.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if not registration.is_active:
            return []
        if now >= event.starts_at:
            raise RegistrationError("The event has started: it is too late to cancel.")
        was_confirmed = registration.is_confirmed
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        return promote_from_waitlist(event=event, now=now) if was_confirmed else []


def promote_from_waitlist(*, event: Event, now=None) -> list[Registration]:
    """Fill every free seat from the waiting list, first come first served, and tell
    each person promoted. Called when a seat frees up or the capacity is raised."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked(event)
        if event.status != Event.Status.PUBLISHED or now >= event.ends_at:
            return []
        waiting = Registration.objects.waitlisted().filter(event=event).select_related("user", "event")
        if event.capacity is not None:
            free = event.capacity - Registration.objects.confirmed().filter(event=event).count()
            if free <= 0:
                return []
            waiting = waiting[:free]
        promoted = list(waiting)
        for registration in promoted:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at", "updated_at"])
            _queue_ticket_email(registration, template="emails/registration_promoted", key="promoted")
    return promoted


def change_capacity(*, event: Event, capacity: int | None) -> list[Registration]:
    """Set the number of seats (None: unlimited). Raising it promotes people waiting;
    it cannot drop below the seats already taken."""
    with transaction.atomic():
        locked = _locked(event)
        confirmed = Registration.objects.confirmed().filter(event=locked).count()
        if capacity is not None and capacity < confirmed:
            raise RegistrationError(f"{confirmed} people already hold a seat: the capacity cannot be lower.")
        Event.objects.filter(pk=locked.pk).update(capacity=capacity, updated_at=timezone.now())
        event.capacity = capacity
        return promote_from_waitlist(event=locked)


def check_in(*, registration: Registration, by, now=None) -> Registration:
    """Record that the holder of a confirmed registration arrived. Doing it twice keeps the first time."""
    now = now or timezone.now()
    with transaction.atomic():
        _locked(registration.event)
        registration = Registration.objects.select_related("event", "user").get(pk=registration.pk)
        if not registration.is_confirmed:
            raise RegistrationError("This registration is not confirmed: there is no seat to check in to.")
        if registration.checked_in_at is None:
            registration.checked_in_at = now
            registration.checked_in_by = by
            registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    return registration


def mark_set_up(*, registration: Registration, now=None) -> Registration:
    """The member has done the event's setup checklist. Doing it twice keeps the first time."""
    now = now or timezone.now()
    Registration.objects.filter(pk=registration.pk, set_up_at__isnull=True).update(set_up_at=now, updated_at=now)
    registration.refresh_from_db(fields=["set_up_at", "updated_at"])
    return registration


def rate_event(*, registration: Registration, score: int, comment: str | None = None) -> EventRating:
    """Record an attendee's rating (1 to 5), or change it; `comment` None keeps the comment."""
    if not registration.checked_in_at:
        raise RegistrationError("Only people who came can rate an event.")
    if score not in range(1, 6):
        raise RegistrationError("A rating is a whole number from 1 to 5.")
    defaults = {"score": score} if comment is None else {"score": score, "comment": comment}
    rating, _ = EventRating.objects.update_or_create(registration=registration, defaults=defaults)
    return rating


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if not registration.is_waitlisted:
        return None
    earlier = Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, id__lte=registration.id)
    return Registration.objects.waitlisted().filter(earlier, event_id=registration.event_id).count()


# --- Banners -----------------------------------------------------------------------


def set_banner(*, event: Event, renditions: dict[int, bytes]) -> None:
    """Store re-encoded banner renditions (events.images) under new random names."""
    old_files = [event.banner.name, event.banner_small.name]
    token = secrets.token_hex(16)
    event.banner.save(f"{token}-1200.jpg", ContentFile(renditions[1200]), save=False)
    event.banner_small.save(f"{token}-600.jpg", ContentFile(renditions[600]), save=False)
    event.save(update_fields=["banner", "banner_small", "updated_at"])
    delete_files_on_commit(old_files)


# --- Calendar feeds ------------------------------------------------------------------


def calendar_feed_of(user) -> CalendarFeed:
    """The member's private feed, made on first need."""
    return CalendarFeed.objects.get_or_create(user=user)[0]


def reset_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_of(user)
    feed.token = new_token()
    feed.save(update_fields=["token", "updated_at"])
    return feed


# --- Emails ----------------------------------------------------------------------------


def registration_email_context(registration: Registration) -> dict:
    """What every email about a registration shows: the event, its local times, the links."""
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "ticket_url": settings.SITE_URL + registration.get_absolute_url(),
        "my_events_url": settings.SITE_URL + reverse("events:my_events"),
    }


def _queue_ticket_email(registration: Registration, *, template: str, key: str) -> None:
    event = registration.event
    queue_email(
        key=f"{key}:{registration.pk}",
        to=registration.user.email,
        template=template,
        context=registration_email_context(registration),
        kind=EmailKind.REGISTRATION,
        user=registration.user,
        attachments=(Attachment(f"{event.slug}.ics", event_calendar(event).decode(), "text/calendar"),),
    )


def _queue_waitlisted_email(registration: Registration) -> None:
    queue_email(
        key=f"waitlisted:{registration.pk}",
        to=registration.user.email,
        template="emails/registration_waitlisted",
        context={**registration_email_context(registration), "position": waitlist_position(registration)},
        kind=EmailKind.REGISTRATION,
        user=registration.user,
    )


def set_speaker_photo(*, speaker, photo: bytes) -> None:
    """Store a re-encoded speaker photo (events.images) under a new random name."""
    old_file = speaker.photo.name
    speaker.photo.save(f"{secrets.token_hex(16)}-256.jpg", ContentFile(photo), save=False)
    speaker.save(update_fields=["photo", "updated_at"])
    delete_files_on_commit([old_file])
