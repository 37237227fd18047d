"""Registering holds the event's row lock for the seat decision and its inserts only
(issue #15, item 2): the member, their membership and the emails' context are worked
out before it, and the email is rendered when it is delivered, not here."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.models import Event, Registration
from society.models import OutboundEmail
from tests.factories import EventFactory, MembershipFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db


def statements_of(action) -> list[str]:
    """The SQL `action` runs, savepoints left out."""
    with CaptureQueriesContext(connection) as context:
        action()
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("taken", [0, 1], ids=["a seat", "the waiting list"])
def test_under_the_lock_only_the_seat_decision_and_its_two_inserts(postgres, taken):
    event = EventFactory(capacity=1, members_only=True)
    for user in UserFactory.create_batch(taken):
        MembershipFactory(user=user)
        services.register(event=event, user=user)
    member = UserFactory()
    MembershipFactory(user=member)

    sql = statements_of(lambda: services.register(event=event, user=member))

    locked = next(n for n, statement in enumerate(sql) if statement.endswith("FOR UPDATE"))
    assert any('"members_membership"' in statement for statement in sql[:locked])  # before the lock
    under_lock = sql[locked + 1 :]
    assert [statement.split()[0] for statement in under_lock] == ["SELECT", "INSERT", "INSERT"]
    assert 'FROM "events_registration"' in under_lock[0]
    assert under_lock[1].startswith('INSERT INTO "events_registration"')
    assert under_lock[2].startswith('INSERT INTO "society_outboundemail"')
    assert 'ON CONFLICT ("key") DO NOTHING' in under_lock[2]


def test_registering_renders_no_email(monkeypatch):
    def render(*args, **kwargs):
        raise AssertionError("an email was rendered while registering")

    monkeypatch.setattr("society.emails.EmailTemplates.render", render)
    event = EventFactory(capacity=1)

    services.register(event=event, user=UserFactory())
    services.register(event=event, user=UserFactory())

    emails = OutboundEmail.objects.order_by("id")
    assert [(e.template, e.subject) for e in emails] == [
        ("emails/registration_confirmed", ""),
        ("emails/registration_waitlisted", ""),
    ]


def test_an_event_changed_after_the_caller_loaded_it_is_told_as_it_is_now():
    event = EventFactory(title="Old title", capacity=5)
    loaded = Event.objects.get(pk=event.pk)
    Event.objects.filter(pk=event.pk).update(title="New title", updated_at=timezone.now() + timedelta(seconds=1))

    registration, _ = services.register(event=loaded, user=UserFactory())

    email = rendered(OutboundEmail.objects.get(key=f"confirmed:{registration.pk}"))
    assert email.subject == "You're registered: New title"
    assert "SUMMARY:New title" in email.attachments[0]["content"]


def test_an_event_made_members_only_after_the_caller_loaded_it_refuses_a_non_member():
    event = EventFactory(capacity=5)
    loaded = Event.objects.get(pk=event.pk)
    Event.objects.filter(pk=event.pk).update(members_only=True, updated_at=timezone.now() + timedelta(seconds=1))

    with pytest.raises(services.RegistrationError, match="members of the society only"):
        services.register(event=loaded, user=UserFactory())

    assert (Registration.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_the_waiting_list_email_says_the_position_worked_out_under_the_lock():
    event = EventFactory(capacity=1, title="Deep dive")
    people = UserFactory.create_batch(4)
    registrations = [services.register(event=event, user=person)[0] for person in people]

    subjects = [rendered(OutboundEmail.objects.get(key=f"waitlisted:{r.pk}")).subject for r in registrations[1:]]

    assert subjects == [f"Waiting list: Deep dive (you are number {n})" for n in (1, 2, 3)]
    assert [services.waitlist_position(r) for r in registrations[1:]] == [1, 2, 3]
