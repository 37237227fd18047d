"""Demo events: a term of weekly workshops around today, talks and a social."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from .models import Event

WORKSHOPS = [
    "Python for machine learning",
    "Linear models from scratch",
    "Decision trees and random forests",
    "Neural networks with PyTorch",
    "Convolutional networks for images",
    "Transformers and attention",
    "Fine-tuning a language model",
    "Reinforcement learning: playing games",
    "Diffusion models demystified",
    "Building a RAG app",
]
TALKS = [
    ("Alignment research in practice", 10),
    ("From PhD to ML engineer", 24),
    ("How search engines rank results", -18),
]


def at(day: datetime, hour: int) -> datetime:
    """`hour` o'clock on `day`, in the society's time zone."""
    return timezone.make_aware(datetime.combine(day.date(), time(hour)))


def upsert(slug: str, **fields) -> Event:
    return Event.objects.update_or_create(slug=slug, defaults=fields)[0]


def load(stdout) -> None:
    today = timezone.localtime()
    # Wednesday workshops: four already happened, six to come.
    first_wednesday = today - timedelta(days=today.weekday() - 2) - timedelta(weeks=4)
    for week, title in enumerate(WORKSHOPS):
        day = first_wednesday + timedelta(weeks=week)
        upsert(
            f"workshop-{week + 1}",
            title=f"Workshop {week + 1}: {title}",
            kind=Event.Kind.WORKSHOP,
            summary="Hands-on session: bring a laptop, we provide the notebooks.",
            starts_at=at(day, 18),
            ends_at=at(day, 20),
            venue="Lab 2.14, Computer Science Building",
            status=Event.Status.PUBLISHED,
        )
    for title, days in TALKS:
        day = today + timedelta(days=days)
        upsert(
            slugify(title),
            title=title,
            kind=Event.Kind.TALK,
            summary="A guest speaker, questions, and pizza afterwards.",
            starts_at=at(day, 17),
            ends_at=at(day, 18),
            venue="Lecture Theatre 1, Main Building",
            status=Event.Status.PUBLISHED,
        )
    social = today + timedelta(days=12)
    upsert(
        "end-of-term-social",
        title="End of term social",
        kind=Event.Kind.SOCIAL,
        summary="Board games and snacks to celebrate the term.",
        starts_at=at(social, 19),
        ends_at=at(social, 22),
        venue="Students' Union, Room 3",
        status=Event.Status.PUBLISHED,
    )
    hackathon = today + timedelta(days=40)
    upsert(
        "spring-hackathon",
        title="Spring hackathon (draft)",
        kind=Event.Kind.HACKATHON,
        summary="24 hours, teams of four, AI for good.",
        starts_at=at(hackathon, 10),
        ends_at=at(hackathon + timedelta(days=1), 10),
        venue="Engineering Atrium",
        status=Event.Status.DRAFT,
    )
    stdout.write(f"Events: {Event.objects.count()} in the calendar.")
