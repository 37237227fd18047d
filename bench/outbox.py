"""Queue, render and deliver 5,000 emails through the real path (queue_emails, a
Celery worker that renders each email and sends it, SMTP), beside raw smtplib
sending the same messages, pre-rendered, over one connection."""

import resource
import smtplib
import time
from datetime import date

from harness import celery_worker, report, setup_django, smtp_sink, wait_for

COUNT = 5000
PER_TRANSACTION = 100  # as when a committee member messages an event's registrants
ON = date(2027, 8, 9)
AIM = 1.5  # issue #15: the whole path at most 1.5 times raw smtplib


def queue_all() -> None:
    from django.db import transaction

    from society.emails import Email, queue_emails
    from society.models import EmailKind

    context = {"anonymise_on": ON, "login_url": "https://society.example.ac.uk/accounts/login/"}
    for start in range(0, COUNT, PER_TRANSACTION):
        with transaction.atomic():
            queue_emails(
                Email(
                    key=f"bench:{n}",
                    to=f"student{n}@uni.ac.uk",
                    template="emails/retention_warning",
                    context=context,
                    kind=EmailKind.NOTICE,
                )
                for n in range(start, start + PER_TRANSACTION)
            )


def raw_smtplib(port: int) -> float:
    from django.conf import settings

    from society.emails import build_message
    from society.models import OutboundEmail

    messages = [
        (m.from_email, m.to, m.message().as_bytes(linesep="\r\n"))  # as Django's SMTP backend sends it
        for m in (build_message(email) for email in OutboundEmail.objects.order_by("id"))
    ]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for from_email, to, data in messages:
            smtp.sendmail(from_email or settings.DEFAULT_FROM_EMAIL, to, data)
    return time.perf_counter() - started


def main() -> None:
    setup_django()
    from society.models import OutboundEmail

    with smtp_sink() as port, celery_worker(smtp_port=port):
        started = time.perf_counter()
        queue_all()
        queued = time.perf_counter() - started
        print(f"  (queued in {queued:.2f} s, {OutboundEmail.objects.filter(state='sent').count()} sent by then)")
        cpu_queue = time.process_time()
        wait_for(
            lambda: OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count() == COUNT,
            timeout=600,
            what=f"delivery of {COUNT} emails",
            interval=0.05,
        )
        path = time.perf_counter() - started
    # Where the time goes: the path is CPU-bound on a small machine.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"  (CPU: queuing process {cpu_queue:.1f} s, worker + SMTP sink {children.ru_utime + children.ru_stime:.1f} s)"
    )
    with smtp_sink() as port:
        baseline = raw_smtplib(port)
    report(
        f"outbox: {COUNT:,} emails",
        [
            ("raw smtplib, pre-rendered, one connection", baseline, COUNT),
            ("queue_emails -> Celery worker (renders) -> SMTP", path, COUNT),
        ],
        aim=AIM,
    )


if __name__ == "__main__":
    main()
