"""The registration rules (events.services): register, cancel, the waiting list, check-in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Event, Registration
from society.models import OutboundEmail
from tests.factories import EventFactory, MembershipFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db
Status = Registration.Status


def statuses(event: Event) -> list[tuple[str, str]]:
    return [(r.user.email, r.status) for r in Registration.objects.filter(event=event).order_by("created_at", "id")]


def test_register_confirms_while_seats_are_left_then_waitlists_in_order():
    event = EventFactory(capacity=2)
    people = UserFactory.create_batch(4)

    results = [services.register(event=event, user=person) for person in people]

    assert [(r.status, created) for r, created in results] == [
        (Status.CONFIRMED, True),
        (Status.CONFIRMED, True),
        (Status.WAITLISTED, True),
        (Status.WAITLISTED, True),
    ]
    assert [services.waitlist_position(r) for r, _ in results] == [None, None, 1, 2]


def test_register_twice_registers_once():
    event = EventFactory(capacity=10)
    person = UserFactory()

    first, first_created = services.register(event=event, user=person)
    second, second_created = services.register(event=event, user=person)

    assert (first.pk, first_created, second_created) == (second.pk, True, False)
    assert Registration.objects.filter(event=event).count() == 1
    assert OutboundEmail.objects.filter(key=f"confirmed:{first.pk}").count() == 1


def test_register_on_unlimited_event_always_confirms():
    event = EventFactory(capacity=None)

    registrations = [services.register(event=event, user=u)[0] for u in UserFactory.create_batch(5)]

    assert {r.status for r in registrations} == {Status.CONFIRMED}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "This event has been cancelled."),
        ({"status": Event.Status.DRAFT}, "This event is not open for registration."),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "Registration for this event has closed."),
        ({"members_only": True}, "This event is for members of the society only: join the society, then register."),
    ],
)
def test_register_refused_changes_nothing(fields, message):
    event = EventFactory(capacity=10, **fields)

    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, user=UserFactory())

    assert str(refused.value) == message
    assert (Registration.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_register_refused_after_the_event_started():
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))

    with pytest.raises(services.RegistrationError, match="has closed"):
        services.register(event=event, user=UserFactory())


def test_register_refused_before_registration_opens_says_when():
    opens = timezone.now() + timedelta(days=2)
    event = EventFactory(registration_opens_at=opens)

    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, user=UserFactory())

    assert (
        str(refused.value) == f"Registration for this event opens on {timezone.localtime(opens):%A %-d %B %Y, %H:%M}."
    )
    assert Registration.objects.count() == 0


def test_register_refused_when_full_without_waiting_list():
    event = EventFactory(capacity=1, waitlist_enabled=False)
    services.register(event=event, user=UserFactory())

    with pytest.raises(services.RegistrationError, match="full and has no waiting list"):
        services.register(event=event, user=UserFactory())

    assert Registration.objects.filter(event=event).count() == 1


def test_members_only_event_accepts_this_years_members():
    event = EventFactory(members_only=True)
    member = MembershipFactory().user

    registration, _ = services.register(event=event, user=member)

    assert registration.status == Status.CONFIRMED


def test_cancel_confirmed_promotes_the_first_person_waiting_and_tells_them():
    event = EventFactory(capacity=1)
    holder, first, second = UserFactory.create_batch(3)
    seat, _ = services.register(event=event, user=holder)
    waiting_first, _ = services.register(event=event, user=first)
    services.register(event=event, user=second)

    promoted = services.cancel(registration=seat)

    assert [r.pk for r in promoted] == [waiting_first.pk]
    assert statuses(event) == [
        (holder.email, Status.CANCELLED),
        (first.email, Status.CONFIRMED),
        (second.email, Status.WAITLISTED),
    ]
    email = rendered(OutboundEmail.objects.get(key=f"promoted:{waiting_first.pk}"))
    assert (email.to_email, email.subject) == (first.email, f"A seat is yours: {event.title}")


def test_cancel_waitlisted_promotes_nobody_and_moves_the_queue_up():
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    leaving, _ = services.register(event=event, user=UserFactory())
    staying, _ = services.register(event=event, user=UserFactory())

    promoted = services.cancel(registration=leaving)

    assert promoted == []
    staying.refresh_from_db()
    assert (staying.status, services.waitlist_position(staying)) == (Status.WAITLISTED, 1)


def test_cancel_twice_is_harmless():
    registration, _ = services.register(event=EventFactory(), user=UserFactory())
    services.cancel(registration=registration)

    assert services.cancel(registration=registration) == []
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_cancel_refused_once_the_event_started():
    event = EventFactory()
    registration, _ = services.register(event=event, user=UserFactory())

    with pytest.raises(services.RegistrationError, match="too late to cancel"):
        services.cancel(registration=registration, now=event.starts_at + timedelta(minutes=1))

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_register_again_after_cancelling_joins_the_back_of_the_queue():
    event = EventFactory(capacity=1)
    person = UserFactory()
    services.register(event=event, user=UserFactory())
    first, _ = services.register(event=event, user=person)
    services.register(event=event, user=UserFactory())
    services.cancel(registration=first)

    again, created = services.register(event=event, user=person)

    assert (created, again.status, services.waitlist_position(again)) == (True, Status.WAITLISTED, 2)


def test_raising_capacity_promotes_in_order():
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    waiting = [services.register(event=event, user=UserFactory())[0] for _ in range(3)]

    promoted = services.change_capacity(event=event, capacity=3)

    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert Registration.objects.confirmed().filter(event=event).count() == 3


def test_capacity_cannot_drop_below_seats_taken():
    event = EventFactory(capacity=3)
    for user in UserFactory.create_batch(2):
        services.register(event=event, user=user)

    with pytest.raises(services.RegistrationError, match="2 people already hold a seat"):
        services.change_capacity(event=event, capacity=1)

    event.refresh_from_db()
    assert event.capacity == 3


def test_promote_from_waitlist_does_nothing_when_full():
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    services.register(event=event, user=UserFactory())

    assert services.promote_from_waitlist(event=event) == []


def test_check_in_records_time_and_person_once():
    registration = RegistrationFactory(event__underway=True)
    door = UserFactory()
    first_time = timezone.now()

    services.check_in(registration=registration, by=door, now=first_time)
    again = services.check_in(registration=registration, by=UserFactory(), now=first_time + timedelta(minutes=5))

    assert (again.checked_in_at, again.checked_in_by) == (first_time, door)


def test_check_in_refuses_a_waitlisted_registration():
    registration = RegistrationFactory(event__underway=True, status=Status.WAITLISTED, confirmed_at=None)

    with pytest.raises(services.RegistrationError, match="not confirmed"):
        services.check_in(registration=registration, by=UserFactory())

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_database_refuses_two_active_registrations_for_one_person():
    from django.db import IntegrityError, transaction

    registration = RegistrationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=registration.event, user=registration.user, status=Status.WAITLISTED)


def test_waitlisted_email_says_the_position():
    event = EventFactory(capacity=1, title="Deep dive")
    services.register(event=event, user=UserFactory())
    services.register(event=event, user=UserFactory())
    third, _ = services.register(event=event, user=UserFactory())

    email = rendered(OutboundEmail.objects.get(key=f"waitlisted:{third.pk}"))

    assert email.subject == "Waiting list: Deep dive (you are number 2)"
