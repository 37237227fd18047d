"""Reads of events that several pages share."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.permissions import is_committee
from members.services import is_member

from .models import Event, EventSpeaker, Registration
from .services import (
    Availability,
    MyRequest,
    PersonalOpening,
    availability,
    my_request,
    personal_opening,
    waitlist_position,
)

MAX_SEARCH_WORDS = 8
# My events lists this many past events a page.
PAST_PER_PAGE = 20
# The console's home lists at most this many events (the coming ones and the last two weeks').
CONSOLE_EVENTS_SHOWN = 100
CONSOLE_EVENTS_SINCE = timedelta(days=14)


def events_attended() -> Coalesce:
    """How many events each user (the outer query's row) attended, as a subquery:
    members' directory counts it through society.hooks without importing events."""
    attended = (
        Registration.objects.attended()
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(attended, output_field=IntegerField()), 0)


def next_page_change(now: datetime) -> datetime | None:
    """The next moment a public page about events changes by itself: an event starts
    or ends (it leaves the upcoming list), or its registration opens or closes (the
    register button). society.page_cache keys cached pages on it (hook PAGE_CLOCK)."""
    moments = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "lottery_closes_at")
    found = Event.objects.listed().aggregate(**{name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in moments})
    return min((moment for moment in found.values() if moment), default=None)


def events_visible_to(user) -> QuerySet[Event]:
    """Drafts are seen by the committee only."""
    if is_committee(user):
        return Event.objects.all()
    return Event.objects.listed()


def with_speakers(events: QuerySet[Event]) -> QuerySet[Event]:
    """Speakers in their listed order as `event.speaker_list`, in one query."""
    return events.prefetch_related(
        Prefetch(
            "event_speakers",
            queryset=EventSpeaker.objects.select_related("speaker").order_by("order", "id"),
            to_attr="speaker_list",
        )
    )


def search_events(events: QuerySet[Event], *, kind: str = "", topic=None, words: str = "") -> QuerySet[Event]:
    """Events of `kind`, about `topic`, whose title, summary or description has every one of `words`."""
    if kind:
        events = events.filter(kind=kind)
    if topic is not None:
        events = events.filter(topics=topic)
    for word in words.split()[:MAX_SEARCH_WORDS]:
        events = events.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word))
    return events


@dataclass(frozen=True)
class RegisterButton:
    """What the register button says for one person and one event, now.

    `state` is an Availability value, or one of: "registered", "waitlisted"
    (with `position`), "log_in" (a visitor, where a member could register), and at
    an event whose places are drawn by lot, "ask" or "asked" (with `lottery`: the
    member's request and who named them) while the requests are open.
    """

    state: str
    registration: Registration | None = None
    position: int | None = None
    opens_at: datetime | None = None
    seats_left: int | None = None
    # The event's no-show policy, and when registration opens for this person (strikes).
    opening: PersonalOpening | None = None
    lottery: MyRequest | None = None

    @property
    def can_cancel(self) -> bool:
        return self.registration is not None and self.state in ("registered", "waitlisted")


def register_button(*, event: Event, user, confirmed: int, now=None) -> RegisterButton:
    """The truth about registering, for the event page. `confirmed` is the seats taken."""
    now = now or timezone.now()
    seats_left = event.seats_left(confirmed)
    opening = personal_opening(event=event, user=user)  # None (no query) without the no-show policy
    registration = lottery = None
    if user.is_authenticated:
        registration = Registration.objects.active().filter(event=event, user=user).first()
        lottery = my_request(event=event, user=user) if event.lottery else None
    shown = {"seats_left": seats_left, "opening": opening, "lottery": lottery}
    if registration and not event.is_cancelled:
        if registration.is_confirmed:
            return RegisterButton("registered", registration=registration, **shown)
        position = waitlist_position(registration)
        return RegisterButton("waitlisted", registration=registration, position=position, **shown)
    member = is_member(user) if event.members_only else True
    delay = opening.delay if opening else None
    state = availability(event=event, confirmed=confirmed, member=member, now=now, delay=delay)
    if not user.is_authenticated and state in (Availability.OPEN, Availability.WAITLIST, Availability.LOTTERY):
        return RegisterButton("log_in", **shown)
    opens_at = opening.opens_at if opening else event.registration_opens_at
    if state == Availability.LOTTERY:
        return RegisterButton("asked" if lottery.request else "ask", opens_at=opens_at, **shown)
    return RegisterButton(state.value, opens_at=opens_at, **shown)


def console_events(*, now=None) -> QuerySet[Event]:
    """The console's home: events that ended in the last two weeks or are still to come,
    soonest first, at most CONSOLE_EVENTS_SHOWN, with their confirmed and set-up counts."""
    since = (now or timezone.now()) - CONSOLE_EVENTS_SINCE
    return (
        Event.objects.filter(ends_at__gte=since)
        .with_confirmed_count()
        .with_set_up_count()
        .order_by("starts_at")[:CONSOLE_EVENTS_SHOWN]
    )


def my_registrations(user, *, past_page=None, now=None) -> tuple[list[Registration], Page]:
    """The member's registrations (cancelled ones included): every upcoming one, soonest
    first, and one page (`past_page`, as Paginator.get_page takes it) of past ones,
    newest first. Three queries for the past page, however many events they went to."""
    now = now or timezone.now()
    waiting_ahead = (
        Registration.objects.filter(event=OuterRef("event"), status=Registration.Status.WAITLISTED)
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id")))
        .values("event")
        .annotate(n=Count("id"))
        .values("n")
    )
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event")
        .annotate(position=Subquery(waiting_ahead, output_field=IntegerField()))
    )
    upcoming = list(registrations.filter(event__ends_at__gte=now).order_by("event__starts_at", "-created_at"))
    past_events = Event.objects.filter(
        ends_at__lt=now, pk__in=Registration.objects.filter(user=user).values("event")
    ).order_by("-starts_at", "-pk")
    page = Paginator(past_events, PAST_PER_PAGE).get_page(past_page)
    shown = [event.pk for event in page.object_list]
    past = registrations.filter(event__in=shown).order_by("-event__starts_at", "-event_id", "-created_at")
    page.object_list = _latest_per_event(list(past))
    return _latest_per_event(upcoming), page


def _latest_per_event(registrations: list[Registration]) -> list[Registration]:
    """One row per event: the active registration, else the latest cancelled one."""
    chosen: dict[int, Registration] = {}
    for registration in registrations:
        current = chosen.get(registration.event_id)
        if current is None or (registration.is_active and not current.is_active):
            chosen[registration.event_id] = registration
    return list(chosen.values())
