"""Events whose places are drawn by lot, for the lottery's tests."""

from datetime import timedelta

from django.utils import timezone

from events.services.lottery import prepare_lottery
from tests.factories import EventFactory


def lottery_event(*, capacity: int = 2, closes_in=timedelta(days=1), **fields):
    """A published event whose requests opened a day ago and close in `closes_in`."""
    now = timezone.now()
    event = EventFactory.build(
        capacity=capacity,
        registration_opens_at=now - timedelta(days=1),
        lottery=True,
        lottery_closes_at=now + closes_in,
        **fields,
    )
    prepare_lottery(event)
    event.save()
    return event


def after_close(event):
    return event.lottery_closes_at + timedelta(seconds=1)
