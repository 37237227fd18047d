"""Render and deliver 5,000 emails through the real path (queue_email, a Celery
worker, SMTP), beside raw smtplib sending the same messages, pre-rendered,
over one connection."""

import smtplib
import time

from harness import celery_worker, report, setup_django, smtp_sink, wait_for

COUNT = 5000
PER_TRANSACTION = 100  # as when a committee member messages an event's registrants


def queue_all() -> None:
    from django.db import transaction

    from society.emails import queue_email
    from society.models import EmailKind

    for start in range(0, COUNT, PER_TRANSACTION):
        with transaction.atomic():
            for n in range(start, start + PER_TRANSACTION):
                queue_email(
                    key=f"bench:{n}",
                    to=f"student{n}@uni.ac.uk",
                    template="account/email/unknown_account",
                    context={"email": f"student{n}@uni.ac.uk", "signup_url": "https://society.example.ac.uk/join/"},
                    kind=EmailKind.ACCOUNT,
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
        wait_for(
            lambda: OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).count() == COUNT,
            timeout=600,
            what=f"delivery of {COUNT} emails",
            interval=0.05,
        )
        path = time.perf_counter() - started
        baseline = raw_smtplib(port)

    report(
        f"outbox: {COUNT:,} emails",
        [
            ("raw smtplib, pre-rendered, one connection", baseline, COUNT),
            ("queue_email -> Celery worker -> SMTP (render included)", path, COUNT),
        ],
        aim=2,
    )


if __name__ == "__main__":
    main()
