"""Registration by lot, in-process on PostgreSQL: 2,000 members ask for a 40-seat session
(100 of them as 50 pairs), then the draw gives 40 seats and 1,960 numbers on the waiting
list, emails queued for all 2,000, in one transaction under the event's lock. Beside it,
the same 2,000 members registering first come, first served for a session of the same
size, one `register` after another: what the event's lock is held for without a lottery.
Then the pure draw alone (events.lottery_draw, what anyone re-runs from the published
data) on the same units.

No aim is written in the issue: the figures only, each beside its baseline."""

import os
import time
from datetime import timedelta

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/society_bench_lottery")

from harness import report, setup_django  # reads BENCH_DATABASE_URL

REQUESTS = 2000
PAIRS = 50
SEATS = 40


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from events import lottery_draw, services
    from events.models import Event, LotteryRequest, Registration
    from events.services.lottery import active_requests, new_seed, units_of
    from society.models import OutboundEmail

    now = timezone.now()
    User = get_user_model()
    users = User.objects.bulk_create(User(email=f"student{n}@uni.ac.uk", name=f"Student {n}") for n in range(REQUESTS))
    seed, seed_hash = new_seed()
    lottery = Event.objects.create(
        title="Guest workshop by lot", slug="by-lot", status=Event.Status.PUBLISHED, capacity=SEATS,
        starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=5, hours=2),
        registration_opens_at=now - timedelta(days=2), lottery=True, lottery_closes_at=now + timedelta(days=1),
        lottery_seed=seed, lottery_seed_hash=seed_hash,
    )  # fmt: skip
    first_come = Event.objects.create(
        title="Guest workshop first come", slug="first-come", status=Event.Status.PUBLISHED, capacity=SEATS,
        starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=5, hours=2),
    )  # fmt: skip

    asked = now - timedelta(days=1)
    started = time.perf_counter()
    for n, user in enumerate(users):
        friend = users[n - 1].email if n < 2 * PAIRS and n % 2 else ""
        services.request_place(event=lottery, user=user, friend_email=friend, now=asked + timedelta(seconds=n))
    for n in range(0, 2 * PAIRS, 2):  # the first of each pair names the second back
        services.set_friend(event=lottery, user=users[n], friend_email=users[n + 1].email, now=asked)
    asking = time.perf_counter() - started

    started = time.perf_counter()
    services.draw(event=lottery, now=now + timedelta(days=1, minutes=1))
    drawing = time.perf_counter() - started

    started = time.perf_counter()
    for user in users:
        services.register(event=first_come, user=user)
    registering = time.perf_counter() - started

    requests = list(active_requests(lottery).order_by("id"))
    units = [unit for unit, _ in units_of(requests)]
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        lottery_draw.draw(seed, units, SEATS)
    pure = (time.perf_counter() - started) / rounds

    confirmed = Registration.objects.confirmed().filter(event=lottery).count()
    waiting = Registration.objects.waitlisted().filter(event=lottery).count()
    told = OutboundEmail.objects.filter(key__startswith="lottery:").count()
    print(f"\nthe draw: {REQUESTS} requests ({PAIRS} pairs), {SEATS} seats")
    print(f"  seated {confirmed}, waiting {waiting}, emails queued {told}, requests {LotteryRequest.objects.count()}")
    report(
        f"{REQUESTS} members, {SEATS} seats: first come, first served beside the draw",
        [
            (f"{REQUESTS} x register, one after another (first come)", registering, REQUESTS),
            (f"{REQUESTS} x request_place, one after another", asking, REQUESTS),
            ("the draw: weights, registrations, emails, one transaction", drawing, REQUESTS),
        ],
        aim=None,
    )
    held = f"the draw holds the event's lock {drawing:.2f} s"
    print(f"  {held}; {REQUESTS} registrations hold it {registering:.2f} s in all")
    print(f"  the pure draw (events.lottery_draw) on the {len(units)} units: {pure * 1000:.1f} ms")


if __name__ == "__main__":
    main()
