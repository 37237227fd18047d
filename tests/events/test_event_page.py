"""The event page: details in the society's time zone, speakers, and a register button
whose state always tells the truth."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventSpeaker, Registration
from tests.factories import EventFactory, MembershipFactory, RegistrationFactory, SpeakerFactory, UserFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def page(client, event):
    return client.get(reverse("events:detail", kwargs={"slug": event.slug}))


def state(client, event) -> str:
    return page(client, event).context["button"].state


def test_event_page_shows_times_in_the_society_time_zone(client):
    london = ZoneInfo("Europe/London")
    event = EventFactory(
        starts_at=datetime(2036, 7, 1, 18, 0, tzinfo=london), ends_at=datetime(2036, 7, 1, 20, 0, tzinfo=london)
    )

    text = page(client, event).content.decode()

    assert "Tuesday 1 July 2036<br>18:00 \u2013 20:00 BST" in text  # stored as 17:00 UTC


def test_event_page_lists_speakers_in_order(client):
    event = EventFactory()
    second, first = SpeakerFactory(name="Bo Second"), SpeakerFactory(name="Al First", bio="Builds robots.")
    EventSpeaker.objects.create(event=event, speaker=first, order=1)
    EventSpeaker.objects.create(event=event, speaker=second, order=2)

    response = page(client, event)

    assert [item.speaker.name for item in response.context["event"].speaker_list] == ["Al First", "Bo Second"]
    assert "Builds robots." in response.content.decode()


def test_button_open_for_a_member(member_client):
    event = EventFactory(capacity=10)

    response = page(member_client, event)

    assert response.context["button"].state == "open"
    assert ">Register</button>" in response.content.decode()
    assert "10 of 10 left" in response.content.decode()


def test_button_full_join_the_waiting_list(member_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)

    response = page(member_client, event)

    assert response.context["button"].state == "waitlist"
    assert "Full — join the waiting list" in response.content.decode()


def test_button_full_without_waiting_list(member_client):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(event=event)

    assert state(member_client, event) == "full"


def test_button_opens_on_a_date(member_client):
    event = EventFactory(registration_opens_at=timezone.make_aware(datetime(2036, 1, 5, 12, 0)))
    event.starts_at, event.ends_at = (
        event.registration_opens_at + timedelta(days=9),
        event.registration_opens_at + timedelta(days=9, hours=2),
    )
    event.save()

    response = page(member_client, event)

    assert response.context["button"].state == "not_open_yet"
    assert "Registration opens on Saturday 5 January, 12:00" in response.content.decode()


def test_button_closed(member_client):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))

    response = page(member_client, event)

    assert response.context["button"].state == "closed"
    assert "Registration closed" in response.content.decode()


def test_button_members_only_for_a_non_member(member_client):
    event = EventFactory(members_only=True)

    response = page(member_client, event)

    assert response.context["button"].state == "members_only"
    assert "Join the society" in response.content.decode()


def test_button_open_on_members_only_event_for_a_member(client):
    member = MembershipFactory().user
    client.force_login(member)

    assert state(client, EventFactory(members_only=True)) == "open"


def test_button_cancelled(member_client, member):
    event = EventFactory(status=Event.Status.CANCELLED)
    RegistrationFactory(event=event, user=member)

    response = page(member_client, event)

    assert response.context["button"].state == "cancelled"
    assert "This event has been cancelled." in response.content.decode()


def test_button_you_are_registered(member_client, member):
    event = EventFactory()
    registration = RegistrationFactory(event=event, user=member)

    response = page(member_client, event)

    assert response.context["button"].state == "registered"
    assert reverse("events:ticket", kwargs={"token": registration.token}) in response.content.decode()


def test_button_you_are_number_n_on_the_waiting_list(member_client, member):
    event = EventFactory(capacity=1)
    services.register(event=event, user=UserFactory())
    services.register(event=event, user=UserFactory())
    services.register(event=event, user=member)

    response = page(member_client, event)

    assert response.context["button"].state == "waitlisted"
    assert "You are number 2 on the waiting list." in response.content.decode()


def test_button_asks_a_visitor_to_log_in(client):
    assert state(client, EventFactory()) == "log_in"


def test_online_link_shows_only_to_confirmed_registrants(client, member):
    event = EventFactory(capacity=1, online_url="https://meet.example.org/secret-room")
    waiting = UserFactory()
    RegistrationFactory(event=event, user=member)
    services.register(event=event, user=waiting)

    as_visitor = page(client, event).content.decode()
    client.force_login(waiting)
    as_waiting = page(client, event).content.decode()
    client.force_login(member)
    as_confirmed = page(client, event).content.decode()

    assert ["secret-room" in text for text in (as_visitor, as_waiting, as_confirmed)] == [False, False, True]


def test_description_markdown_is_rendered_with_scripts_and_javascript_links_as_plain_text(client):
    event = EventFactory(
        description="## Plan\n\n**Bold** <script>alert(1)</script> [click](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> [ok](https://example.org)'
    )

    html = str(page(client, event).context["description"]())  # drawn only when the page part is not cached

    assert html == (
        "<h2>Plan</h2>\n<p><strong>Bold</strong> &lt;script&gt;alert(1)&lt;/script&gt; [click](javascript:alert(1)) "
        '&lt;img src=x onerror="alert(1)"&gt; '
        '<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a></p>\n'
    )


def test_sanitiser_drops_what_markdown_might_let_through():
    import nh3

    from events.markdown import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS

    dirty = '<p onclick="x()">Hi <a href="javascript:alert(1)">link</a><img src="https://evil.example/x.png"></p>'

    clean = nh3.clean(dirty, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES)

    assert clean == '<p>Hi <a rel="noopener noreferrer">link</a></p>'


def test_event_page_costs_constant_queries_whatever_the_registrations(member_client, member):
    event = EventFactory(capacity=500)
    EventSpeaker.objects.create(event=event, speaker=SpeakerFactory())
    services.register(event=event, user=member)

    count = assert_constant_queries(
        lambda: page(member_client, event),
        lambda n: [RegistrationFactory(event=event) for _ in range(n)],
    )

    # session, user, event, speakers, topics, own registration, committee check (nav)
    assert count == 7


def test_registrations_page_get_shows_the_button(member_client):
    event = EventFactory()

    response = member_client.get(reverse("events:register", kwargs={"slug": event.slug}))

    assert (response.status_code, response.context["button"].state) == (200, "open")
    assert Registration.objects.count() == 0
