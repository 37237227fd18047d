"""The lottery under real concurrency, on PostgreSQL (threads, each with its own
connection, outside any test transaction): a rush of requests, requests racing the
draw (each ends drawn or refused, never lost), and the draw started twice at once."""

import threading
from datetime import timedelta

import pytest

from events import services
from events.models import LotteryRequest, Registration
from society.models import OutboundEmail
from tests.events.lottery_helpers import lottery_event
from tests.events.test_concurrency import run_concurrently
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rush_of_requests_keeps_one_request_per_member(postgres):
    event = lottery_event(capacity=10)
    people = UserFactory.create_batch(40)

    # Everyone asks twice at once (a double click): one request each, the second refused.
    errors = run_concurrently(lambda person: services.request_place(event=event, user=person), people * 2)

    assert len(errors) == 40
    assert {str(error) for error in errors} == {"You have already asked for a place at this event."}
    assert LotteryRequest.objects.filter(event=event).count() == 40
    assert set(LotteryRequest.objects.filter(event=event).values_list("user_id", flat=True)) == {p.pk for p in people}


def test_requests_racing_the_draw_end_drawn_or_refused_never_lost(postgres):
    event = lottery_event(capacity=5)
    early = UserFactory.create_batch(5)
    for person in early:
        services.request_place(event=event, user=person)
    racing = UserFactory.create_batch(30)
    just_before = event.lottery_closes_at - timedelta(seconds=1)
    refused = []
    lock = threading.Lock()

    def act(item):
        if item == "draw":
            services.draw(event=event, now=event.lottery_closes_at)
            return
        try:
            services.request_place(event=event, user=item, now=just_before)
        except services.RegistrationError as error:
            with lock:
                refused.append((item.pk, str(error)))

    errors = run_concurrently(act, [*racing[:15], "draw", *racing[15:]])

    assert errors == []
    requests = list(LotteryRequest.objects.filter(event=event))
    assert all(request.position is not None for request in requests)  # every request made was drawn
    asked = {request.user_id for request in requests}
    assert asked | {pk for pk, _ in refused} == {p.pk for p in early + racing}
    assert not asked & {pk for pk, _ in refused}
    assert {message for _, message in refused} <= {"The requests have closed: the places have been or are being drawn."}
    assert Registration.objects.filter(event=event).count() == len(requests)
    assert Registration.objects.confirmed().filter(event=event).count() == min(5, len(requests))


def test_the_draw_started_twice_at_once_draws_exactly_once(postgres):
    event = lottery_event(capacity=3)
    for person in UserFactory.create_batch(8):
        services.request_place(event=event, user=person)

    errors = run_concurrently(lambda _: services.draw(event=event, now=event.lottery_closes_at), range(4))

    assert [str(error) for error in errors] == ["The draw has already been made: it is made once."] * 3
    assert Registration.objects.filter(event=event).count() == 8
    assert Registration.objects.confirmed().filter(event=event).count() == 3
    assert OutboundEmail.objects.filter(key__startswith="lottery:").count() == 8
