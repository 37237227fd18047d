"""Demo events whose places are drawn by lot (events.services.lottery): a guest
workshop whose draw is done (requests closed, seed revealed, winners confirmed, the
others waiting in the drawn order, Sam number 2), and a talk whose requests are open
(a pair, and Grace asking to go with Sam, who has not named her back yet)."""

import hashlib
from datetime import timedelta

from django.utils import timezone

from members.models import User

from . import lottery_draw, services
from .models import Event
from .services.lottery import active_requests, units_of, weights_of

DRAWN_SLUG = "hands-on-llm-agents-lottery"
OPEN_SLUG = "meet-the-researchers-lottery"
DRAWN_SEATS = 3
SAM = "sam@demo.ac.uk"


def load_lotteries(students: list[User], *, committee: User | None) -> None:
    if len(students) < 8 or committee is None:
        return
    load_drawn(students, committee=committee)
    load_open(students, committee=committee)


def _create(*, slug: str, title: str, starts_at, opens_at, closes_at, capacity: int, committee: User) -> Event:
    """Made and published through the services, as the console would (the seed is made then)."""
    event = Event(
        slug=slug, title=title, kind=Event.Kind.WORKSHOP, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
        venue="Lab 2.14", building="Computer Science Building", capacity=capacity,
        summary="Popular sessions are drawn by lot: ask for a place before the requests close.",
        registration_opens_at=opens_at, lottery=True, lottery_closes_at=closes_at,
    )  # fmt: skip
    event = services.create_event(event=event, by=committee, now=opens_at - timedelta(days=1))
    return services.publish_event(event=event, by=committee, now=opens_at - timedelta(days=1))


def _to_the_minute():
    """Now, to the minute, as the console's form gives times (so an edit there changes nothing)."""
    return timezone.now().replace(second=0, microsecond=0)


def load_drawn(students: list[User], *, committee: User) -> None:
    if Event.objects.filter(slug=DRAWN_SLUG).exists():
        return
    now = _to_the_minute()
    closes = now - timedelta(days=1)
    event = _create(
        slug=DRAWN_SLUG,
        title="Hands-on: building LLM agents (drawn by lot)",
        starts_at=now + timedelta(days=6),
        opens_at=now - timedelta(days=5),
        closes_at=closes,
        capacity=DRAWN_SEATS,
        committee=committee,
    )
    asked = now - timedelta(days=4)
    for index, student in enumerate(students[:8]):
        services.request_place(event=event, user=student, now=asked + timedelta(minutes=index))
    # Aisha and Lukas go together: Lukas names Aisha, who names him back.
    services.set_friend(event=event, user=students[2], friend_email=students[1].email, now=asked + timedelta(hours=1))
    services.set_friend(event=event, user=students[1], friend_email=students[2].email, now=asked + timedelta(hours=2))
    drawn_at = closes + timedelta(minutes=1)
    _choose_demo_seed(event, drawn_at=drawn_at)
    services.draw(event=Event.objects.get(pk=event.pk), now=drawn_at)


def _choose_demo_seed(event: Event, *, drawn_at) -> None:
    """The demo's story wants Sam number 2 on the waiting list, so among fixed candidate
    seeds it takes the first that gives it, and commits it as the event's seed before the
    draw. Only the demo does this: a real event's seed is made when the lottery is turned
    on, before anyone asks, and its hash is published at once."""
    requests = list(active_requests(event).select_related("user").order_by("id"))
    weights = weights_of(event=event, users=[r.user for r in requests], now=drawn_at)
    for request in requests:
        request.weight = weights[request.user_id]
    units = units_of(requests)
    people = {unit.id: [member.user.email for member in members] for unit, members in units}
    for n in range(2000):
        seed = hashlib.sha256(f"society demo lottery {n}".encode()).hexdigest()
        result = lottery_draw.draw(seed, [unit for unit, _ in units], DRAWN_SEATS)
        waiting = [email for unit in result.waiting for email in people[unit.id]]
        if waiting[1:2] == [SAM]:
            Event.objects.filter(pk=event.pk).update(lottery_seed=seed, lottery_seed_hash=lottery_draw.seed_hash(seed))
            return


def load_open(students: list[User], *, committee: User) -> None:
    if Event.objects.filter(slug=OPEN_SLUG).exists():
        return
    now = _to_the_minute()
    event = _create(
        slug=OPEN_SLUG,
        title="Meet the researchers: lab tours (drawn by lot)",
        starts_at=now + timedelta(days=16),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
        capacity=12,
        committee=committee,
    )
    sam, aisha, lukas, grace = students[0], students[1], students[2], students[3]
    asked = now - timedelta(hours=20)
    services.request_place(event=event, user=aisha, now=asked)
    services.request_place(event=event, user=lukas, friend_email=aisha.email, now=asked + timedelta(minutes=5))
    services.set_friend(event=event, user=aisha, friend_email=lukas.email, now=asked + timedelta(minutes=9))
    services.request_place(event=event, user=sam, now=asked + timedelta(hours=2))
    services.request_place(event=event, user=grace, friend_email=sam.email, now=asked + timedelta(hours=3))
