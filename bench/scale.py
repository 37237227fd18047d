"""Every page of the URL audience table on a society twenty times larger, in-process.

The scale set: 20,000 accounts, 15,000 of them this year's members, 2,000 events
(1,900 past, 100 upcoming) and 200,000 registrations (100 an event). One member
holds 200 registrations, another one for every event (2,000). It is built once,
in its own database (BENCH_DATABASE_URL, by default society_bench_scale), and
reused while it is whole; `--rebuild` builds it afresh.

For each page a visitor, the member with 200 registrations and a committee member
see (GET, Django's test client, no network), prints the median of RUNS requests
and the query count, against the aim of AIM_MS. Whatever a page's arguments
create (a ticket, a study group) is rolled back after the run.
"""

import os
import statistics
import sys
import time
from datetime import timedelta

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/society_bench_scale")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from harness import ROOT, aim_line, setup_django

ACCOUNTS = 20_000
MEMBERS = 15_000
EVENTS = 2_000
UPCOMING = 100
PER_EVENT = 100
REGISTRATIONS = EVENTS * PER_EVENT
RUNS = 5
AIM_MS = 50.0
BATCH = 5_000

MEMBER_EMAIL = "scale-member200@uni.ac.uk"
HEAVY_EMAIL = "scale-member2000@uni.ac.uk"
COMMITTEE_EMAIL = "scale-committee@uni.ac.uk"


def is_built() -> bool:
    from events.models import Registration
    from members.models import User

    return User.objects.filter(email=COMMITTEE_EMAIL).exists() and Registration.objects.count() == REGISTRATIONS


def build() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from events.models import Event, Registration
    from events.services import keep_first_attendances
    from members.models import Membership, User
    from members.years import current_academic_year
    from tests.factories import UserFactory

    started = time.monotonic()
    with connection.cursor() as cursor:
        tables = ["events_registration", "events_event", "events_firstattendance", "members_membership"]
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("DELETE FROM members_user")
    password = make_password(None)
    # Account 0 holds a registration for every event, account 1 for 200 of them.
    users = User.objects.bulk_create(
        (
            User(email=email, name=f"Student {n}", password=password)
            for n, email in enumerate([HEAVY_EMAIL, MEMBER_EMAIL] + [f"scale{n}@uni.ac.uk" for n in range(2, ACCOUNTS)])
        ),
        batch_size=BATCH,
    )
    year = current_academic_year()
    Membership.objects.bulk_create(
        (Membership(user=user, academic_year=year) for user in users[:MEMBERS]), batch_size=BATCH
    )
    now = timezone.now()
    events = Event.objects.bulk_create(
        (
            Event(
                title=f"Workshop {e}: neural networks",
                slug=f"scale-{e}",
                summary="Bring a laptop.",
                starts_at=(starts := now + timedelta(days=e - (EVENTS - UPCOMING) + 1)),
                ends_at=starts + timedelta(hours=2),
                venue="Lab 2.14",
                capacity=PER_EVENT * 2,
                status=Event.Status.PUBLISHED,
            )
            for e in range(EVENTS)
        ),
        batch_size=BATCH,
    )
    others = users[2:]

    def registrations():
        for e, event in enumerate(events):
            holders = [users[0]] + ([users[1]] if e >= EVENTS - 200 else [])
            start = e * PER_EVENT
            holders += [others[(start + k) % len(others)] for k in range(PER_EVENT - len(holders))]
            past = event.ends_at < now
            for user in holders:
                yield Registration(
                    event=event,
                    user=user,
                    status=Registration.Status.CONFIRMED,
                    confirmed_at=event.starts_at - timedelta(days=3),
                    checked_in_at=event.starts_at if past and user.pk % 3 else None,
                    created_at=event.starts_at - timedelta(days=3),
                )

    Registration.objects.bulk_create(registrations(), batch_size=BATCH)
    keep_first_attendances(users=User.objects.values("pk"))  # as checking in keeps them
    UserFactory(email=COMMITTEE_EMAIL, name="Cam Committee", committee=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built the scale set in {time.monotonic() - started:.0f} s")


def fetch(client, url: str):
    """GET `url` and read the whole body, a streamed one (the members' CSV) included."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure(client, url: str) -> tuple[float, int, int]:
    """(median ms, queries, status) of RUNS GETs of `url`, after one to warm up."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = fetch(client, url)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries), response.status_code


def pages(persona: str, user) -> list[tuple[str, str]]:
    """(name, URL) of every page the persona sees in the URL audience table."""
    from django.urls import reverse

    from events.models import Event
    from tests import test_url_audience as table

    sees = {
        "visitor": {table.PUBLIC},
        "member": {table.PUBLIC, table.MEMBER},
        "committee": {table.PUBLIC, table.MEMBER, table.COMMITTEE},
    }[persona.split(",")[0]]
    # Event pages open the busiest past event of the scale set rather than a new, empty one.
    busy = Event.objects.filter(ends_at__lt=time_now()).order_by("-starts_at").first()
    scale_event = {table.published_event, table.some_event, table.some_published_event}
    found = []
    for name, entry in sorted(table.AUDIENCE.items()):
        if entry.audience not in sees or entry.post_only:
            continue
        if entry.kwargs in scale_event:
            kwargs = {"slug": busy.slug}
        else:
            kwargs = entry.kwargs(user) if entry.owned else entry.kwargs()
        found.append((name, reverse(name, kwargs=kwargs)))
    return found


def time_now():
    from django.utils import timezone

    return timezone.now()


def main() -> int:
    setup_django(fresh="--rebuild" in sys.argv)
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from members.models import User
    from tests.logins import log_in

    setup_test_environment()
    call_command("collectstatic", interactive=False, verbosity=0)
    if not is_built():
        build()
    people = {
        "visitor": None,
        "member": User.objects.get(email=MEMBER_EMAIL),
        "committee": User.objects.get(email=COMMITTEE_EMAIL),
    }
    print(
        f"\nScale set: {ACCOUNTS:,} accounts, {MEMBERS:,} members, {EVENTS:,} events, {REGISTRATIONS:,} registrations"
    )
    print(f"median of {RUNS} in-process GETs; aim: every page <= {AIM_MS:g} ms\n")
    missed = 0
    with transaction.atomic():
        for persona, user in [*people.items(), ("member, 2,000", User.objects.get(email=HEAVY_EMAIL))]:
            client = Client()
            if user is not None:
                log_in(client, user)
            chosen = pages(persona, user)
            if persona == "member, 2,000":
                chosen = [(name, url) for name, url in chosen if name in {"events:my_events", "members:record"}]
            for name, url in chosen:
                ms, queries, status = measure(client, url)
                met = ms <= AIM_MS and status < 400
                missed += not met
                note = "" if status == 200 else f"  (status {status})"
                figure = f"{persona:<13} {name:<44} {ms:7.1f} ms {queries:4d} queries{note}"
                print(aim_line(figure, f"<= {AIM_MS:g} ms", met))
        transaction.set_rollback(True)
    print(aim_line(f"{missed} page(s) over {AIM_MS:g} ms", f"every page <= {AIM_MS:g} ms", not missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
