"""Events whose places are drawn by lot, for the lottery's tests."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

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


def rerun_in_plain_python(path: Path) -> subprocess.CompletedProcess:
    """`python -m events.lottery_draw <path>` as anyone would run it: its own process, with
    no settings and no database in its environment."""
    return subprocess.run(
        [sys.executable, "-m", "events.lottery_draw", str(path)],
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
