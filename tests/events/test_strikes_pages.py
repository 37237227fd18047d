"""The no-show policy's pages: what members see (event page, cancelling, /me/, the contest
link) and the committee's (strikes, deciding, settings, the event form and console)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import links, services
from events.models import ActionLog, CancelledVia, ConsoleSettings, Registration, Strike
from events.services import strikes as strike_rules
from society import formats
from tests.event_forms import console_event_data
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def give(user, *, given=None, weeks: int = 8, **fields) -> Strike:
    given = given or timezone.now() - timedelta(days=1)
    registration = RegistrationFactory(user=user, event=EventFactory(no_show_policy=True, title="Transformers"))
    return Strike.objects.create(
        user=user, registration=registration, given_at=given, expires_at=given + timedelta(weeks=weeks), **fields
    )


# --- Members ------------------------------------------------------------------------------


def test_the_event_page_says_why_and_until_when_registration_opens_later(member_client, member):
    opens = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    event = EventFactory(no_show_policy=True, registration_opens_at=opens, starts_at=opens + timedelta(days=4))
    give(member)
    last = give(member, weeks=9)

    page = text_of(member_client.get(event.get_absolute_url()))

    mine = formats.when(opens + timedelta(hours=2), "day_time")
    assert 'data-state="not_open_yet"' in page
    assert f"Registration opens on {mine}" in page
    assert (
        f"You hold 2 no-show strikes, so registration for this event opens for you on {mine}, 2 hours after "
        f"everyone else. The last of your strikes expires on {formats.when(last.expires_at, 'long_day')}."
    ) in page
    assert "cancel at least 24 hours before the start" in page


def test_everyone_sees_the_policy_and_nobody_without_strikes_sees_a_delay(client, member_client):
    event = EventFactory(no_show_policy=True, registration_opens_at=timezone.now() - timedelta(hours=1))

    for visitor in (client, member_client):
        page = text_of(visitor.get(event.get_absolute_url()))
        assert "This event uses the no-show policy: if you can't come, cancel at least 24 hours" in page
        assert "You hold" not in page
    assert "no-show policy" not in text_of(client.get(EventFactory().get_absolute_url()))


def test_cancelling_late_warns_of_the_strike_and_keeps_how_it_was_cancelled(member_client, member):
    soon = EventFactory(no_show_policy=True, starts_at=timezone.now() + timedelta(hours=3))
    later = EventFactory(no_show_policy=True, starts_at=timezone.now() + timedelta(days=3))
    late_seat = RegistrationFactory(event=soon, user=member)
    seat = RegistrationFactory(event=later, user=member)
    warning = "cancelling now gives you a no-show strike"

    assert warning in text_of(member_client.get(url("cancel", token=late_seat.token)))
    assert warning not in text_of(member_client.get(url("cancel", token=seat.token)))
    member_client.post(url("cancel", token=late_seat.token))

    late_seat.refresh_from_db()
    assert (late_seat.status, late_seat.cancelled_via) == ("cancelled", CancelledVia.PAGE)


def test_i_cant_come_and_the_committee_cancel_without_a_strike(client, committee_client):
    by_email, by_committee = RegistrationFactory(), RegistrationFactory()

    client.post(url("cant_come", token=links.registration_token(by_email, links.CANT_COME)))
    committee_client.post(
        url("manage_cancel_registration", slug=by_committee.event.slug, token=by_committee.token),
        {"seen": by_committee.state_stamp},
    )

    assert Registration.objects.get(pk=by_email.pk).cancelled_via == CancelledVia.EMAIL
    assert Registration.objects.get(pk=by_committee.pk).cancelled_via == CancelledVia.COMMITTEE


def test_me_shows_the_strikes_card_and_my_strikes_lists_them(member_client, member):
    assert "No-show strikes" not in text_of(member_client.get(reverse("members:me")))
    strike = give(member)
    give(member, contested_at=timezone.now(), contest_reason="Ill")

    me = text_of(member_client.get(reverse("members:me")))
    mine = text_of(member_client.get(url("my_strikes")))

    assert "You hold 2 no-show strikes" in me
    assert "opens 120 minutes later for you" in me
    assert mine.count("Transformers") == 2
    assert "Contested: waiting for the committee." in mine
    assert f"counts until {formats.when(strike.expires_at, 'date')}" in mine


# --- Contesting from the email's link --------------------------------------------------------


def test_contesting_from_the_link_needs_no_login_and_happens_once(client, member):
    strike = give(member)
    link = url("contest_strike", token=strike_rules.contest_token(strike))

    assert "Why is this strike wrong?" in text_of(client.get(link))
    empty = client.post(link, {"reason": "  "})
    assert empty.status_code == 400
    assert empty.context["form"].errors["reason"] == ["Say why you think this strike is wrong."]
    too_long = client.post(link, {"reason": "x" * 1001})
    assert too_long.status_code == 400
    assert Strike.objects.get(pk=strike.pk).contested_at is None

    done = client.post(link, {"reason": "I came; the scanner was down."}, follow=True)

    assert messages_of(done) == ["Thank you: the committee will decide and email you."]
    assert "You have contested this strike" in text_of(done)
    again = client.post(link, {"reason": "Again"}, follow=True)
    assert messages_of(again) == ["You have already contested this strike: the committee will decide and email you."]
    assert Strike.objects.get(pk=strike.pk).contest_reason == "I came; the scanner was down."
    assert ActionLog.objects.filter(action="contested strike").count() == 1


def test_a_forged_token_or_an_expired_strike_changes_nothing(client, member):
    expired = give(member, given=timezone.now() - timedelta(weeks=9))
    token = strike_rules.contest_token(expired)

    assert client.post(url("contest_strike", token=token[:-3] + "abc"), {"reason": "Hi"}).status_code == 404
    assert client.post(url("contest_strike", token="nothing"), {"reason": "Hi"}).status_code == 404
    page = client.post(url("contest_strike", token=token), {"reason": "Hi"}, follow=True)
    assert messages_of(page) == ["This strike has expired: there is nothing to contest."]
    assert Strike.objects.get(pk=expired.pk).contested_at is None


# --- The committee --------------------------------------------------------------------------


def test_the_strikes_list_shows_contested_ones_first_in_constant_queries(committee_client):
    counting = give(UserFactory(name="Counting Carla"))
    contested = give(UserFactory(name="Contesting Cai"), contested_at=timezone.now(), contest_reason="Ill")
    give(UserFactory(name="Expired Eve"), given=timezone.now() - timedelta(weeks=9))

    page = text_of(committee_client.get(url("manage_strikes")))

    assert page.index(contested.user.name) < page.index(counting.user.name)
    assert "Expired Eve" not in page

    def add_strikes(n):
        for _ in range(n):
            give(UserFactory(), contested_at=timezone.now(), contest_reason="Ill")

    assert_constant_queries(lambda: committee_client.get(url("manage_strikes")), add_strikes, small=3, large=30)


def test_the_committee_waives_with_a_reason_once(committee_client, committee_member):
    strike = give(UserFactory(name="Sam"), contested_at=timezone.now(), contest_reason="The scanner was down.")
    page = url("manage_strike", strike_id=strike.pk)

    assert "The scanner was down." in text_of(committee_client.get(page))
    no_reason = committee_client.post(page, {"decision": "waive", "reason": " "})
    assert no_reason.status_code == 400
    assert no_reason.context["form"].errors["reason"] == [
        "Give the reason for waiving the strike: the member is told it."
    ]
    nonsense = committee_client.post(page, {"decision": "forget", "reason": "x"})
    assert nonsense.status_code == 400
    assert Strike.objects.get(pk=strike.pk).decided_at is None

    done = committee_client.post(page, {"decision": "waive", "reason": "Scanner log shows her."}, follow=True)

    assert messages_of(done) == ["The strike is waived; Sam is told by email."]
    strike.refresh_from_db()
    assert (strike.decision, strike.decision_reason, strike.decided_by) == (
        "waived",
        "Scanner log shows her.",
        committee_member,
    )
    twice = committee_client.post(page, {"decision": "keep", "reason": ""}, follow=True)
    assert messages_of(twice) == ["This strike was already decided (waived): nothing was changed."]
    assert Strike.objects.get(pk=strike.pk).decision == "waived"


def test_settings_keep_the_policy_within_bounds(committee_client):
    good = {
        "no_show-no_show_cutoff_hours": "12",
        "no_show-late_promotion_hours": "6",
        "no_show-strike_weeks": "4",
        "no_show-strike_delay_minutes": "30",
        "no_show-strike_delay_max_minutes": "90",
        "no_show_rules": "1",
    }
    page = text_of(committee_client.get(url("manage_settings")))
    assert "Strikes are given when check-in closes, 48 hours after the event ends" in page

    for name, value in [
        ("strike_weeks", "0"),
        ("no_show_cutoff_hours", "10000"),
        ("strike_delay_minutes", "-5"),
        ("strike_delay_max_minutes", "10"),
        ("late_promotion_hours", "soon"),
    ]:
        response = committee_client.post(url("manage_settings"), {**good, f"no_show-{name}": value})
        assert response.context["rules_form"].errors[name], name
        assert ConsoleSettings.load().strike_weeks == 8

    saved = committee_client.post(url("manage_settings"), good, follow=True)

    assert messages_of(saved) == ["The no-show policy is saved."]
    rules = ConsoleSettings.load()
    assert (rules.no_show_cutoff_hours, rules.late_promotion_hours, rules.strike_weeks) == (12, 6, 4)
    assert (rules.strike_delay_minutes, rules.strike_delay_max_minutes) == (30, 90)
    assert ActionLog.objects.filter(action="changed no-show policy").count() == 1


def test_the_event_form_turns_the_policy_on_only_with_an_opening(committee_client):
    event = EventFactory(registration_opens_at=None)
    edit = url("manage_event_edit", slug=event.slug)

    refused = committee_client.post(edit, console_event_data(event, no_show_policy="on"))

    assert refused.context["form"].errors["registration_opens_at"] == [
        "With no-show strikes on, give the time registration opens: strikes make it open later."
    ]
    opens = timezone.localtime(event.starts_at - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    committee_client.post(edit, console_event_data(event, no_show_policy="on", registration_opens_at=opens))
    event.refresh_from_db()
    assert event.no_show_policy


def test_the_event_console_says_whether_the_policy_is_on_and_how_many_strikes(committee_client):
    plain = EventFactory()
    event = EventFactory(no_show_policy=True, starts_at=timezone.now() - timedelta(days=3))
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)

    assert "No-show strikes: off." in text_of(committee_client.get(url("manage_event", slug=plain.slug)))
    assert "They are given when check-in closes" in text_of(committee_client.get(url("manage_event", slug=event.slug)))
    services.give_strikes(event=event, now=timezone.now())
    assert "2 strikes were given" in text_of(committee_client.get(url("manage_event", slug=event.slug)))
