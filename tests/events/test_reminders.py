"""Reminders before events: who gets what, and when, with the clock injected."""

import threading
from datetime import UTC, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django_celery_beat.models import PeriodicTask

from events import services
from events.models import Event, Registration
from events.reminders import due_reminders, queue_due_reminders
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

START = datetime(2027, 2, 10, 18, 0, tzinfo=UTC)  # a Wednesday, winter: UTC is London time
EARLY = START - timedelta(days=10)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _offsets(settings):
    settings.REMINDER_OFFSETS_HOURS = [24, 1]
    settings.TIME_ZONE = "Europe/London"


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def seat(event: Event, email: str, *, confirmed_at: datetime = EARLY, **fields) -> Registration:
    return RegistrationFactory(event=event, user=UserFactory(email=email), confirmed_at=confirmed_at, **fields)


def reminders() -> list[tuple[str, str]]:
    """(recipient, which reminder) of every reminder queued so far, in order."""
    rows = OutboundEmail.objects.filter(kind=EmailKind.REMINDER).order_by("id")
    return [(row.to_email, row.key.split(":")[0]) for row in rows]


def run_at(moment: datetime) -> int:
    return queue_due_reminders(now=moment)


def test_reminders_go_to_confirmed_registrants_at_24_and_1_hours_before_the_start():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(event, "ana@uni.ac.uk")
    seat(event, "waiting@uni.ac.uk", status=Registration.Status.WAITLISTED, confirmed_at=None)
    seat(event, "gone@uni.ac.uk", status=Registration.Status.CANCELLED)

    sent_by = {}
    for moment in [hours(25), hours(24) + timedelta(minutes=1), hours(24), hours(12), hours(1) + timedelta(seconds=1)]:
        sent_by[moment] = run_at(START - moment)
    assert reminders() == [("ana@uni.ac.uk", "reminder-24h")]
    assert run_at(START - hours(1)) == 1
    assert run_at(START - timedelta(minutes=1)) == 0

    assert reminders() == [("ana@uni.ac.uk", "reminder-24h"), ("ana@uni.ac.uk", "reminder-1h")]
    assert list(sent_by.values()) == [0, 0, 1, 0, 0]


def test_the_24_hour_reminder_has_time_place_online_link_what_to_bring_and_both_links(settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    event = EventFactory(
        title="Intro to PyTorch",
        starts_at=START,
        ends_at=START + hours(2),
        venue="Lab 2.14",
        building="Maths",
        online_url="https://meet.example.com/pytorch",
        what_to_bring="A laptop with Python 3.12.",
        setup_checklist="- Install Python 3.12\n- pip install torch\n",
    )
    seat(event, "ana@uni.ac.uk")

    run_at(START - hours(24))

    [email] = rendered(OutboundEmail.objects.all())
    assert email.subject == "Reminder: Intro to PyTorch, Wed 10 Feb, 18:00"
    assert "When: Wednesday 10 February 2027, 18:00 \N{EN DASH} 20:00 GMT" in email.body_text
    assert "Where: Lab 2.14, Maths" in email.body_text
    assert "Online: https://meet.example.com/pytorch" in email.body_text
    assert "A laptop with Python 3.12." in email.body_text
    assert "- Install Python 3.12\n- pip install torch\n" in email.body_text
    assert "https://society.example.ac.uk/events/links/" in email.body_text
    assert "/set-up/" in email.body_text
    assert "/cant-come/" in email.body_text
    assert ">I&#x27;m set up</a>" in email.body_html or ">I'm set up</a>" in email.body_html
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_set_up_link_without_a_checklist():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(event, "ana@uni.ac.uk")

    run_at(START - hours(24))

    assert "/set-up/" not in rendered(OutboundEmail.objects.get()).body_text


def test_registering_late_gets_no_stale_reminder():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(event, "early@uni.ac.uk")
    seat(event, "evening-before@uni.ac.uk", confirmed_at=START - hours(5))
    seat(event, "last-minute@uni.ac.uk", confirmed_at=START - timedelta(minutes=30))

    for moment in range(25 * 12):  # every 5 minutes for 25 hours
        run_at(START - hours(25) + timedelta(minutes=5 * moment))

    assert reminders() == [
        ("early@uni.ac.uk", "reminder-24h"),
        ("early@uni.ac.uk", "reminder-1h"),
        ("evening-before@uni.ac.uk", "reminder-1h"),
    ]


def test_cancelling_after_the_24_hour_reminder_stops_the_next_and_the_promoted_person_gets_only_that():
    event = EventFactory(starts_at=START, ends_at=START + hours(2), capacity=1)
    leaving = seat(event, "leaving@uni.ac.uk")
    seat(event, "waiting@uni.ac.uk", status=Registration.Status.WAITLISTED, confirmed_at=None)
    run_at(START - hours(24))

    services.cancel(registration=leaving, now=START - hours(20))
    run_at(START - hours(20))
    run_at(START - hours(1))

    reminder_rows = reminders()
    assert reminder_rows == [("leaving@uni.ac.uk", "reminder-24h"), ("waiting@uni.ac.uk", "reminder-1h")]


def test_running_twice_queues_each_reminder_once():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(event, "ana@uni.ac.uk")
    seat(event, "ben@uni.ac.uk")

    first, second = run_at(START - hours(24)), run_at(START - hours(24))
    third = run_at(START - hours(23))

    assert (first, second, third) == (2, 0, 0)
    assert OutboundEmail.objects.count() == 2


def test_after_3_hours_of_downtime_what_became_due_is_sent_unless_the_event_started():
    soon = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(soon, "soon@uni.ac.uk")
    started = EventFactory(starts_at=START - hours(23), ends_at=START)  # starts during the outage
    seat(started, "started@uni.ac.uk")
    run_at(START - hours(25))  # the last run before the outage: its 24-hour reminder

    queued = run_at(START - hours(22))  # back, 3 hours later

    assert queued == 1  # the 24-hour one of `soon`; not the 1-hour one of the event that started
    assert reminders() == [("started@uni.ac.uk", "reminder-24h"), ("soon@uni.ac.uk", "reminder-24h")]


def test_downtime_over_both_moments_sends_only_the_later_reminder():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(event, "ana@uni.ac.uk")
    run_at(START - hours(25))

    run_at(START - timedelta(minutes=40))  # down from 25 hours before until 40 minutes before

    assert reminders() == [("ana@uni.ac.uk", "reminder-1h")]


def test_a_moved_event_is_reminded_at_its_new_time_and_the_24_hour_one_repeats_only_for_a_new_day():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    seat(event, "ana@uni.ac.uk")
    run_at(START - hours(24))

    Event.objects.filter(pk=event.pk).update(starts_at=START + hours(2), ends_at=START + hours(4))  # same day
    run_at(START - hours(22))
    run_at(START - hours(1))  # the old 1-hour moment: nothing now
    assert reminders() == [("ana@uni.ac.uk", "reminder-24h")]
    run_at(START + hours(1))
    assert reminders() == [("ana@uni.ac.uk", "reminder-24h"), ("ana@uni.ac.uk", "reminder-1h")]

    next_day = START + hours(24)
    Event.objects.filter(pk=event.pk).update(starts_at=next_day, ends_at=next_day + hours(2))
    run_at(next_day - hours(24))
    run_at(next_day - hours(1))
    assert reminders()[2:] == [("ana@uni.ac.uk", "reminder-24h"), ("ana@uni.ac.uk", "reminder-1h")]
    latest = rendered(OutboundEmail.objects.order_by("id").last())
    assert latest.subject == "Reminder: Workshop, Thu 11 Feb, 18:00".replace("Workshop", event.title)


def test_cancelled_events_drafts_and_events_with_reminders_off_send_none():
    for status, enabled in [
        (Event.Status.CANCELLED, True),
        (Event.Status.DRAFT, True),
        (Event.Status.PUBLISHED, False),
    ]:
        event = EventFactory(starts_at=START, ends_at=START + hours(2), status=status, reminders_enabled=enabled)
        seat(event, f"{status}-{enabled}@uni.ac.uk".lower())

    run_at(START - hours(24))
    run_at(START - hours(1))

    assert reminders() == []


def test_members_who_turned_reminders_off_get_none():
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    quiet = seat(event, "quiet@uni.ac.uk")
    seat(event, "ana@uni.ac.uk")
    EmailOptOut.objects.create(user=quiet.user, kind=EmailKind.REMINDER)

    run_at(START - hours(24))

    assert reminders() == [("ana@uni.ac.uk", "reminder-24h")]


@pytest.mark.parametrize(
    ("local_start", "reminder_at_utc", "shown"),
    [
        # October 2026: clocks go back at 02:00 BST on Sunday 25 October.
        (datetime(2026, 10, 24, 10, 0), datetime(2026, 10, 23, 9, 0, tzinfo=UTC), "Sat 24 Oct, 10:00"),
        (datetime(2026, 10, 25, 10, 0), datetime(2026, 10, 24, 10, 0, tzinfo=UTC), "Sun 25 Oct, 10:00"),
        (datetime(2026, 10, 26, 10, 0), datetime(2026, 10, 25, 10, 0, tzinfo=UTC), "Mon 26 Oct, 10:00"),
        # March 2027: clocks go forward at 01:00 GMT on Sunday 28 March.
        (datetime(2027, 3, 27, 10, 0), datetime(2027, 3, 26, 10, 0, tzinfo=UTC), "Sat 27 Mar, 10:00"),
        (datetime(2027, 3, 28, 10, 0), datetime(2027, 3, 27, 9, 0, tzinfo=UTC), "Sun 28 Mar, 10:00"),
        (datetime(2027, 3, 29, 10, 0), datetime(2027, 3, 28, 9, 0, tzinfo=UTC), "Mon 29 Mar, 10:00"),
    ],
)
def test_24_hours_are_real_hours_across_clock_changes_and_times_show_on_london_clocks(
    local_start, reminder_at_utc, shown
):
    starts_at = local_start.replace(tzinfo=LONDON)
    event = EventFactory(title="DST", starts_at=starts_at, ends_at=starts_at + hours(2))
    seat(event, "ana@uni.ac.uk", confirmed_at=starts_at - timedelta(days=5))

    assert run_at(reminder_at_utc - timedelta(seconds=1)) == 0
    assert run_at(reminder_at_utc) == 1

    assert starts_at - reminder_at_utc == hours(24)
    assert rendered(OutboundEmail.objects.get()).subject == f"Reminder: DST, {shown}"


def test_finding_due_reminders_costs_the_same_queries_for_2_events_as_for_40():
    def add_events(n: int) -> None:
        for _ in range(n):
            event = EventFactory(starts_at=START, ends_at=START + hours(2))
            RegistrationFactory.create_batch(3, event=event, confirmed_at=EARLY)

    add_events(2)
    small, due = count_queries(lambda: due_reminders(now=START - hours(24)))
    assert len(due) == 6
    add_events(38)
    large, due = count_queries(lambda: due_reminders(now=START - hours(24)))
    assert len(due) == 120
    assert small == large == 2


def test_the_schedule_is_in_the_admin_every_5_minutes_and_the_digest_on_monday_mornings_in_london():
    # The data migration's function (again: a transactional test elsewhere on this
    # worker may have flushed the rows the migration made; running it twice is harmless).
    import_module("events.migrations.0005_reminder_schedules").schedule(django_apps, None)

    due = PeriodicTask.objects.get(task="events.tasks.send_due_reminders_and_follow_ups")
    digest = PeriodicTask.objects.get(task="events.tasks.send_weekly_digest")

    assert (due.enabled, due.interval.every, due.interval.period) == (True, 5, "minutes")
    crontab = digest.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, str(crontab.timezone)) == (
        "0",
        "8",
        "1",
        "Europe/London",
    )


@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_time_queue_each_reminder_once(postgres):
    event = EventFactory(starts_at=START, ends_at=START + hours(2))
    for n in range(30):
        seat(event, f"student{n}@uni.ac.uk")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(run_at(START - hours(24)))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert OutboundEmail.objects.filter(kind=EmailKind.REMINDER).count() == 30
    assert len(set(OutboundEmail.objects.values_list("to_email", flat=True))) == 30
    assert sum(results) >= 30  # queue_email says True even when another run's row won
