"""Demo events whose places are drawn by lot (events.services.lottery): a guest
session whose draw is done (requests closed, seed revealed, winners confirmed, the
others waiting in the drawn order; Sam, whose strike halves his weight, most likely
among them), and a lab tour whose requests are open
(a pair, and Grace asking to go with Sam, who has not named her back yet)."""

from datetime import timedelta

from django.utils import timezone

from members.models import User

from . import services
from .models import Event

DRAWN_SLUG = "llm-agents-small-group"
OPEN_SLUG = "meet-the-researchers"
DRAWN_SEATS = 3


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
        title="Small-group session with Dr Hannah Cole: LLM agents",
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
    # The minute task's draw, a minute after the close, with the seed committed when the lottery was set up.
    services.draw(event=Event.objects.get(pk=event.pk), now=closes + timedelta(minutes=1))


def load_open(students: list[User], *, committee: User) -> None:
    if Event.objects.filter(slug=OPEN_SLUG).exists():
        return
    now = _to_the_minute()
    event = _create(
        slug=OPEN_SLUG,
        title="Meet the researchers: lab tours",
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
