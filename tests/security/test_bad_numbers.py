"""Numbers typed with other digits: "²" and "①" are digits to str.isdigit() but not
to int(), so a view that checked with isdigit() answered 500. Each is refused or
ignored with a page, never a server error."""

import pytest
from django.urls import reverse

from events.models import EventSpeaker
from tests.factories import EventFactory, SpeakerFactory
from tests.security.conftest import client_of

NOT_NUMBERS = ["²", "①", "²⁰²⁶"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_the_committee_pages_take_a_year_that_is_not_a_number(personas, value):
    committee = client_of(personas["committee"])

    roles = committee.get(reverse("members:committee_roles"), {"year": value})
    handover = committee.get(reverse("members:committee_handover"), {"from": value})

    assert (roles.status_code, handover.status_code) == (200, 200)


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_sending_speaker_feedback_to_a_speaker_that_is_not_a_number_is_not_found(personas, value):
    event = EventFactory()
    EventSpeaker.objects.create(event=event, speaker=SpeakerFactory())
    url = reverse("events:manage_speaker_feedback", kwargs={"slug": event.slug})

    response = client_of(personas["committee"]).post(url, {"action": "send", "speaker": value})

    assert response.status_code == 404


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_the_admin_member_list_ignores_a_year_that_is_not_a_number(personas, value):
    response = client_of(personas["admin"]).get(reverse("admin:members_user_changelist"), {"member_in": value})

    assert response.status_code in (200, 302)  # the admin may send an unknown filter value back to the list
