"""A registration rush over HTTP against gunicorn on PostgreSQL: 300 clients at once
POST "register" for a 60-seat event. Then the upcoming events list's requests per
second beside a bare Django view's, under the same server.

Only loopback traffic; every loop is bounded."""

import secrets
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from harness import WORKERS, Gunicorn, aim_line, get_many, logged_in_session, report, setup_django

CLIENTS = 300
SEATS = 60
LISTED_EVENTS = 30
RPS_REQUESTS = 1500  # per URL
RPS_CLIENTS = 8
# Issue #15's aims: the rush's 95th percentile, and /events/ at half the bare view's
# requests a second or better (its GETs take at most twice the bare view's time).
P95_AIM = 1.0
LIST_AIM = 0.5  # issue #15: /events/ at least half the bare view's requests per second


def arrange() -> tuple[str, list[str]]:
    """The event, 30 more upcoming events, and a logged-in session for each of 300 members."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events.models import Event

    now = timezone.now()
    Event.objects.bulk_create(
        Event(
            title=f"Workshop {n}",
            slug=f"workshop-{n}",
            summary="Bring a laptop.",
            starts_at=now + timedelta(days=n + 1),
            ends_at=now + timedelta(days=n + 1, hours=2),
            venue="Lab 2.14",
            capacity=40,
            status=Event.Status.PUBLISHED,
        )
        for n in range(LISTED_EVENTS)
    )
    Event.objects.create(
        title="The rush",
        slug="the-rush",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
        capacity=SEATS,
        status=Event.Status.PUBLISHED,
    )
    User = get_user_model()
    users = User.objects.bulk_create(User(email=f"student{n}@uni.ac.uk", name=f"Student {n}") for n in range(CLIENTS))
    return "the-rush", [logged_in_session(user) for user in users]


def rush(server: Gunicorn, slug: str, sessions: list[str]) -> None:
    from events.models import Registration

    go = threading.Event()

    def register(session_key: str) -> tuple[int, float]:
        csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret, as cookie and as field
        go.wait(timeout=30)
        return server.request(
            "POST",
            f"/events/{slug}/register/",
            body=f"csrfmiddlewaretoken={csrf}",
            headers={
                "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(register, key) for key in sessions]
        time.sleep(0.5)  # every client connected and waiting
        started = time.perf_counter()
        go.set()
        results = [future.result() for future in futures]
        elapsed = time.perf_counter() - started
    latencies = sorted(seconds for _, seconds in results)
    errors = sum(1 for status, _ in results if status != 302)
    confirmed = Registration.objects.confirmed().filter(event__slug=slug).count()
    waitlisted = Registration.objects.waitlisted().filter(event__slug=slug).count()
    print(f"\nregistration rush: {CLIENTS} clients at once, {SEATS} seats, gunicorn with {WORKERS} workers")
    print(f"  confirmed {confirmed}, waitlisted {waitlisted}, errors {errors}  (in {elapsed:.2f} s)")
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"  latency median {statistics.median(latencies) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms")
    exact = (confirmed, waitlisted, errors) == (SEATS, CLIENTS - SEATS, 0)
    counts = f"{confirmed} confirmed, {waitlisted} waitlisted, {errors} errors"
    print(aim_line(counts, f"exactly {SEATS}, {CLIENTS - SEATS}, 0", exact))
    print(aim_line(f"95th percentile {p95 * 1000:.0f} ms", f"<= {P95_AIM * 1000:.0f} ms", p95 <= P95_AIM))


def requests_per_second(server: Gunicorn, path: str) -> float:
    """Seconds for RPS_REQUESTS GETs of `path` from RPS_CLIENTS clients; fails on any non-200."""
    gets = get_many(server, path, requests=RPS_REQUESTS, clients=RPS_CLIENTS)
    if gets.wrong:
        raise SystemExit(f"bench: of {gets.requests} requests to {path}, wrong: {dict(gets.wrong)}")
    return gets.seconds


def main() -> None:
    setup_django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    slug, sessions = arrange()
    server = Gunicorn()
    try:
        rush(server, slug, sessions)
        count = RPS_CLIENTS * (RPS_REQUESTS // RPS_CLIENTS)
        bare = requests_per_second(server, "/bench/bare/")
        listing = requests_per_second(server, "/events/")
    finally:
        server.stop()
    report(
        f"event list ({LISTED_EVENTS + 1} upcoming events): {count:,} GETs from {RPS_CLIENTS} clients",
        [
            ("bare Django view, same server and middleware", bare, count),
            ("/events/ (upcoming events list)", listing, count),
        ],
        aim=None,
    )
    share = bare / listing  # the same requests: the ratio of their rates is that of their times, inverted
    figure = f"/events/ {share:.2f}x the bare view's requests per second"
    print(aim_line(figure, f">= {LIST_AIM:g}x", share >= LIST_AIM))


if __name__ == "__main__":
    main()
