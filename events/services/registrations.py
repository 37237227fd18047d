"""The rules of registering: seats, the waiting list, cancelling, the committee's
seats by hand and walk-ins.

Concurrency: every change to an event's registrations first locks the event's row
(`lock_event`: SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions
lock the whole database). So counting the confirmed seats and taking one is atomic,
and confirmed registrations never exceed the capacity, whatever the number of web
processes. The order in which the lock is obtained is the order of arrival: each
registration's `created_at` (and id) is taken while holding it. The lock is held for
the seat decision and its inserts only: whatever can be known before (the member,
their membership, the email's context) is worked out before it, and the emails are
rendered when they are delivered.
"""

import enum
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from members.models import User
from members.services import is_member
from society import formats as society_formats

from ..models import CancelledVia, Event, Registration
from .audit import record_action
from .emails import queue_ticket_email, queue_waitlisted_email, registration_email_context

Status = Registration.Status


class RegistrationError(Exception):
    """A rule says no. The message is written for the person asking and shown as is."""


def lock_event(event: Event) -> Event:
    """The event, re-read with its row locked until the transaction ends. Every change
    to an event or its registrations takes this lock first."""
    return Event.objects.select_for_update().get(pk=event.pk)


def lock_registration(registration: Registration, *, event: Event | None = None) -> Registration:
    """Lock the registration's event, then re-read the registration under that lock."""
    locked_event = lock_event(event or registration.event)
    registration = Registration.objects.select_related("user").get(pk=registration.pk)
    if registration.event_id != locked_event.pk:
        raise RegistrationError(gettext("This registration belongs to another event: nothing was changed."))
    registration.event = locked_event
    return registration


def check_not_stale(registration: Registration, seen: str | None) -> None:
    """`seen` is the registration's `state_stamp` when the page was drawn (None: not asked).
    Refuse to act on what the person did not see."""
    if seen is not None and seen != registration.state_stamp:
        raise RegistrationError(
            gettext("%(name)s's registration changed since this page was drawn: nothing was changed. Look at it again.")
            % {"name": registration.user.display_name}
        )


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
    LOTTERY = "lottery"  # places are drawn by lot: members ask until the requests close
    DRAWING = "drawing"  # the requests have closed, the draw is not done yet

    @property
    def accepts_registrations(self) -> bool:
        return self in (Availability.OPEN, Availability.WAITLIST)


def availability(
    *, event: Event, confirmed: int, member: bool, now, at_the_door: bool = False, delay: timedelta | None = None
) -> Availability:
    """The one rule for who may register when; the register button shows what it says.

    `at_the_door`: a walk-in the committee adds while check-in is open, after
    registration closed; still never past the capacity, and no waiting list.
    `delay`: registration opens this much later for this person (no-show strikes,
    services.strikes.opening_delay)."""
    if event.status == Event.Status.CANCELLED:
        return Availability.CANCELLED
    if event.status != Event.Status.PUBLISHED:
        return Availability.NOT_PUBLISHED
    if now >= (event.check_in_closes if at_the_door else event.registration_closes):
        return Availability.CLOSED
    if not at_the_door and event.registration_opens_at and now < event.registration_opens_at + (delay or timedelta(0)):
        return Availability.NOT_OPEN_YET
    if event.members_only and not member:
        return Availability.MEMBERS_ONLY
    if event.lottery and event.drawn_at is None and not at_the_door:
        return Availability.LOTTERY if now < event.lottery_closes_at else Availability.DRAWING
    if event.capacity is not None and confirmed >= event.capacity:
        return Availability.WAITLIST if event.waitlist_enabled and not at_the_door else Availability.FULL
    return Availability.OPEN


def refusal_message(state: Availability, *, event: Event, delay: timedelta | None = None) -> str:
    if state == Availability.NOT_OPEN_YET and delay:
        opens = society_formats.when(event.registration_opens_at + delay, "long_datetime")
        return gettext(
            "Registration for this event opens for you on %(when)s, later than for everyone else, "
            "because you hold no-show strikes."
        ) % {"when": opens}
    if state == Availability.NOT_OPEN_YET:
        opens = society_formats.when(event.registration_opens_at, "long_datetime")
        return gettext("Registration for this event opens on %(when)s.") % {"when": opens}
    if state == Availability.LOTTERY:
        closes = society_formats.when(event.lottery_closes_at, "long_datetime")
        return gettext("The places at this event are drawn by lot: ask for one before %(when)s.") % {"when": closes}
    return {
        Availability.FULL: gettext("Sorry, this event is full and has no waiting list."),
        Availability.CLOSED: gettext("Registration for this event has closed."),
        Availability.MEMBERS_ONLY: gettext(
            "This event is for members of the society only: join the society, then register."
        ),
        Availability.CANCELLED: gettext("This event has been cancelled."),
        Availability.NOT_PUBLISHED: gettext("This event is not open for registration."),
        Availability.DRAWING: gettext("The requests have closed and the draw is being made: look again in a minute."),
    }[state]


def registration_problem(*, event: Event, user, now: datetime | None = None, by_committee: bool = False) -> str | None:
    """Why `user` cannot register for `event` now (None: they can). What `register`
    refuses with; forms ask it first to show the message beside the field.
    `by_committee`: the committee adds them (no later opening for strikes)."""
    now = now or timezone.now()
    if Registration.objects.active().filter(event=event, user=user).exists():
        return gettext("This person is already registered (or waiting) for this event.")
    confirmed = Registration.objects.confirmed().filter(event=event).count()
    member = is_member(user) if event.members_only else True
    delay = None if by_committee else _opening_delay(event=event, user=user)
    state = availability(event=event, confirmed=confirmed, member=member, now=now, delay=delay)
    return None if state.accepts_registrations else refusal_message(state, event=event, delay=delay)


def _opening_delay(*, event: Event, user) -> timedelta:
    from .strikes import opening_delay  # the no-show policy builds on these rules

    return opening_delay(event=event, user=user)


def register(
    *, event: Event, user, now: datetime | None = None, at_the_door: bool = False, by_committee: bool = False
) -> tuple[Registration, bool]:
    """Give `user` a seat, or a place on the waiting list when the event is full.

    Returns the registration and whether it is new: registering twice (a double
    click) returns the first one. Raises RegistrationError when a rule says no.
    `at_the_door`: a walk-in added by the committee (see `availability`).
    `by_committee`: the committee adds them: no-show strikes do not delay it.
    """
    # Before the lock: what the event as the caller loaded it decides. Should the
    # event's row have changed meanwhile, it is worked out again under the lock.
    member = is_member(user) if event.members_only else True
    personal = not (at_the_door or by_committee)
    delay = _opening_delay(event=event, user=user) if personal else None
    registration = Registration(event=event, user=user)  # its token is the ticket's address
    context = registration_email_context(registration)
    with transaction.atomic():
        locked = lock_event(event)
        if locked.updated_at != event.updated_at:
            registration.event = locked
            member = is_member(user) if locked.members_only else True
            context = registration_email_context(registration)
            delay = _opening_delay(event=locked, user=user) if personal else None
        # The clock is read under the lock, so `created_at` and `confirmed_at`
        # follow the order of arrival.
        now = now or timezone.now()
        seats = Registration.objects.filter(event=locked).aggregate(
            mine=Count("pk", filter=Q(user=user, status__in=Registration.ACTIVE)),
            confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
            waiting_before=Count("pk", filter=Q(status=Status.WAITLISTED, created_at__lte=now)),
        )
        if seats["mine"]:
            return Registration.objects.active().select_related("user").get(event=locked, user=user), False
        state = availability(
            event=locked, confirmed=seats["confirmed"], member=member, now=now, at_the_door=at_the_door, delay=delay
        )
        if not state.accepts_registrations:
            raise RegistrationError(refusal_message(state, event=locked, delay=delay))
        registration.event, registration.created_at = locked, now
        if state == Availability.OPEN:
            registration.status, registration.confirmed_at = Status.CONFIRMED, now
            registration.save(force_insert=True)
            queue_ticket_email(registration, promoted=False, context=context)
        else:
            registration.status = Status.WAITLISTED
            registration.save(force_insert=True)
            # waitlist_position's answer: those waiting who came before.
            queue_waitlisted_email(registration, position=seats["waiting_before"] + 1, context=context)
    return registration, True


def cancellation_problem(registration: Registration, *, by=None, now: datetime | None = None) -> str | None:
    """Why this place cannot be given up now (None: it can, or it is already given up).
    `by`: the committee member asking for someone else (the message names the holder)."""
    if registration.checked_in_at is not None:
        if by is None:
            return gettext(
                "You were checked in at this event, so the place cannot be cancelled. "
                "If that was a mistake, the committee undoes the check-in first."
            )
        return gettext(
            "%(name)s was checked in at this event, so the place cannot be cancelled. "
            "If that was a mistake, the committee undoes the check-in first."
        ) % {"name": registration.user.display_name}
    if registration.is_active and (now or timezone.now()) >= registration.event.starts_at:
        return gettext("The event has started: it is too late to cancel.")
    return None


def cancel(
    *,
    registration: Registration,
    by=None,
    seen: str | None = None,
    now: datetime | None = None,
    via: CancelledVia | str = "",
) -> list:
    """Give up a seat (or a place on the waiting list) until the event starts.

    `by` is the committee member cancelling for someone (logged, and kept on the row as
    CancelledVia.COMMITTEE); None when the holder cancels, on the site or by an email's
    link (`via`): a no-show strike follows only a late cancel on the site
    (services.strikes). A checked-in place is not cancelled: the person came (the
    committee undoes a mistaken check-in first). A freed seat goes at once to the
    first person waiting. Cancelling twice is harmless. Returns those promoted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_registration(registration)
        event = registration.event
        check_not_stale(registration, seen)
        problem = cancellation_problem(registration, by=by, now=now)
        if problem:
            raise RegistrationError(problem)
        if not registration.is_active:
            return []
        was_confirmed = registration.is_confirmed
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.cancelled_via = CancelledVia.COMMITTEE if by is not None else via
        registration.save(update_fields=["status", "cancelled_at", "cancelled_via", "updated_at"])
        if by is not None:
            record_action(actor=by, event=event, member=registration.user, action="cancelled registration", now=now)
        return promote_from_waitlist(event=event, now=now) if was_confirmed else []


def promote_from_waitlist(*, event: Event, now: datetime | None = None) -> list[Registration]:
    """Fill every free seat from the waiting list, first come first served, and tell
    each person promoted. Called when a seat frees up or the capacity is raised.
    Friends the draw put on the waiting list together (events.services.lottery) take
    seats together: while fewer seats are free than they are, those behind them take
    the seats, as in the draw's walk."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event)
        if event.status != Event.Status.PUBLISHED or now >= event.ends_at:
            return []
        waiting = Registration.objects.waitlisted().filter(event=event).select_related("user")
        pairs = _waiting_pairs(event) if event.lottery and event.drawn_at else {}
        if event.capacity is None:
            promoted = list(waiting)
        else:
            free = event.capacity - Registration.objects.confirmed().filter(event=event).count()
            if free <= 0:
                return []
            promoted = _who_fits(list(waiting if pairs else waiting[:free]), free=free, pairs=pairs)
        for registration in promoted:
            _confirm(registration, event=event, now=now)
    return promoted


def _waiting_pairs(event: Event) -> dict[int, int]:
    from .lottery import waiting_pairs  # the lottery builds on these rules

    return waiting_pairs(event)


def _who_fits(waiting: list[Registration], *, free: int, pairs: dict[int, int]) -> list[Registration]:
    """Walking the waiting list in order: each person, or each pair of friends still both
    waiting, takes seats if they all fit in the `free` seats left; otherwise they keep their
    place and the walk goes on."""
    waiting_ids = {registration.pk for registration in waiting}
    by_id = {registration.pk: registration for registration in waiting}
    chosen, seen = [], set()
    for registration in waiting:
        if free <= 0:
            break
        if registration.pk in seen:
            continue
        partner = pairs.get(registration.pk)
        group = [registration, by_id[partner]] if partner in waiting_ids else [registration]
        seen.update(member.pk for member in group)
        if len(group) <= free:
            chosen += group
            free -= len(group)
    return chosen


def _confirm(registration: Registration, *, event: Event, now: datetime) -> None:
    """A waiting registration takes a seat (the caller holds the lock and checked there is one)."""
    registration.event = event
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.save(update_fields=["status", "confirmed_at", "updated_at"])
    queue_ticket_email(registration, promoted=True)


def promote_by_hand(*, registration: Registration, by, seen: str | None = None, now: datetime | None = None):
    """Give a free seat to someone on the waiting list, out of turn (the committee
    decides). Never past the capacity: raise the capacity first for an extra chair."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_registration(registration)
        event = registration.event
        check_not_stale(registration, seen)
        if not registration.is_waitlisted:
            raise RegistrationError(
                gettext("%(name)s is not on the waiting list.") % {"name": registration.user.display_name}
            )
        if now >= event.ends_at:
            raise RegistrationError(gettext("The event is over: there is no seat to give."))
        confirmed = Registration.objects.confirmed().filter(event=event).count()
        if event.capacity is not None and confirmed >= event.capacity:
            raise RegistrationError(gettext("The event is full: raise the capacity first, then give them the seat."))
        _confirm(registration, event=event, now=now)
        record_action(actor=by, event=event, member=registration.user, action="promoted by hand", now=now)
    return registration


def capacity_problem(*, event: Event, capacity: int | None) -> str | None:
    """Why `event` cannot have `capacity` seats (None: it can): never fewer than those taken."""
    if capacity is None or event.pk is None:
        return None
    confirmed = Registration.objects.confirmed().filter(event=event).count()
    if capacity < confirmed:
        return ngettext(
            "%(count)s person already holds a seat: the capacity cannot be lower.",
            "%(count)s people already hold a seat: the capacity cannot be lower.",
            confirmed,
        ) % {"count": confirmed}
    return None


def change_capacity(*, event: Event, capacity: int | None, by=None) -> list[Registration]:
    """Set the number of seats (None: unlimited). Raising it promotes people waiting;
    it cannot drop below the seats already taken. `by` logs who changed it."""
    with transaction.atomic():
        locked = lock_event(event)
        problem = capacity_problem(event=locked, capacity=capacity)
        if problem:
            raise RegistrationError(problem)
        if capacity == locked.capacity:
            return []
        Event.objects.filter(pk=locked.pk).update(capacity=capacity, updated_at=timezone.now())
        event.capacity = capacity
        if by is not None:
            record_action(actor=by, event=locked, action="changed capacity", detail=f"{capacity or 'unlimited'} seats")
        return promote_from_waitlist(event=locked)


def find_user_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise RegistrationError(
            gettext("Nobody has an account with the email %(email)s: ask them to sign up first.")
            % {"email": email.strip()}
        )
    return user


def add_registrant(*, event: Event, user, by, walk_in: bool = False, now: datetime | None = None) -> Registration:
    """Register someone the committee adds (they get the usual emails); a walk-in at
    the door is checked in in the same step (when check-in is open)."""
    from .checkin import check_in  # check-in builds on registering

    now = now or timezone.now()
    with transaction.atomic():
        registration, created = register(event=event, user=user, now=now, at_the_door=walk_in, by_committee=True)
        action = "added walk-in" if walk_in else "added registrant"
        detail = "" if created else "already registered"
        record_action(actor=by, event=event, member=user, action=action, detail=detail, now=now)
        if walk_in:
            registration = check_in(registration=registration, by=by, now=now)
    return registration


def mark_set_up(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The member has done the event's setup checklist. Doing it twice keeps the first time."""
    now = now or timezone.now()
    Registration.objects.filter(pk=registration.pk, set_up_at__isnull=True).update(set_up_at=now, updated_at=now)
    registration.refresh_from_db(fields=["set_up_at", "updated_at"])
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if not registration.is_waitlisted:
        return None
    earlier = Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, id__lte=registration.id)
    return Registration.objects.waitlisted().filter(earlier, event_id=registration.event_id).count()
