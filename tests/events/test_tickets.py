"""Registering and cancelling over HTTP, tickets with a QR code, My events, check-in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors, services
from events.models import Event, EventRating, Registration
from society.models import OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
Status = Registration.Status


def register_url(event) -> str:
    return reverse("events:register", kwargs={"slug": event.slug})


def ticket_url(registration) -> str:
    return reverse("events:ticket", kwargs={"token": registration.token})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_member_registers_and_is_sent_to_the_ticket(member_client, member):
    event = EventFactory(capacity=5)

    response = member_client.post(register_url(event), follow=True)

    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Status.CONFIRMED
    assert response.redirect_chain == [(ticket_url(registration), 302)]
    assert messages_of(response) == ["You are registered. Your ticket is below, and on its way by email."]


def test_double_submit_registers_once(member_client, member):
    event = EventFactory(capacity=5)

    member_client.post(register_url(event))
    response = member_client.post(register_url(event), follow=True)

    assert Registration.objects.filter(event=event, user=member).count() == 1
    assert messages_of(response)[-1] == "You were already registered: nothing has changed."


def test_full_event_puts_the_member_on_the_waiting_list(member_client, member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)

    response = member_client.post(register_url(event), follow=True)

    assert Registration.objects.get(event=event, user=member).status == Status.WAITLISTED
    assert messages_of(response) == ["The event is full: you are number 1 on the waiting list."]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "This event has been cancelled."),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "Registration for this event has closed."),
        ({"members_only": True}, "This event is for members of the society only: join the society, then register."),
        ({"capacity": 1, "waitlist_enabled": False}, "Sorry, this event is full and has no waiting list."),
    ],
)
def test_refused_registration_shows_a_clear_message_and_changes_nothing(member_client, fields, message):
    event = EventFactory(**fields)
    if fields.get("capacity"):
        RegistrationFactory(event=event)
    before = (Registration.objects.count(), OutboundEmail.objects.count())

    response = member_client.post(register_url(event), follow=True)

    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert messages_of(response) == [message]
    assert (Registration.objects.count(), OutboundEmail.objects.count()) == before


@pytest.mark.parametrize("status", [Event.Status.DRAFT, None])
def test_registering_for_a_draft_or_unknown_event_is_404(member_client, status):
    url = register_url(EventFactory(status=status)) if status else "/events/no-such-event/register/"

    assert member_client.post(url).status_code == 404
    assert Registration.objects.count() == 0


def test_visitor_is_asked_to_log_in_to_register(client):
    event = EventFactory()

    response = client.post(register_url(event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Registration.objects.count() == 0


def test_ticket_shows_a_qr_code_of_the_check_in_link(member_client, member, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    registration = RegistrationFactory(user=member)

    response = member_client.get(ticket_url(registration))

    text = response.content.decode()
    assert response.status_code == 200
    assert (
        '<figure class="ticket-qr mx-auto mb-2" role="img" '
        f'aria-label="QR code of your ticket, code {registration.short_code}"><svg viewBox='
    ) in text
    assert "style=" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert response["Cache-Control"].startswith("max-age=0")


def test_ticket_qr_code_encodes_the_check_in_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    from events.views.tickets import check_in_url

    registration = RegistrationFactory()

    assert check_in_url(registration) == f"http://127.0.0.1:8000/check-in/{registration.token}/"
    assert len(registration.token) == 32  # 24 random bytes


@pytest.mark.parametrize("who", ["other member", "tampered token"])
def test_ticket_of_someone_else_or_a_tampered_token_is_404(member_client, member, who):
    registration = RegistrationFactory(user=UserFactory() if who == "other member" else member)
    token = registration.token if who == "other member" else registration.token[:-2] + "xx"

    response = member_client.get(reverse("events:ticket", kwargs={"token": token}))

    assert response.status_code == 404


def test_waitlisted_ticket_has_no_qr_code_and_says_the_position(member_client, member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    registration, _ = services.register(event=event, user=member)

    text = member_client.get(ticket_url(registration)).content.decode()

    assert "<svg" not in text
    assert "Waiting list: number 1" in text


def test_cancel_from_the_ticket_frees_the_seat_for_the_next_person(member_client, member):
    event = EventFactory(capacity=1)
    mine, _ = services.register(event=event, user=member)
    waiting, _ = services.register(event=event, user=UserFactory())

    confirm = member_client.get(reverse("events:cancel", kwargs={"token": mine.token}))
    response = member_client.post(reverse("events:cancel", kwargs={"token": mine.token}), follow=True)

    assert "Cancel your place at" in confirm.content.decode()
    assert messages_of(response) == [f"Your place at {event.title} is cancelled."]
    assert Registration.objects.get(pk=waiting.pk).status == Status.CONFIRMED


def test_cancelling_someone_elses_registration_is_404(member_client):
    registration = RegistrationFactory()

    response = member_client.post(reverse("events:cancel", kwargs={"token": registration.token}))

    assert response.status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_cancel_after_the_start_says_so(member_client, member):
    registration = RegistrationFactory(user=member, event=EventFactory(starts_at=timezone.now() - timedelta(minutes=1)))

    response = member_client.post(reverse("events:cancel", kwargs={"token": registration.token}), follow=True)

    assert messages_of(response) == ["The event has started: it is too late to cancel."]
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_my_events_lists_upcoming_and_past_with_status(member_client, member):
    now = timezone.now()
    soon = EventFactory(title="Soon", starts_at=now + timedelta(days=1))
    later = EventFactory(title="Later", starts_at=now + timedelta(days=9), capacity=1)
    gone = EventFactory(title="Gone", starts_at=now - timedelta(days=3))
    RegistrationFactory(event=soon, user=member)
    RegistrationFactory(event=later)
    services.register(event=later, user=member)
    RegistrationFactory(event=gone, user=member, checked_in_at=now - timedelta(days=3))
    RegistrationFactory(user=UserFactory())  # someone else's

    response = member_client.get(reverse("events:my_events"))

    upcoming = [(r.event.title, r.status, r.position) for r in response.context["upcoming"]]
    assert upcoming == [("Soon", Status.CONFIRMED, None), ("Later", Status.WAITLISTED, 1)]
    past = [(r.event.title, bool(r.checked_in_at)) for r in response.context["past"].object_list]
    assert past == [("Gone", True)]
    text = response.content.decode()
    assert "Waiting list: number 1" in text
    assert "Attended" in text


def test_my_events_costs_constant_queries(member_client, member):
    services.calendar_feed_of(member)  # made on the first visit

    def add(n: int) -> None:
        for _ in range(n):
            RegistrationFactory(user=member)
            RegistrationFactory(user=member, event=EventFactory(starts_at=timezone.now() - timedelta(days=2)))

    count = assert_constant_queries(lambda: member_client.get(reverse("events:my_events")), add)

    # session, user, upcoming registrations, past (count, a page of events, their registrations),
    # calendar feed, committee check (nav)
    assert count == 8


def past_events_of(member, n: int) -> list[str]:
    """n past events the member registered for (one also cancelled and registered again); titles newest first."""
    now = timezone.now()
    titles = []
    for days in range(1, n + 1):
        event = EventFactory(title=f"Past {days}", starts_at=now - timedelta(days=days))
        RegistrationFactory(event=event, user=member, status=Status.CANCELLED, cancelled_at=now)
        RegistrationFactory(event=event, user=member, checked_in_at=event.starts_at)
        titles.append(event.title)
    return titles


def past_titles(response) -> list[str]:
    return [registration.event.title for registration in response.context["past"].object_list]


def test_my_events_shows_past_events_a_page_at_a_time(member_client, member):
    titles = past_events_of(member, selectors.PAST_PER_PAGE + 3)
    url = reverse("events:my_events")

    first = member_client.get(url)
    second = member_client.get(url, {"page": 2})

    assert past_titles(first) == titles[: selectors.PAST_PER_PAGE]
    assert past_titles(second) == titles[selectors.PAST_PER_PAGE :]
    # One row an event: the active registration rather than the cancelled one.
    assert all(r.status == Status.CONFIRMED for r in first.context["past"].object_list)
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("nonsense", 1), ("-1", 2)])
def test_my_events_answers_a_page_out_of_range_as_the_event_list_does(member_client, member, asked, shown):
    past_events_of(member, selectors.PAST_PER_PAGE + 3)

    response = member_client.get(reverse("events:my_events"), {"page": asked})

    assert response.status_code == 200
    assert response.context["past"].number == shown


def test_reset_calendar_makes_a_new_secret_address(member_client, member):
    old = services.calendar_feed_of(member).token

    member_client.post(reverse("events:reset_calendar"))

    new = services.calendar_feed_of(member).token
    assert new != old
    assert member_client.get(reverse("events:my_calendar", kwargs={"token": old})).status_code == 404
    assert member_client.get(reverse("events:my_calendar", kwargs={"token": new})).status_code == 200


def test_check_in_link_shows_the_committee_who_it_is_and_checks_in_once(committee_client, committee_member):
    registration = RegistrationFactory(event__underway=True, user=UserFactory(name="Tess Ticket"))
    url = reverse("events:check_in", kwargs={"token": registration.token})

    shown = committee_client.get(url)
    committee_client.post(url)
    committee_client.post(url)

    assert "Tess Ticket" in shown.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_by == committee_member
    assert registration.checked_in_at is not None
    assert "Checked in at" in committee_client.get(url).content.decode()


@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_check_in_link_shows_others_a_plain_page_and_changes_nothing(client, member, persona):
    registration = RegistrationFactory(user=UserFactory(name="Tess Ticket", email="tess@uni.ac.uk"))
    if persona == "member":
        client.force_login(member)
    url = reverse("events:check_in", kwargs={"token": registration.token})

    shown = client.get(url)
    client.post(url)

    text = shown.content.decode()
    assert "This is an event ticket" in text
    assert "Tess" not in text
    assert "tess@uni.ac.uk" not in text
    assert registration.event.title not in text
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_with_a_tampered_token_is_404_for_the_committee(committee_client):
    assert committee_client.get(reverse("events:check_in", kwargs={"token": "not-a-real-token"})).status_code == 404


def test_ticket_qr_code_is_the_check_in_link(member_client, member):
    from events.views.tickets import check_in_url, qr_code_svg

    registration = RegistrationFactory(user=member)

    text = member_client.get(ticket_url(registration)).content.decode()

    assert qr_code_svg(check_in_url(registration)) in text


def test_data_export_lists_the_members_registrations(member_client, member):
    registration = RegistrationFactory(user=member, event=EventFactory(title="Mine"))
    RegistrationFactory(event=EventFactory(title="Not mine"))

    data = member_client.get(reverse("members:export_data")).json()

    assert data["events"] == {
        "registrations": [
            {
                "event": "Mine",
                "starts": registration.event.starts_at.isoformat(),
                "status": "Confirmed",
                "registered": registration.created_at.isoformat(),
                "checked_in": None,
                "set_up": None,
                "rating": None,
            }
        ],
        "has_private_calendar": False,
    }


def test_data_export_includes_the_members_ratings(member_client, member):
    registration = RegistrationFactory(user=member, checked_in_at=timezone.now())
    EventRating.objects.create(registration=registration, score=4, comment="Great")

    data = member_client.get(reverse("members:export_data")).json()

    [row] = data["events"]["registrations"]
    assert (row["rating"]["score"], row["rating"]["comment"]) == (4, "Great")
