"""The no-show policy under real concurrency, on PostgreSQL: the minute task running twice
at once strikes each no-show once, and two committee members deciding at once make one
decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import ActionLog, Registration, Strike
from society.models import OutboundEmail
from tests.events.test_concurrency import run_concurrently
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_strikes_given_by_many_runs_at_once_are_given_once(postgres):
    ended = timezone.now() - timedelta(hours=49)
    event = EventFactory(no_show_policy=True, starts_at=ended - timedelta(hours=2), ends_at=ended)
    no_shows = [
        RegistrationFactory(event=event, created_at=ended - timedelta(days=5), confirmed_at=ended - timedelta(days=5))
        for _ in range(10)
    ]
    now = timezone.now()

    errors = run_concurrently(lambda _: services.give_due_strikes(now=now), range(8))

    assert errors == []
    assert Strike.objects.count() == 10
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {f"follow-up:{registration.pk}" for registration in no_shows}


def test_deciding_at_once_makes_one_decision_and_one_email(postgres):
    now = timezone.now()
    registration = RegistrationFactory(event=EventFactory(no_show_policy=True), status=Registration.Status.CONFIRMED)
    strike = Strike.objects.create(
        user=registration.user, registration=registration, given_at=now, expires_at=now + timedelta(weeks=8)
    )
    committee = UserFactory.create_batch(6, committee=True)

    errors = run_concurrently(
        lambda member: services.decide_strike(strike=strike, by=member, waive=True, reason="Scanner down"), committee
    )

    assert len(errors) == 5
    assert {str(error) for error in errors} == {"This strike was already decided (waived): nothing was changed."}
    assert ActionLog.objects.filter(action="waived strike").count() == 1
    assert OutboundEmail.objects.filter(key=f"strike-decided:{strike.pk}").count() == 1
