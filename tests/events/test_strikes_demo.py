"""The demo shows the no-show policy: Sam's contested strike, a waived one, and a later opening."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.demo import NO_SHOW_UPCOMING_SLUG
from events.models import Event, Strike
from members.models import User
from tests.logins import log_in

pytestmark = pytest.mark.django_db


def test_demo_has_a_contested_strike_a_waived_one_and_an_event_opening_later_for_sam(client):
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())
    now = timezone.now()

    sams = Strike.objects.active(now).filter(user__email="sam@demo.ac.uk")
    assert [(s.contested_at is not None, s.decision) for s in sams] == [(True, "")]
    waived = Strike.objects.get(decision=Strike.Decision.WAIVED)
    assert waived.user.email == "grace@demo.ac.uk"
    assert Strike.objects.count() == 2

    log_in(client, User.objects.get(email="sam@demo.ac.uk"))
    page = " ".join(
        client.get(Event.objects.get(slug=NO_SHOW_UPCOMING_SLUG).get_absolute_url()).content.decode().split()
    )
    assert "You hold 1 no-show strike, so registration for this event opens for you on" in page
    assert "1 hour after everyone else" in page
    assert "You hold 1 no-show strike" in " ".join(client.get("/me/").content.decode().split())
