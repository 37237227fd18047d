"""Registration by lot: members ask for a place while the requests are open; when
they close, the seats are drawn with a committed seed (events.lottery_draw, the
documented algorithm), the winners are confirmed and the others wait in the drawn
order. After the draw, registering is first come, first served, behind them.

The rules:
- The seed is made when the committee turns the lottery on; its SHA-256 hash is
  public from then on, the seed only once the draw is done (`revealed_seed`).
- A request may name one friend ("only if my friend gets a place too"): two requests
  naming each other are drawn as a pair, both seated or both waiting. A naming that
  is not returned at the close is drawn alone.
- Weights: (1 + lost draws earlier this term, at most 3) / (1 + active strikes at the
  close), rounded to 3 decimals and stored, so the published data reproduce the draw.
- Every change locks the event (`lock_event`), as registering does: a request that
  arrives while the draw runs waits for it, then is refused; none is lost.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from members.models import User
from members.services import is_member
from members.terms import term_of
from society import formats as society_formats
from society import languages
from society.emails import Email, queue_emails
from society.models import EmailKind

from .. import lottery_draw
from ..models import Event, LotteryRequest, Registration, Strike
from .audit import record_action
from .emails import registration_email_context, ticket_calendar
from .registrations import RegistrationError, lock_event

Status = Registration.Status
MAX_LOST_DRAWS = 3


# --- The lottery's settings (the console's event form) ----------------------------------


def new_seed() -> tuple[str, str]:
    """A fresh seed and its published hash."""
    seed = secrets.token_hex(32)
    return seed, lottery_draw.seed_hash(seed)


def requests_have_closed(event: Event, *, now: datetime) -> bool:
    return event.lottery_closes_at is not None and now >= event.lottery_closes_at


def lottery_settings_problem(
    *, stored: Event | None, lottery: bool, closes_at: datetime | None, capacity: int | None,
    opens_at: datetime | None, starts_at: datetime | None, now: datetime | None = None,
) -> tuple[str, str] | None:  # fmt: skip
    """Why an event cannot have these lottery settings, as (the form's field, the message);
    None: it can. `stored` is the event as saved (None for a new one): once its requests
    have closed, the settings stay as they are."""
    now = now or timezone.now()
    if lottery and closes_at and starts_at and closes_at >= starts_at:
        return "lottery_closes_at", gettext("The requests must close before the event starts.")
    was_on = stored is not None and stored.lottery
    if was_on and (requests_have_closed(stored, now=now) or stored.drawn_at):
        if lottery != stored.lottery or closes_at != stored.lottery_closes_at:
            return "lottery", gettext("The requests have closed: the lottery's settings can no longer change.")
        return None
    if was_on and not lottery and active_requests(stored).exists():
        return "lottery", gettext(
            "Members have already asked for a place by lot: the lottery cannot be turned off. "
            "Cancel the event instead, or keep the lottery."
        )
    if not lottery:
        return None
    if closes_at is None:
        return "lottery_closes_at", gettext("Give the time the requests close (the seats are drawn then).")
    if capacity is None:
        return "capacity", gettext("A lottery needs a number of seats: give the capacity.")
    if opens_at is not None and closes_at <= opens_at:
        return "lottery_closes_at", gettext("The requests must close after registration opens.")
    if closes_at <= now and (not was_on or closes_at != stored.lottery_closes_at):
        return "lottery_closes_at", gettext("The requests must close in the future.")
    return None


def check_lottery_settings(event: Event, *, stored: Event | None, now: datetime | None = None) -> None:
    """Refuse to save `event` (as the caller is about to) with lottery settings it cannot have."""
    if not (event.lottery or (stored is not None and stored.lottery)):
        return
    problem = lottery_settings_problem(
        stored=stored, lottery=event.lottery, closes_at=event.lottery_closes_at, capacity=event.capacity,
        opens_at=event.registration_opens_at, starts_at=event.starts_at, now=now,
    )  # fmt: skip
    if problem:
        raise RegistrationError(problem[1])


def prepare_lottery(event: Event) -> None:
    """Give an event that draws its seats by lot a seed (once); called when it is saved."""
    if event.lottery and not event.lottery_seed:
        event.lottery_seed, event.lottery_seed_hash = new_seed()


# --- Who may ask, and when -----------------------------------------------------------


def active_requests(event: Event):
    return LotteryRequest.objects.filter(event=event, withdrawn_at__isnull=True)


def requests_open(event: Event, *, now: datetime) -> bool:
    """Members can ask for a place: from registration's opening until the requests close."""
    return (
        event.lottery
        and event.status == Event.Status.PUBLISHED
        and event.drawn_at is None
        and (event.registration_opens_at is None or now >= event.registration_opens_at)
        and now < event.lottery_closes_at
    )


def window_problem(event: Event, *, user, now: datetime) -> str | None:
    """Why `user` cannot ask (or change their request) now: the window, members only."""
    if not event.lottery:
        return gettext("This event's places are not drawn by lot: register instead.")
    if event.status == Event.Status.CANCELLED:
        return gettext("This event has been cancelled.")
    if event.status != Event.Status.PUBLISHED:
        return gettext("This event is not open for registration.")
    if event.drawn_at is not None or now >= event.lottery_closes_at:
        return gettext("The requests have closed: the places have been or are being drawn.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return gettext("Requests for this event open on %(when)s.") % {
            "when": society_formats.when(event.registration_opens_at, "long_datetime")
        }
    if event.members_only and not is_member(user):
        return gettext("This event is for members of the society only: join the society, then ask for a place.")
    return None


def _friend_problem(*, event: Event, user, friend, typed: str) -> str | None:
    """Why `user` cannot name `friend` (None: they can), the friend as typed (`typed`).
    The friend must have asked, alone or naming `user`. The messages name the address as
    typed, never the account's name, and read the same whether or not it has an account:
    nothing is learnt of who has one."""
    if friend is not None and friend.pk == user.pk:
        return gettext("You cannot name yourself as your friend.")
    theirs = active_requests(event).filter(user=friend).first() if friend is not None else None
    if theirs is None:
        return gettext(
            "Nobody with the email %(email)s has asked for a place yet: they ask first, then you name them "
            "(or they name you)."
        ) % {"email": typed}
    if theirs.friend_id is not None and theirs.friend_id != user.pk:
        return gettext("%(email)s asked to go with someone else: you cannot be their pair.") % {"email": typed}
    return None


def _friend_from_email(*, event: Event, user, friend_email: str):
    typed = friend_email.strip()
    if not typed:
        return None
    friend = User.objects.filter(email__iexact=typed, is_active=True).first()
    problem = _friend_problem(event=event, user=user, friend=friend, typed=typed)
    if problem:
        raise RegistrationError(problem)
    return friend


def request_place(*, event: Event, user, friend_email: str = "", now: datetime | None = None) -> LotteryRequest:
    """Ask for a place in the draw, optionally only together with a friend who asked.
    Refused (nothing changed) when asked twice, already registered, outside the window."""
    with transaction.atomic():
        event = lock_event(event)
        now = now or timezone.now()  # read under the lock: the draw comes before or after, never during
        problem = window_problem(event, user=user, now=now)
        if problem:
            raise RegistrationError(problem)
        if active_requests(event).filter(user=user).exists():
            raise RegistrationError(gettext("You have already asked for a place at this event."))
        if Registration.objects.active().filter(event=event, user=user).exists():
            raise RegistrationError(gettext("You are already registered for this event."))
        friend = _friend_from_email(event=event, user=user, friend_email=friend_email)
        return LotteryRequest.objects.create(event=event, user=user, friend=friend, created_at=now)


def _own_request_in_window(event: Event, *, user, now: datetime | None) -> tuple[LotteryRequest, datetime]:
    """Under the event's lock (the caller's transaction): the member's request, while the
    requests are open, and the time read under the lock."""
    event = lock_event(event)
    now = now or timezone.now()
    problem = window_problem(event, user=user, now=now)
    if problem:
        raise RegistrationError(problem)
    request = active_requests(event).filter(user=user).first()
    if request is None:
        raise RegistrationError(gettext("You have not asked for a place at this event."))
    return request, now


def set_friend(*, event: Event, user, friend_email: str, now: datetime | None = None) -> LotteryRequest:
    """Name a friend to go with (or, with an empty email, nobody) on one's request."""
    with transaction.atomic():
        request, now = _own_request_in_window(event, user=user, now=now)
        request.friend = _friend_from_email(event=event, user=user, friend_email=friend_email)
        request.save(update_fields=["friend", "updated_at"])
        return request


def withdraw_request(*, event: Event, user, now: datetime | None = None) -> LotteryRequest:
    """Take one's request back before the close (one may ask again later)."""
    with transaction.atomic():
        request, now = _own_request_in_window(event, user=user, now=now)
        request.withdrawn_at = now
        request.save(update_fields=["withdrawn_at", "updated_at"])
        return request


@dataclass(frozen=True)
class MyRequest:
    """A member's request as their event page shows it."""

    request: LotteryRequest | None
    # The requests naming this member, who has not named them back.
    asking: list[LotteryRequest]
    # Both named each other: they are drawn as a pair.
    paired: bool

    @property
    def asked_by(self) -> list:
        """Those who asked naming this member, who has not named them back."""
        return [request.user for request in self.asking]


def my_request(*, event: Event, user) -> MyRequest:
    """The member's request, and who named them (two queries)."""
    requests = list(
        active_requests(event).filter(Q(user=user) | Q(friend=user)).select_related("user", "friend").order_by("id")
    )
    mine = next((r for r in requests if r.user_id == user.pk), None)
    paired = mine is not None and mine.pk in partner_of(requests)
    asking = [r for r in requests if r.friend_id == user.pk and (mine is None or r.user_id != mine.friend_id)]
    return MyRequest(request=mine, asking=asking, paired=paired)


def asker_email(*, event: Event, user, public_id: str) -> str:
    """The email of whoever asked under `public_id` naming `user`: what "Go with them" names,
    so their address never has to be written into the page."""
    found = active_requests(event).filter(public_id=public_id, friend=user).select_related("user").first()
    if found is None:
        raise RegistrationError(gettext("That request does not name you (or was withdrawn): nothing was changed."))
    return found.user.email


# --- The seed ----------------------------------------------------------------------


def revealed_seed(*, event: Event, now: datetime | None = None) -> str:
    """The draw's seed, which anyone may see once the requests have closed and the draw is done."""
    now = now or timezone.now()
    if not event.lottery or not event.lottery_seed:
        raise RegistrationError(gettext("This event's places are not drawn by lot."))
    if not requests_have_closed(event, now=now) or event.drawn_at is None:
        raise RegistrationError(
            gettext(
                "The seed is revealed once the requests have closed and the draw is done; "
                "until then only its hash is public."
            )
        )
    return event.lottery_seed


# --- Weights -------------------------------------------------------------------------


def _term_bounds(at: datetime) -> tuple[datetime, datetime]:
    term = term_of(timezone.localtime(at).date())
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(term.starts, time(), tzinfo=zone),
        datetime.combine(term.ends, time(), tzinfo=zone),
    )


def weights_of(*, event: Event, users: list, now: datetime) -> dict[int, Decimal]:
    """Each user's weight for `event`'s draw at `now`: (1 + L) / (1 + S), to 3 decimals.
    L: draws lost earlier this term (at most 3); S: strikes active at the close. Two queries."""
    starts, ends = _term_bounds(now)
    ids = [user.pk for user in users]
    lost = dict(
        LotteryRequest.objects.filter(
            user_id__in=ids,
            seated=False,
            event__drawn_at__gte=starts,
            event__drawn_at__lt=min(ends, now),
        )
        .exclude(event=event)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    strikes = dict(
        Strike.objects.active(event.lottery_closes_at)
        .filter(user_id__in=ids)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return {
        pk: (Decimal(1 + min(lost.get(pk, 0), MAX_LOST_DRAWS)) / Decimal(1 + strikes.get(pk, 0))).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )
        for pk in ids
    }


# --- The draw ------------------------------------------------------------------------


def draw_problem(event: Event, *, now: datetime) -> str | None:
    """Why `event`'s seats cannot be drawn now (None: they can)."""
    if not event.lottery:
        return gettext("This event's places are not drawn by lot.")
    if event.drawn_at is not None:
        return gettext("The draw has already been made: it is made once.")
    if event.status == Event.Status.CANCELLED:
        return gettext("This event has been cancelled: there is nothing to draw.")
    if event.status != Event.Status.PUBLISHED:
        return gettext("This event is not published: there is nothing to draw.")
    if not requests_have_closed(event, now=now):
        return gettext("The requests close on %(when)s: the draw is made after that.") % {
            "when": society_formats.when(event.lottery_closes_at, "long_datetime")
        }
    return None


def partner_of(requests: list[LotteryRequest]) -> dict[int, LotteryRequest]:
    """The one rule of pairs: two requests naming each other. Each paired request's id ->
    its partner's request, among `requests`."""
    by_user = {request.user_id: request for request in requests}
    return {
        request.pk: friend
        for request in requests
        if (friend := by_user.get(request.friend_id)) is not None and friend.friend_id == request.user_id
    }


def units_of(requests: list[LotteryRequest]) -> list[tuple[lottery_draw.Unit, list[LotteryRequest]]]:
    """The draw's units: pairs and singles, each with its requests."""
    partners = partner_of(requests)
    units, done = [], set()
    for request in requests:
        if request.pk in done:
            continue
        members = [request, partners[request.pk]] if request.pk in partners else [request]
        done.update(member.pk for member in members)
        unit = lottery_draw.Unit(
            id=lottery_draw.unit_id(*(member.public_id for member in members)),
            people=len(members),
            weight=min(member.weight for member in members),
        )
        units.append((unit, members))
    return units


def draw(*, event: Event, by=None, now: datetime | None = None) -> lottery_draw.Result:
    """Draw the seats of a lottery event, once, after its requests closed: winners are
    confirmed and sent their ticket; the others go on the waiting list in the drawn order
    and are told their number (or, without a waiting list, that they did not get a place).
    `by`: the committee member who ran it (None: the minute task)."""
    with transaction.atomic():
        event = lock_event(event)
        now = now or timezone.now()
        problem = draw_problem(event, now=now)
        if problem:
            raise RegistrationError(problem)
        requests = list(active_requests(event).select_related("user").order_by("id"))
        weights = weights_of(event=event, users=[r.user for r in requests], now=now)
        for request in requests:
            request.weight = weights[request.user_id]
        units = units_of(requests)
        seats = sum(len(members) for _, members in units)  # no capacity: everyone is seated
        if event.capacity is not None:
            seats = max(event.capacity - Registration.objects.confirmed().filter(event=event).count(), 0)
        result = lottery_draw.draw(event.lottery_seed, [unit for unit, _ in units], seats)
        members_of = {unit.id: members for unit, members in units}
        seated = {unit.id for unit in result.seated}
        registrations, numbers, waiting_number = [], {}, 0
        waiting_total = sum(len(members_of[unit.id]) for unit in result.waiting)
        for position, unit in enumerate(result.order, start=1):
            for request in members_of[unit.id]:
                request.event, request.updated_at = event, now
                request.position, request.seated = position, unit.id in seated
                if request.seated:
                    request.registration = _registration(request, status=Status.CONFIRMED, created_at=now)
                elif event.waitlist_enabled:
                    waiting_number += 1
                    numbers[request.pk] = waiting_number
                    # Just before the draw's time, in the drawn order: waitlist_position keeps it.
                    created_at = now - timedelta(microseconds=waiting_total - waiting_number + 1)
                    request.registration = _registration(request, status=Status.WAITLISTED, created_at=created_at)
                if request.registration is not None:
                    registrations.append(request.registration)
        Registration.objects.bulk_create(registrations)  # one INSERT; each gets its id
        # One statement for every request's outcome (an upsert of rows that all exist).
        LotteryRequest.objects.bulk_create(
            requests,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["weight", "position", "seated", "registration", "updated_at"],
        )
        emails = [_result_email(request, position=numbers.get(request.pk)) for request in requests]
        queue_emails(emails, now=now)
        event.drawn_at, event.lottery_seats = now, seats
        event.save(update_fields=["drawn_at", "lottery_seats", "updated_at"])
        record_action(
            actor=by,
            event=event,
            action="drew the lottery",
            detail=f"{len(requests)} requests, {seats} seats: {sum(len(members_of[u]) for u in seated)} seated.",
            now=now,
        )
    return result


def _registration(request: LotteryRequest, *, status: str, created_at: datetime) -> Registration:
    """The place the draw gives (saved by the draw, with the others, in one INSERT)."""
    return Registration(
        event=request.event,
        user=request.user,
        status=status,
        created_at=created_at,
        confirmed_at=created_at if status == Status.CONFIRMED else None,
    )


def _result_email(request: LotteryRequest, *, position: int | None) -> Email:
    """A place (with the ticket), a number on the waiting list, or no place."""
    registration = request.registration or Registration(event=request.event, user=request.user)
    context = registration_email_context(registration)
    context.update(
        seated=bool(request.seated),
        position=position,
        request_id=request.public_id,
        draw_url=settings.SITE_URL + reverse("events:draw", kwargs={"slug": request.event.slug}),
    )
    if request.registration is None:
        context["ticket_url"] = ""
    attachments = ()
    if request.seated:
        attachments = (ticket_calendar(request.event, language=languages.of(request.user)),)
    return Email(
        key=f"lottery:{request.pk}",
        to=request.user.email,
        template="emails/lottery_result",
        context=context,
        kind=EmailKind.LOTTERY,
        user=request.user,
        attachments=attachments,
    )


def draw_due_lotteries(*, now: datetime) -> int:
    """Draw every lottery event whose requests have closed and that is not drawn yet. Returns how many."""
    due = Event.objects.filter(
        lottery=True, status=Event.Status.PUBLISHED, drawn_at__isnull=True, lottery_closes_at__lte=now
    ).order_by("lottery_closes_at", "pk")
    drawn = 0
    for event in due:
        try:
            draw(event=event, now=now)
        except RegistrationError:
            continue  # drawn meanwhile by the committee, or cancelled
        drawn += 1
    return drawn


def waiting_pairs(event: Event) -> dict[int, int]:
    """The drawn event's pairs of friends as registration id -> the friend's registration id
    (both ways): the waiting list gives them seats together (promote_from_waitlist)."""
    drawn = list(
        LotteryRequest.objects.filter(event=event, withdrawn_at__isnull=True, registration__isnull=False)
        .exclude(friend=None)
        .only("user_id", "friend_id", "registration_id")
    )
    partners = partner_of(drawn)
    return {
        request.registration_id: partners[request.pk].registration_id for request in drawn if request.pk in partners
    }


# --- The published data --------------------------------------------------------------


def published_draw(*, event: Event, now: datetime | None = None) -> dict:
    """What anyone may see of a draw (draw.json and the draw page): before the close, the
    hash and the number of requests; after the draw, the seed, the anonymised units with
    their weights, and the result."""
    now = now or timezone.now()
    data = {
        "event": event.slug,
        "algorithm": lottery_draw.ALGORITHM,
        "seed_hash": event.lottery_seed_hash,
        "requests_close": event.lottery_closes_at.isoformat() if event.lottery_closes_at else None,
        "drawn_at": None,
        "seed": None,
    }
    requests = list(active_requests(event).only("public_id", "user_id", "friend_id", "weight", "position", "seated"))
    data["requests"] = len(requests)
    if event.drawn_at is None or not requests_have_closed(event, now=now):
        return data
    units = units_of(requests)
    order = sorted(units, key=lambda item: item[1][0].position)
    data.update(
        drawn_at=event.drawn_at.isoformat(),
        seed=revealed_seed(event=event, now=now),
        seats=event.lottery_seats,
        units=sorted(
            ({"id": unit.id, "people": unit.people, "weight": str(unit.weight)} for unit, _ in units),
            key=lambda row: row["id"],
        ),
        result={
            "order": [unit.id for unit, _ in order],
            "seated": [unit.id for unit, members in order if members[0].seated],
            "waiting": [unit.id for unit, members in order if not members[0].seated],
        },
    )
    return data
