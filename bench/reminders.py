"""Queue and deliver the 24-hour reminders of 50 events of 100 registrations each
(5,000 emails) through the real path: the due-reminders task's function, the
outbox, a Celery worker, SMTP. Uses its own database (BENCH_DATABASE_URL, by
default society_bench_reminders)."""

import os
import time
from datetime import timedelta

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/society_bench_reminders")

from harness import celery_worker, setup_django, smtp_sink, wait_for

EVENTS = 50
PER_EVENT = 100


def make_events(now) -> None:
    from django.contrib.auth.hashers import make_password

    from events.models import Event, Registration
    from members.models import User

    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"student{n}@uni.ac.uk", name=f"Student {n}", password=password) for n in range(PER_EVENT)
    )
    for e in range(EVENTS):
        starts_at = now + timedelta(hours=23, minutes=e)
        event = Event.objects.create(
            title=f"Workshop {e}",
            slug=f"workshop-{e}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            venue="Lab 2.14",
            what_to_bring="A laptop.",
            setup_checklist="- Install Python\n- pip install torch",
            status=Event.Status.PUBLISHED,
        )
        Registration.objects.bulk_create(
            Registration(event=event, user=user, status="confirmed", confirmed_at=now - timedelta(days=2))
            for user in users
        )


def main() -> None:
    setup_django()
    from django.utils import timezone

    from events.reminders import queue_due_reminders
    from society.models import OutboundEmail

    now = timezone.now()
    make_events(now)
    count = EVENTS * PER_EVENT
    with smtp_sink() as port, celery_worker(smtp_port=port):
        started = time.perf_counter()
        queued = queue_due_reminders(now=now)
        queued_in = time.perf_counter() - started
        wait_for(
            lambda: OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count() == count,
            timeout=900,
            what=f"delivery of {count} reminders",
            interval=0.1,
        )
        total = time.perf_counter() - started
        again = time.perf_counter()
        repeat = queue_due_reminders(now=now + timedelta(minutes=5))
        repeat_in = time.perf_counter() - again
    assert queued == count, f"queued {queued} of {count}"
    print(f"\nreminders: 24-hour reminders of {EVENTS} events x {PER_EVENT} registrations ({count:,} emails)")
    print(f"  find and queue (rendered at delivery)       {queued_in:8.2f} s  {count / queued_in:9.0f} emails/s")
    print(f"  queue and deliver (worker renders -> SMTP)  {total:8.2f} s  {count / total:9.0f} emails/s")
    print(f"  next run, nothing new to queue ({repeat})       {repeat_in:8.2f} s")


if __name__ == "__main__":
    main()
