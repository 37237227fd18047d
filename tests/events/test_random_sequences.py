"""The rules hold whatever the order: random sequences of every change a registration
can go through, from several threads at once, against one event on PostgreSQL.

After every step the thread that made it checks, in one SQL statement (one snapshot):
confirmed never exceeds the capacity, nobody waits while a seat is free, and no
checked-in registration is anything but confirmed. At the end, every promotion sent
exactly one email, nobody was promoted twice, and each person's first attendance kept for
the figures is the one their registrations give.
"""

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from events import services
from events.models import Event, FirstAttendance, Registration
from members.services import anonymise_account
from society.models import OutboundEmail
from tests.events.test_concurrency import run_concurrently
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = Registration.Status
THREADS = 4
STEPS = 40
PEOPLE = 14


def invariant_violations(event_id: int) -> list[str]:
    """The invariants, read in one statement so they see one committed state."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.capacity,
                   COUNT(*) FILTER (WHERE r.status = 'confirmed'),
                   COUNT(*) FILTER (WHERE r.status = 'waitlisted'),
                   COUNT(*) FILTER (WHERE r.checked_in_at IS NOT NULL AND r.status <> 'confirmed')
            FROM events_event e LEFT JOIN events_registration r ON r.event_id = e.id
            WHERE e.id = %s GROUP BY e.capacity
            """,
            [event_id],
        )
        capacity, confirmed, waiting, checked_in_not_confirmed = cursor.fetchone()
    problems = []
    if capacity is not None and confirmed > capacity:
        problems.append(f"{confirmed} confirmed for {capacity} seats")
    if waiting and (capacity is None or confirmed < capacity):
        problems.append(f"{waiting} waiting while {capacity - confirmed if capacity else 'unlimited'} seats are free")
    if checked_in_not_confirmed:
        problems.append(f"{checked_in_not_confirmed} checked in without a confirmed seat")
    return problems


class Run:
    """One thread's random walk through the rules; refusals are fine, errors and broken invariants are not."""

    def __init__(self, *, seed: int, event: Event, people: list, committee, promoted: list, lock: threading.Lock):
        self.random, self.seed = random.Random(seed), seed
        self.event, self.people, self.committee = event, people, committee
        self.promoted, self.lock = promoted, lock
        self.steps: list[str] = []

    def pick(self, queryset):
        rows = list(queryset.filter(event=self.event).select_related("user"))
        return self.random.choice(rows) if rows else None

    def note_promoted(self, registrations) -> None:
        with self.lock:
            self.promoted.extend(r.pk for r in registrations)

    def step(self) -> None:
        action = self.random.choice(
            ["register", "register", "cancel", "promote", "capacity", "check_in", "undo", "walk_in", "bulk", "forget"]
        )
        self.steps.append(action)
        by = self.committee
        try:
            if action == "register":
                services.register(event=self.event, user=self.random.choice(self.people))
            elif action == "cancel" and (registration := self.pick(Registration.objects.active())):
                self.note_promoted(services.cancel(registration=registration))
            elif action == "promote" and (registration := self.pick(Registration.objects.waitlisted())):
                self.note_promoted([services.promote_by_hand(registration=registration, by=by)])
            elif action == "capacity":
                self.note_promoted(services.change_capacity(event=self.event, capacity=self.random.randint(1, 8)))
            elif action == "check_in" and (registration := self.pick(Registration.objects.confirmed())):
                services.check_in(registration=registration, by=by)
            elif action == "undo" and (registration := self.pick(Registration.objects.attended())):
                services.undo_check_in(registration=registration, by=by)
            elif action == "walk_in":
                services.add_registrant(event=self.event, user=self.random.choice(self.people), by=by, walk_in=True)
            elif action == "bulk":
                chosen = self.random.sample(self.people, 3)
                services.bulk_attendance(event=self.event, emails=[p.email for p in chosen], by=by)
            elif action == "forget" and (registration := self.pick(Registration.objects.active())):
                anonymise_account(user=registration.user)
        except services.RegistrationError:
            pass  # a rule said no: that is an outcome, not a failure
        problems = invariant_violations(self.event.pk)
        assert not problems, f"seed {self.seed}, after {self.steps}: {problems}"


def test_random_sequences_of_every_change_keep_the_invariants(postgres):
    # Starts in an hour: registering, cancelling and check-in are all open at once.
    event = EventFactory(capacity=4, starts_at=timezone.now() + timedelta(hours=1))
    people = UserFactory.create_batch(PEOPLE)
    committee = UserFactory(committee=True)
    promoted: list[int] = []
    lock = threading.Lock()
    seeds = [random.randrange(10**6) for _ in range(THREADS)]

    def walk(seed: int) -> None:
        run = Run(seed=seed, event=event, people=people, committee=committee, promoted=promoted, lock=lock)
        for _ in range(STEPS):
            run.step()

    errors = run_concurrently(walk, seeds)

    assert errors == [], f"seeds {seeds}"
    assert len(promoted) == len(set(promoted)), f"seeds {seeds}: someone was promoted twice"
    # Each registration's first email says how it began: a seat or the waiting list.
    # (Anonymised accounts' emails are deleted with them: they are left out.)
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    for registration in Registration.objects.filter(event=event, user__is_active=True):
        began_waiting = f"waitlisted:{registration.pk}" in keys
        was_promoted = f"promoted:{registration.pk}" in keys
        assert began_waiting != (f"confirmed:{registration.pk}" in keys), f"seeds {seeds}: {registration}"
        if registration.is_confirmed and began_waiting:
            assert was_promoted, f"seeds {seeds}: {registration} got a seat without being told"
        if was_promoted:
            assert began_waiting, f"seeds {seeds}: {registration} was told of a promotion it never needed"
        if registration.pk in promoted:
            assert was_promoted, f"seeds {seeds}: {registration} was promoted without an email"
    # Each person's first attendance, as kept for the figures, is the one their registrations say.
    found = Registration.objects.attended().values("user").annotate(first=Min("event__starts_at")).order_by()
    kept = FirstAttendance.objects.values_list("user", "starts_at")
    assert set(kept) == {(row["user"], row["first"]) for row in found}, f"seeds {seeds}"
