"""The lottery's pages: the register box while requests are open, the public draw page
and its data, the console's Draw tab and its one-time "Run the draw", the event form's
lottery settings; each at a constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import ActionLog, Event, LotteryRequest, Registration
from tests.event_forms import console_event_data
from tests.events.lottery_helpers import lottery_event
from tests.factories import EventFactory, UserFactory
from tests.querycount import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def close_and_draw(event):
    Event.objects.filter(pk=event.pk).update(lottery_closes_at=timezone.now() - timedelta(minutes=1))
    event.refresh_from_db()
    return services.draw(event=event)


def asking(event):
    def add(n):
        for person in UserFactory.create_batch(n):
            services.request_place(event=event, user=person)

    return add


# --- The event page ---


def test_event_page_publishes_the_hash_and_offers_to_ask(member_client):
    event = lottery_event()

    response = member_client.get(event.get_absolute_url())

    assert response.context["button"].state == "ask"
    assert event.lottery_seed_hash in response.content.decode()
    assert event.lottery_seed not in response.content.decode()
    assert "Ask for a place" in response.content.decode()


def test_visitor_is_asked_to_log_in(client):
    event = lottery_event()

    assert client.get(event.get_absolute_url()).context["button"].state == "log_in"


def test_asking_with_a_friend_who_did_not_ask_shows_why_and_changes_nothing(member_client, other_member):
    event = lottery_event()

    response = member_client.post(
        url("lottery_ask", slug=event.slug), {"friend_email": other_member.email}, follow=True
    )

    assert messages_of(response) == [
        "Nobody with the email other@uni.ac.uk has asked for a place yet: they ask first, then you name them "
        "(or they name you)."
    ]
    assert not LotteryRequest.objects.exists()


def test_asking_with_a_malformed_email_is_refused(member_client):
    event = lottery_event()

    response = member_client.post(url("lottery_ask", slug=event.slug), {"friend_email": "not an email"}, follow=True)

    assert messages_of(response) == ["Enter a valid email address."]
    assert not LotteryRequest.objects.exists()


def test_the_first_asker_sees_who_asked_to_go_with_them_and_names_them_back(member_client, member, other_member):
    event = lottery_event()
    member_client.post(url("lottery_ask", slug=event.slug), {"friend_email": ""})
    services.request_place(event=event, user=other_member, friend_email=member.email)

    page = member_client.get(event.get_absolute_url())
    assert page.context["button"].state == "asked"
    assert "Olu Other asked to go with you." in page.content.decode()
    mine = LotteryRequest.objects.get(user=member)
    assert mine.public_id in page.content.decode()

    member_client.post(url("lottery_friend", slug=event.slug), {"friend_email": other_member.email})

    page = member_client.get(event.get_absolute_url())
    assert "You and Olu Other are drawn as a pair" in page.content.decode()


def test_go_with_them_names_the_asker_by_their_request_never_by_their_address(member_client, member, other_member):
    event = lottery_event()
    services.request_place(event=event, user=member)
    services.request_place(event=event, user=other_member, friend_email=member.email)
    theirs = LotteryRequest.objects.get(user=other_member)

    page = member_client.get(event.get_absolute_url()).content.decode()
    assert "Go with Olu Other" in page
    assert other_member.email not in page

    member_client.post(url("lottery_friend", slug=event.slug), {"friend_request": theirs.public_id})

    mine = LotteryRequest.objects.get(user=member)
    assert mine.friend == other_member
    assert "You and Olu Other are drawn as a pair" in member_client.get(event.get_absolute_url()).content.decode()


def test_go_with_a_request_that_does_not_name_you_is_refused_and_changes_nothing(member_client, member, other_member):
    event = lottery_event()
    services.request_place(event=event, user=other_member)  # names nobody
    services.request_place(event=event, user=member)
    theirs = LotteryRequest.objects.get(user=other_member)

    response = member_client.post(
        url("lottery_friend", slug=event.slug), {"friend_request": theirs.public_id}, follow=True
    )

    assert messages_of(response) == ["That request does not name you (or was withdrawn): nothing was changed."]
    assert LotteryRequest.objects.get(user=member).friend is None


def test_a_one_sided_naming_says_it_is_drawn_alone(member_client, member, other_member):
    event = lottery_event()
    services.request_place(event=event, user=other_member)
    member_client.post(url("lottery_ask", slug=event.slug), {"friend_email": other_member.email})

    page = member_client.get(event.get_absolute_url()).content.decode()

    assert "You named Olu Other, who has not named you back" in page


def test_withdrawing_from_the_page(member_client, member):
    event = lottery_event()
    services.request_place(event=event, user=member)

    response = member_client.post(url("lottery_withdraw", slug=event.slug), follow=True)

    assert messages_of(response) == ["Your request is withdrawn."]
    assert response.context["button"].state == "ask"


def test_after_the_close_the_page_says_the_draw_is_being_made_then_shows_my_request(member_client, member):
    event = lottery_event(capacity=1)
    services.request_place(event=event, user=member)
    Event.objects.filter(pk=event.pk).update(lottery_closes_at=timezone.now() - timedelta(minutes=1))

    response = member_client.get(event.get_absolute_url())
    assert response.context["button"].state == "drawing"
    assert "The draw is being made" in response.content.decode()

    services.draw(event=Event.objects.get(pk=event.pk))

    response = member_client.get(event.get_absolute_url())
    assert response.context["button"].state == "registered"
    assert LotteryRequest.objects.get(user=member).public_id in response.content.decode()


def test_event_page_of_a_lottery_costs_constant_queries(member_client, member):
    event = lottery_event(capacity=3)
    services.request_place(event=event, user=member)

    assert_constant_queries(lambda: member_client.get(event.get_absolute_url()), asking(event), large=60)


# --- The public draw page and its data ---


def test_draw_page_and_json_before_the_close_show_the_hash_and_count_only(client):
    event = lottery_event()
    asking(event)(3)

    page = client.get(url("draw", slug=event.slug)).content.decode()
    data = client.get(url("draw_json", slug=event.slug)).json()

    assert event.lottery_seed_hash in page
    assert event.lottery_seed not in page
    assert (data["seed"], data["requests"], data["seed_hash"]) == (None, 3, event.lottery_seed_hash)


def test_draw_page_after_the_draw_reveals_the_seed_and_the_result(client):
    event = lottery_event(capacity=2)
    asking(event)(4)
    result = close_and_draw(event)

    page = client.get(url("draw", slug=event.slug))
    data = client.get(url("draw_json", slug=event.slug)).json()

    assert event.lottery_seed in page.content.decode()
    assert [row["unit"]["id"] for row in page.context["rows"]] == [unit.id for unit in result.order]
    assert data["seed"] == event.lottery_seed
    assert data["result"]["order"] == [unit.id for unit in result.order]
    assert data["seats"] == 2


def test_draw_page_of_an_event_not_drawn_by_lot_is_not_found(client):
    assert client.get(url("draw", slug=EventFactory().slug)).status_code == 404


def test_draw_page_and_json_before_the_draw_cost_constant_queries(client):
    event = lottery_event(capacity=2)

    assert_constant_queries(lambda: client.get(url("draw", slug=event.slug)), asking(event), large=40)
    assert_constant_queries(lambda: client.get(url("draw_json", slug=event.slug)), asking(event), large=80)


def test_draw_page_after_the_draw_costs_constant_queries(client):
    small, large = lottery_event(capacity=2), lottery_event(capacity=2)
    asking(small)(3)
    asking(large)(60)
    close_and_draw(small)
    close_and_draw(large)

    counts = []
    for event in (small, large):
        n, response = count_queries(lambda event=event: client.get(url("draw", slug=event.slug)))
        assert response.status_code == 200
        counts.append(n)
    assert counts[0] == counts[1]


# --- The console ---


def test_console_draw_tab_lists_requests_and_pairs(committee_client, member, other_member):
    event = lottery_event()
    services.request_place(event=event, user=member)
    services.request_place(event=event, user=other_member, friend_email=member.email)
    services.set_friend(event=event, user=member, friend_email=other_member.email)

    response = committee_client.get(url("manage_draw", slug=event.slug))

    assert response.context["pairs"] == 1
    assert response.context["can_draw"] is False
    assert "Run the draw" not in response.content.decode()
    assert event.lottery_seed_hash in response.content.decode()
    assert event.lottery_seed not in response.content.decode()


def test_console_runs_the_draw_once_after_a_confirmation(committee_client, committee_member):
    event = lottery_event(capacity=1)
    asking(event)(3)
    Event.objects.filter(pk=event.pk).update(lottery_closes_at=timezone.now() - timedelta(minutes=1))

    confirm = committee_client.get(url("manage_draw_run", slug=event.slug))
    assert "Draw the seats of" in confirm.content.decode()
    assert Registration.objects.filter(event=event).count() == 0

    drawn = committee_client.post(url("manage_draw_run", slug=event.slug), follow=True)
    assert messages_of(drawn) == ["Drawn: 1 seated. Everyone is being emailed."]
    assert event.lottery_seed in drawn.content.decode()
    assert ActionLog.objects.get(event=event, action="drew the lottery").actor == committee_member

    again = committee_client.post(url("manage_draw_run", slug=event.slug), follow=True)
    assert messages_of(again) == ["The draw has already been made: it is made once."]
    assert Registration.objects.filter(event=event).count() == 3


def test_console_draw_tab_costs_constant_queries(committee_client):
    event = lottery_event(capacity=2)

    assert_constant_queries(lambda: committee_client.get(url("manage_draw", slug=event.slug)), asking(event), large=60)


def test_console_draw_tab_is_not_found_for_an_event_not_drawn_by_lot(committee_client):
    assert committee_client.get(url("manage_draw", slug=EventFactory().slug)).status_code == 404


# --- The event form ---


def _form(event, **changes):
    return console_event_data(event, **changes)


def test_turning_the_lottery_on_in_the_console_commits_a_seed(committee_client):
    event = EventFactory(capacity=20, starts_at=timezone.now() + timedelta(days=7))
    closes = timezone.localtime(event.starts_at - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = committee_client.post(
        url("manage_event_edit", slug=event.slug), _form(event, lottery="on", lottery_closes_at=closes)
    )

    event.refresh_from_db()
    assert response.status_code == 302
    assert event.lottery is True
    assert len(event.lottery_seed_hash) == 64


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"lottery_closes_at": ""},
            "lottery_closes_at",
            "Give the time the requests close (the seats are drawn then).",
        ),
        ({"capacity": ""}, "capacity", "A lottery needs a number of seats: give the capacity."),
        (
            {"lottery_closes_at": "after the start"},
            "lottery_closes_at",
            "The requests must close before the event starts.",
        ),
        (
            {"lottery_closes_at": "before opening"},
            "lottery_closes_at",
            "The requests must close after registration opens.",
        ),
    ],
)
def test_lottery_settings_refused_with_a_message_beside_the_field(committee_client, changes, field, message):
    event = EventFactory(
        capacity=20,
        starts_at=(timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0),
        registration_opens_at=(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0),
    )
    times = {
        "after the start": event.starts_at + timedelta(hours=1),
        "before opening": event.registration_opens_at - timedelta(hours=1),
    }
    closes = changes.get("lottery_closes_at", "x")
    if closes in times:
        changes = {**changes, "lottery_closes_at": timezone.localtime(times[closes]).strftime("%Y-%m-%dT%H:%M")}
    data = _form(event, lottery="on", **{"lottery_closes_at": _local(event.starts_at - timedelta(days=1)), **changes})

    response = committee_client.post(url("manage_event_edit", slug=event.slug), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Event.objects.get(pk=event.pk).lottery is False


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_turning_the_lottery_off_once_members_asked_is_refused(committee_client, member):
    event = lottery_event()
    services.request_place(event=event, user=member)

    response = committee_client.post(url("manage_event_edit", slug=event.slug), _form(event, lottery=""))

    assert response.context["form"].errors["lottery"] == [
        "Members have already asked for a place by lot: the lottery cannot be turned off. "
        "Cancel the event instead, or keep the lottery."
    ]
    assert Event.objects.get(pk=event.pk).lottery is True


def test_lottery_settings_cannot_change_once_the_requests_have_closed(committee_client):
    event = lottery_event()
    Event.objects.filter(pk=event.pk).update(lottery_closes_at=timezone.now() - timedelta(minutes=1))
    event.refresh_from_db()

    response = committee_client.post(
        url("manage_event_edit", slug=event.slug),
        _form(event, lottery_closes_at=_local(timezone.now() + timedelta(days=1))),
    )

    assert response.context["form"].errors["lottery"] == [
        "The requests have closed: the lottery's settings can no longer change."
    ]
    assert Event.objects.get(pk=event.pk).lottery_closes_at < timezone.now()
