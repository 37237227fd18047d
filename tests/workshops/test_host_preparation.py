"""Preparing a member-led session: the rehearsal the committee asks for, the hosts'
materials reminder (once each, only when materials are missing), and the console's
list of upcoming member-led sessions with what each still lacks."""

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from events import services as events_services
from events.models import ActionLog, Event
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, EventHostFactory, MaterialFactory, UserFactory
from tests.outbox import rendered
from tests.querycount import assert_constant_queries
from workshops import services, tasks

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def session(*, days: float, **fields) -> Event:
    starts = NOW + timedelta(days=days)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), **fields)


def hosting_emails():
    return OutboundEmail.objects.filter(kind=EmailKind.HOSTING).order_by("key")


# --- Materials due ------------------------------------------------------------------


@override_settings(HOST_MATERIALS_DUE_DAYS=3)
def test_hosts_are_reminded_once_of_missing_materials_three_days_before():
    event = session(days=2, title="Graph neural networks")
    first, second = EventHostFactory(event=event), EventHostFactory(event=event)

    sent = services.queue_materials_reminders(now=NOW)
    again = services.queue_materials_reminders(now=NOW + timedelta(hours=1))

    assert (sent, again) == (2, 0)
    emails = rendered(hosting_emails())
    assert sorted(email.to_email for email in emails) == sorted([first.user.email, second.user.email])
    assert emails[0].subject == "Materials for Graph neural networks, please"
    assert reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}) in emails[0].body_text


@override_settings(HOST_MATERIALS_DUE_DAYS=3)
def test_no_materials_reminder_when_materials_exist_or_not_yet_due_or_no_hosts_or_cancelled():
    with_materials = session(days=1)
    EventHostFactory(event=with_materials)
    MaterialFactory(event=with_materials, kind="link")
    EventHostFactory(event=session(days=4))  # not due yet
    session(days=1)  # the committee's own: no hosts
    EventHostFactory(event=session(days=1, status=Event.Status.CANCELLED))
    EventHostFactory(event=session(days=-1))  # started already

    assert services.queue_materials_reminders(now=NOW) == 0
    assert not hosting_emails().exists()


def test_materials_reminder_is_in_the_hosts_language():
    event = session(days=1, title="Transformers", title_zh="变换器")
    EventHostFactory(event=event, user=UserFactory(language="zh-hans"))

    services.queue_materials_reminders(now=NOW)

    email = rendered(hosting_emails().get())
    assert "变换器" in email.subject
    assert "Upload your slides" not in email.body_text


def test_the_periodic_task_queues_the_due_reminders():
    starts = timezone.now() + timedelta(days=1)
    EventHostFactory(event=EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1)))

    assert tasks.send_host_reminders() == 1
    assert tasks.send_host_reminders() == 0


def test_the_beat_schedule_runs_the_host_reminders_every_hour():
    from django.apps import apps as django_apps
    from django_celery_beat.models import PeriodicTask

    # The data migration's function (again: a transactional test elsewhere on this
    # worker may have flushed the rows the migration made; running it twice is harmless).
    import_module("workshops.migrations.0006_host_reminders_schedule").schedule_reminders(django_apps, None)

    [task] = PeriodicTask.objects.filter(task="workshops.tasks.send_host_reminders")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "hours")


# --- Rehearsal ----------------------------------------------------------------------


def test_setting_a_rehearsal_emails_each_host_once_and_again_when_changed(committee_client):
    event = session(days=10, title="Intro to RL")
    EventHostFactory(event=event, user=UserFactory(email="sam@uni.ac.uk"))
    url = reverse("events:manage_event_rehearsal", kwargs={"slug": event.slug})
    data = {"rehearsal_at": "2027-03-08T17:00", "rehearsal_note": "Lab 2, bring your laptop."}

    committee_client.post(url, data)
    committee_client.post(url, data)  # saved again, unchanged: nobody is emailed twice

    event.refresh_from_db()
    assert timezone.localtime(event.rehearsal_at).strftime("%Y-%m-%d %H:%M") == "2027-03-08 17:00"
    assert event.rehearsal_note == "Lab 2, bring your laptop."
    email = rendered(hosting_emails().get())
    assert email.to_email == "sam@uni.ac.uk"
    assert email.subject == "Rehearsal for Intro to RL"
    assert "Lab 2, bring your laptop." in email.body_text

    committee_client.post(url, {**data, "rehearsal_note": "Lab 3 instead."})
    assert hosting_emails().count() == 2
    assert ActionLog.objects.filter(event=event, action="rehearsal set").count() == 3


def test_taking_the_rehearsal_back_emails_nobody(committee_client):
    event = session(days=10)
    EventHostFactory(event=event)
    events_services.set_rehearsal(event=event, at=NOW + timedelta(days=5), note="", by=UserFactory())

    committee_client.post(reverse("events:manage_event_rehearsal", kwargs={"slug": event.slug}), {})

    event.refresh_from_db()
    assert event.rehearsal_at is None
    assert hosting_emails().count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rehearsal_at": "", "rehearsal_note": "Lab 2"}, "Give the rehearsal a date and time"),
        ({"rehearsal_at": "next tuesday", "rehearsal_note": ""}, "Enter a date and time"),
        ({"rehearsal_at": "2027-03-20T17:00", "rehearsal_note": ""}, "must be before the session starts."),
    ],
)
def test_a_bad_rehearsal_is_refused_with_a_message_and_changes_nothing(committee_client, data, message):
    event = session(days=10)
    EventHostFactory(event=event)

    response = committee_client.post(reverse("events:manage_event_rehearsal", kwargs={"slug": event.slug}), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    event.refresh_from_db()
    assert (event.rehearsal_at, event.rehearsal_note) == (None, "")
    assert not hosting_emails().exists()


def test_host_sees_the_rehearsal_on_their_console_page(client, host_member):
    from tests.logins import log_in

    event = EventFactory()
    EventHostFactory(event=event, user=host_member)
    events_services.set_rehearsal(event=event, at=event.starts_at - timedelta(days=2), note="Room 4", by=UserFactory())
    log_in(client, host_member)

    page = client.get(reverse("events:manage_event", kwargs={"slug": event.slug})).content.decode()

    assert "The committee asks you to rehearse on" in page
    assert "Room 4" in page


# --- The console's list of member-led sessions --------------------------------------


def test_member_led_sessions_list_shows_what_is_missing(committee_client):
    starts = timezone.now() + timedelta(days=5)
    bare = EventFactory(title="Bare session", starts_at=starts, venue="", online_url="", setup_checklist="")
    EventHostFactory(event=bare, user=UserFactory(name="Sam Speaker"))
    ready = EventFactory(title="Ready session", starts_at=starts, venue="Lab 2", setup_checklist="- Python")
    EventHostFactory(event=ready)
    MaterialFactory(event=ready, kind="link")
    EventFactory(title="Committee session", starts_at=starts)

    response = committee_client.get(reverse("workshops:manage_hosted_sessions"))

    sessions = {event.title: event.missing for event in response.context["sessions"]}
    assert sessions == {"Bare session": ["materials", "checklist", "room"], "Ready session": []}
    page = response.content.decode()
    assert "Sam Speaker" in page
    assert "Committee session" not in page


def test_member_led_sessions_list_costs_constant_queries(committee_client):
    def add_sessions(n):
        for _ in range(n):
            event = EventFactory()
            EventHostFactory(event=event)
            EventHostFactory(event=event)
            MaterialFactory(event=event, kind="link")

    assert_constant_queries(
        lambda: committee_client.get(reverse("workshops:manage_hosted_sessions")), add_sessions, small=2, large=15
    )


def test_member_led_sessions_list_reads_in_chinese(committee_client):
    EventHostFactory(event=EventFactory(venue=""))
    committee_client.cookies["django_language"] = "zh-hans"

    page = committee_client.get(reverse("workshops:manage_hosted_sessions")).content.decode()

    assert "Member-led sessions" not in page
    assert "Still missing" not in page
