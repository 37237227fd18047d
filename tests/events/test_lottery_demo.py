"""The demo's lottery events: one whose draw is done (re-runnable from its published data,
Sam seated or waiting) and one whose requests are open."""

from io import StringIO

import pytest
from django.core.management import call_command

from events import lottery_draw, services
from events.demo_lottery import DRAWN_SEATS, DRAWN_SLUG, OPEN_SLUG
from events.models import Event, LotteryRequest, Registration

pytestmark = pytest.mark.django_db


def test_demo_has_a_finished_draw_and_an_open_one():
    call_command("load_demo", force=True, stdout=StringIO())
    counts = (Registration.objects.count(), LotteryRequest.objects.count())
    call_command("load_demo", force=True, stdout=StringIO())
    assert (Registration.objects.count(), LotteryRequest.objects.count()) == counts

    drawn = Event.objects.get(slug=DRAWN_SLUG)
    assert drawn.drawn_at is not None
    assert Registration.objects.confirmed().filter(event=drawn).count() == DRAWN_SEATS
    assert Registration.objects.waitlisted().filter(event=drawn).count() == 8 - DRAWN_SEATS
    assert Registration.objects.active().filter(event=drawn, user__email="sam@demo.ac.uk").exists()
    assert drawn.lottery_seed_hash == lottery_draw.seed_hash(drawn.lottery_seed)
    data = services.published_draw(event=drawn)
    assert data["seed"] == drawn.lottery_seed
    assert [unit.id for unit in lottery_draw.rerun(data).order] == data["result"]["order"]

    open_event = Event.objects.get(slug=OPEN_SLUG)
    assert open_event.drawn_at is None
    sam = services.my_request(event=open_event, user=open_event.lottery_requests.get(user__email="sam@demo.ac.uk").user)
    assert [user.email for user in sam.asked_by] == ["grace@demo.ac.uk"]
