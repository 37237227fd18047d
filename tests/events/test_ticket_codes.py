"""The ticket's short code: printed under its QR code, so the door can find a ticket
typed by hand when a phone's screen cannot be scanned."""

import re

import pytest
from django.urls import reverse

from events.models import normal_short_code, ticket_short_code
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_short_code_is_two_groups_of_four_unambiguous_letters():
    code = ticket_short_code("some-ticket-token")

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    assert code == ticket_short_code("some-ticket-token")
    assert code != ticket_short_code("another-ticket-token")


def test_short_code_as_typed_forgives_case_spaces_and_look_alike_letters():
    assert normal_short_code(" k7qm 2xwd ") == "K7QM-2XWD"
    assert normal_short_code("K7QM-2XWD") == "K7QM-2XWD"
    assert normal_short_code("o1lI-2xwd") == "0111-2XWD"
    assert normal_short_code("Zara Quinn") is None
    assert normal_short_code("K7QM-2XW") is None


def test_ticket_shows_its_short_code_and_a_text_alternative_of_its_qr_code(member_client, member):
    registration = RegistrationFactory(user=member)

    text = member_client.get(registration.get_absolute_url()).content.decode()

    assert f'aria-label="QR code of your ticket, code {registration.short_code}"' in text
    assert f'Ticket code: <strong class="ticket-code font-monospace">{registration.short_code}</strong>' in text


def test_door_finds_a_ticket_by_its_short_code_typed_by_hand(committee_client):
    event = EventFactory()
    wanted = RegistrationFactory(event=event, user=UserFactory(name="Zara Quinn"))
    RegistrationFactory(event=event, user=UserFactory(name="Ben Adams"))
    typed = wanted.short_code.lower().replace("-", " ")

    response = committee_client.get(reverse("events:manage_door", kwargs={"slug": event.slug}), {"q": typed})

    assert [r.user.name for r in response.context["found"]] == ["Zara Quinn"]


def test_door_finds_no_ticket_of_another_event_by_its_short_code(committee_client):
    event, other = EventFactory(), EventFactory()
    RegistrationFactory(event=event, user=UserFactory(name="Ben Adams"))
    elsewhere = RegistrationFactory(event=other, user=UserFactory(name="Zara Quinn"))

    response = committee_client.get(
        reverse("events:manage_door", kwargs={"slug": event.slug}), {"q": elsewhere.short_code}
    )

    assert list(response.context["found"]) == []
