"""Committee roles under real concurrency, on PostgreSQL: threads with their own connections."""

from datetime import date

import pytest

from members import services
from members.models import CommitteeChange, CommitteeRole
from society.models import OutboundEmail
from tests.events.test_concurrency import run_concurrently
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_many_people_given_one_title_at_once_leave_exactly_one_term(postgres):
    people = UserFactory.create_batch(8)

    errors = run_concurrently(
        lambda person: services.give_role(
            user=person, title="President", starts_on=date(2030, 8, 1), ends_on=date(2031, 7, 31), by=None
        ),
        people,
    )

    assert len(errors) == 7
    assert {type(error) for error in errors} == {services.CommitteeProblem}
    assert (CommitteeRole.objects.count(), CommitteeChange.objects.count(), OutboundEmail.objects.count()) == (1, 1, 1)
