"""Demo credentials: Sam, the demo member, led a session last month (with its attendance
and ratings) and completed a summer bootcamp series; they hold a credential for each and
shared a snapshot of their record. All made through the services, as the site would."""

from datetime import timedelta

from django.utils import timezone

from events import services as event_services
from events.demo import at, attend, upsert
from events.models import Event, EventHost, Registration
from members.models import User
from workshops import services as workshop_services
from workshops.models import SeriesSession, WorkshopSeries

from . import badges, keys, services
from .models import RecordSnapshot

MEMBER = "sam@demo.ac.uk"
COMMITTEE = "priya@demo.ac.uk"
# Who came to Sam's session: students and committee members who read the site in English.
ATTENDEES = [
    "aisha@demo.ac.uk", "lukas@demo.ac.uk", "grace@demo.ac.uk", "oliver@demo.ac.uk", "sofia@demo.ac.uk",
    "daniel@demo.ac.uk", "hannah@demo.ac.uk", "tom@demo.ac.uk", "jonas@demo.ac.uk",
]  # fmt: skip
LED_SLUG = "demo-session-llm-evaluation"
LED_SCORES = [5, 4, 5, 5, 4, 3, 5]
SERIES_SLUG = "deep-learning-bootcamp-summer"
BOOTCAMP = ["Tensors and autograd", "Training loops that work", "Regularisation in practice"]


def load(stdout) -> None:
    member = User.objects.filter(email=MEMBER).first()
    committee = User.objects.filter(email=COMMITTEE).first()
    if member is None or committee is None:
        return
    others = list(User.objects.filter(email__in=ATTENDEES))
    others.sort(key=lambda user: ATTENDEES.index(user.email))
    _session_led(member, others, committee)
    _series_completed(member, others[:4], committee)
    if keys.can_sign():
        for achievement in badges.earned(member):
            services.issue_credential(member=member, achievement=achievement)
    else:
        stdout.write("\nNo credentials issued: set CREDENTIAL_SIGNING_KEY (manage.py credential_key) to sign them.\n")
    if not RecordSnapshot.objects.filter(member=member, revoked_at__isnull=True).exists():
        services.take_snapshot(member=member)
    snapshot = RecordSnapshot.objects.filter(member=member, revoked_at__isnull=True).first()
    stdout.write(
        f"\nA verifiable record: {member.email} led a session and completed a series; "
        f"their shared snapshot is at {snapshot.get_absolute_url()}, and credentials verify at /verify/.\n"
    )


def _session_led(member: User, attendees: list[User], committee: User) -> None:
    day = timezone.localtime() - timedelta(days=24)
    event = upsert(
        LED_SLUG,
        topics=["natural-language-processing"],
        title="Member-led: Evaluating language models in Python",
        kind=Event.Kind.WORKSHOP,
        summary="Sam walks through building a small evaluation harness for a chat model.",
        description="Led by a member: how to test a language model's answers, with a notebook to take home.",
        starts_at=at(day, 18),
        ends_at=at(day, 20),
        venue="Lab 2.14",
        capacity=30,
        level=Event.Level.INTERMEDIATE,
        status=Event.Status.PUBLISHED,
        by=committee,
    )
    event_services.add_host(event=event, member=member, role=EventHost.Role.NAMED, by=committee)
    attend(event, attendees, by=committee, check_in=True)
    came = Registration.objects.attended().filter(event=event).order_by("created_at", "id")
    for registration, score in zip(came, LED_SCORES, strict=False):
        event_services.rate_event(registration=registration, score=score)


def _series_completed(member: User, classmates: list[User], committee: User) -> None:
    series = WorkshopSeries.objects.filter(slug=SERIES_SLUG).first()
    if series is None:
        series = workshop_services.save_series(
            series=WorkshopSeries(
                name="Deep learning bootcamp, summer",
                slug=SERIES_SLUG,
                description="Three evenings on training neural networks well, before the autumn term.",
                level=Event.Level.INTERMEDIATE,
            ),
            by=committee,
        )
    for week, title in enumerate(BOOTCAMP):
        day = timezone.localtime() - timedelta(weeks=16 - week)
        event = upsert(
            f"{SERIES_SLUG}-{week + 1}",
            topics=["deep-learning"],
            title=f"Bootcamp {week + 1}: {title}",
            kind=Event.Kind.WORKSHOP,
            summary="Hands-on session: bring a laptop.",
            starts_at=at(day, 18),
            ends_at=at(day, 20),
            venue="Lab 2.14",
            capacity=24,
            level=Event.Level.INTERMEDIATE,
            status=Event.Status.PUBLISHED,
            by=committee,
        )
        if not SeriesSession.objects.filter(series=series, event=event).exists():
            workshop_services.add_session(series=series, event=event, by=committee)
        attend(event, [member, *classmates[: 2 + week]], by=committee, check_in=True)
