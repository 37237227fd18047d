"""Registration by lot (events.services.lottery): requests, friends, the draw, its
emails and published data, and every refusal (clear message, nothing changed)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events import lottery_draw, services
from events.models import ActionLog, Event, LotteryRequest, Registration, Strike
from society.models import EmailKind, OutboundEmail
from tests.events.lottery_helpers import after_close, lottery_event, rerun_in_plain_python
from tests.factories import EventFactory, MembershipFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db
Status = Registration.Status


def ask(event, user, friend=None, **kwargs):
    return services.request_place(event=event, user=user, friend_email=friend.email if friend else "", **kwargs)


def state_of(event):
    """Everything a refusal must leave as it was."""
    return (
        list(LotteryRequest.objects.filter(event=event).values_list("user_id", "friend_id", "withdrawn_at")),
        list(Registration.objects.filter(event=event).values_list("user_id", "status")),
        OutboundEmail.objects.count(),
        Event.objects.get(pk=event.pk).drawn_at,
    )


def refused(action, event, message):
    before = state_of(event)
    with pytest.raises(services.RegistrationError) as error:
        action()
    assert str(error.value) == message
    assert state_of(event) == before


# --- The seed ---


def test_turning_the_lottery_on_commits_a_seed_by_its_hash():
    event = lottery_event()

    assert len(event.lottery_seed) == 64
    assert event.lottery_seed_hash == lottery_draw.seed_hash(event.lottery_seed)


def test_the_seed_is_refused_before_the_close_and_revealed_after_the_draw():
    event = lottery_event()

    refused(
        lambda: services.revealed_seed(event=event),
        event,
        "The seed is revealed once the requests have closed and the draw is done; until then only its hash is public.",
    )
    refused(
        lambda: services.revealed_seed(event=event, now=after_close(event)),
        event,
        "The seed is revealed once the requests have closed and the draw is done; until then only its hash is public.",
    )
    services.draw(event=event, now=after_close(event))
    event.refresh_from_db()
    assert services.revealed_seed(event=event, now=after_close(event)) == event.lottery_seed


# --- Requests ---


def test_a_member_asks_once_and_registering_is_refused_while_places_are_drawn(member):
    event = lottery_event()

    request = ask(event, member)

    assert (request.user, request.friend, request.withdrawn_at) == (member, None, None)
    refused(lambda: ask(event, member), event, "You have already asked for a place at this event.")
    closes = event.lottery_closes_at
    with pytest.raises(services.RegistrationError, match="drawn by lot: ask for one before"):
        services.register(event=event, user=member)
    with pytest.raises(services.RegistrationError, match="the draw is being made"):
        services.register(event=event, user=member, now=closes + timedelta(seconds=1))


def test_request_refused_when_already_registered(member):
    event = lottery_event()
    RegistrationFactory(event=event, user=member)

    refused(lambda: ask(event, member), event, "You are already registered for this event.")


def test_request_refused_after_the_window_and_before_it_opens(member):
    event = lottery_event()

    refused(
        lambda: ask(event, member, now=after_close(event)),
        event,
        "The requests have closed: the places have been or are being drawn.",
    )
    with pytest.raises(services.RegistrationError, match="Requests for this event open on"):
        ask(event, member, now=event.registration_opens_at - timedelta(minutes=1))
    assert not LotteryRequest.objects.exists()


def test_request_refused_for_a_non_member_at_a_members_only_event(member):
    event = lottery_event(members_only=True)

    refused(
        lambda: ask(event, member),
        event,
        "This event is for members of the society only: join the society, then ask for a place.",
    )
    paid_up = MembershipFactory().user
    assert ask(event, paid_up).user == paid_up


def test_request_refused_at_an_event_not_drawn_by_lot(member):
    event = EventFactory(capacity=3)

    refused(lambda: ask(event, member), event, "This event's places are not drawn by lot: register instead.")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        # The same words with or without an account: nothing is learnt of who has one.
        (
            "no_account",
            "Nobody with the email nobody@uni.ac.uk has asked for a place yet: they ask first, then you name them "
            "(or they name you).",
        ),
        (
            "did_not_ask",
            "Nobody with the email other@uni.ac.uk has asked for a place yet: they ask first, then you name them "
            "(or they name you).",
        ),
        ("asked_for_someone_else", "other@uni.ac.uk asked to go with someone else: you cannot be their pair."),
        ("yourself", "You cannot name yourself as your friend."),
    ],
)
def test_request_naming_a_bad_friend_is_refused(member, other_member, case, message):
    event = lottery_event()
    if case == "asked_for_someone_else":
        third = UserFactory()
        ask(event, third)
        ask(event, other_member, friend=third)
    email = {"no_account": "nobody@uni.ac.uk", "yourself": member.email}.get(case, other_member.email)

    refused(lambda: services.request_place(event=event, user=member, friend_email=email), event, message)


def test_a_pair_forms_when_the_first_asker_names_the_second_back(member, other_member):
    event = lottery_event()
    ask(event, member)
    ask(event, other_member, friend=member)

    seen_by_member = services.my_request(event=event, user=member)
    assert [u.pk for u in seen_by_member.asked_by] == [other_member.pk]
    assert not seen_by_member.paired

    services.set_friend(event=event, user=member, friend_email=other_member.email)

    seen_by_member = services.my_request(event=event, user=member)
    assert (seen_by_member.paired, seen_by_member.asked_by) == (True, [])
    assert services.my_request(event=event, user=other_member).paired


def test_withdrawn_request_can_be_made_again(member):
    event = lottery_event()
    ask(event, member)

    services.withdraw_request(event=event, user=member)
    refused(
        lambda: services.withdraw_request(event=event, user=member),
        event,
        "You have not asked for a place at this event.",
    )
    assert ask(event, member).withdrawn_at is None
    assert LotteryRequest.objects.filter(event=event, user=member).count() == 2


# --- The draw ---


def test_the_draw_seats_winners_waitlists_the_rest_in_drawn_order_and_tells_everyone():
    event = lottery_event(capacity=2)
    people = UserFactory.create_batch(5)
    for person in people:
        ask(event, person)
    when = after_close(event)

    result = services.draw(event=event, now=when)

    requests = {r.user_id: r for r in LotteryRequest.objects.filter(event=event).select_related("registration")}
    seated = [r for r in requests.values() if r.seated]
    assert len(seated) == 2
    assert all(r.registration.status == Status.CONFIRMED for r in seated)
    waiting = sorted((r for r in requests.values() if not r.seated), key=lambda r: r.position)
    assert [services.waitlist_position(r.registration) for r in waiting] == [1, 2, 3]
    assert [r.public_id for r in waiting] == [unit.id for unit in result.waiting]
    assert all(r.weight == Decimal("1.000") for r in requests.values())
    emails = rendered(OutboundEmail.objects.filter(key__startswith="lottery:").order_by("key"))
    assert {e.key for e in emails} == {f"lottery:{r.pk}" for r in requests.values()}
    assert {e.kind for e in emails} == {EmailKind.LOTTERY}
    by_key = {e.key: e for e in emails}
    first_waiting = by_key[f"lottery:{waiting[0].pk}"]
    assert "(waiting list, number 1)" in first_waiting.subject
    assert "you are number 1 on the waiting list" in first_waiting.body_text
    winner = by_key[f"lottery:{seated[0].pk}"]
    assert winner.subject.startswith("The draw: you have a seat at")
    assert seated[0].registration.get_absolute_url() in winner.body_text
    assert ActionLog.objects.filter(event=event, action="drew the lottery").count() == 1


def test_registering_after_the_draw_comes_behind_the_drawn_waiting_list(member):
    event = lottery_event(capacity=1)
    for person in UserFactory.create_batch(3):
        ask(event, person)
    when = after_close(event)
    services.draw(event=event, now=when)

    registration, _ = services.register(event=event, user=member, now=when + timedelta(minutes=1))

    assert registration.status == Status.WAITLISTED
    assert services.waitlist_position(registration) == 3


def test_without_a_waiting_list_the_others_are_told_they_got_no_place():
    event = lottery_event(capacity=1, waitlist_enabled=False)
    for person in UserFactory.create_batch(3):
        ask(event, person)

    services.draw(event=event, now=after_close(event))

    losers = LotteryRequest.objects.filter(event=event, seated=False)
    assert [r.registration for r in losers] == [None, None]
    emails = rendered(OutboundEmail.objects.filter(key__in=[f"lottery:{r.pk}" for r in losers]))
    assert all(e.subject.startswith("The draw: no place at") for e in emails)


def test_friends_are_both_seated_or_both_waiting_over_many_seeds():
    outcomes = set()
    for _ in range(12):
        event = lottery_event(capacity=3)
        a, b, *others = UserFactory.create_batch(5)
        ask(event, a)
        ask(event, b, friend=a)
        services.set_friend(event=event, user=a, friend_email=b.email)
        for person in others:
            ask(event, person)

        services.draw(event=event, now=after_close(event))

        pair = LotteryRequest.objects.filter(event=event, user__in=[a, b])
        assert len({(r.seated, r.position) for r in pair}) == 1
        outcomes.add(pair[0].seated)
        assert Registration.objects.confirmed().filter(event=event).count() <= 3
    assert outcomes == {True, False}


def test_a_one_sided_naming_is_drawn_alone(member, other_member):
    event = lottery_event(capacity=1)
    ask(event, other_member)
    ask(event, member, friend=other_member)

    result = services.draw(event=event, now=after_close(event))

    assert sorted(unit.people for unit in result.order) == [1, 1]


def test_weights_count_lost_draws_this_term_up_to_three_and_strikes_at_the_close(member, other_member):
    when = timezone.now()
    for n in range(4):  # four lost draws earlier this term count as three
        earlier = lottery_event(capacity=1, title=f"Earlier {n}")
        ask(earlier, member)
        ask(earlier, UserFactory())
        LotteryRequest.objects.filter(event=earlier).update(seated=False)
        Event.objects.filter(pk=earlier.pk).update(drawn_at=when - timedelta(days=1))
    struck = RegistrationFactory(user=other_member, event=EventFactory(starts_at=when - timedelta(days=3)))
    Strike.objects.create(
        user=other_member, registration=struck, given_at=when - timedelta(days=2), expires_at=when + timedelta(days=50)
    )
    event = lottery_event(capacity=5)
    ask(event, member)
    ask(event, other_member)

    services.draw(event=event, now=after_close(event))

    weights = dict(LotteryRequest.objects.filter(event=event).values_list("user_id", "weight"))
    assert weights == {member.pk: Decimal("4.000"), other_member.pk: Decimal("0.500")}


def test_a_pair_is_drawn_with_the_lower_weight(member, other_member):
    when = timezone.now()
    struck = RegistrationFactory(user=other_member, event=EventFactory(starts_at=when - timedelta(days=3)))
    Strike.objects.create(
        user=other_member, registration=struck, given_at=when - timedelta(days=2), expires_at=when + timedelta(days=50)
    )
    event = lottery_event(capacity=5)
    ask(event, member)
    ask(event, other_member, friend=member)
    services.set_friend(event=event, user=member, friend_email=other_member.email)

    result = services.draw(event=event, now=after_close(event))

    assert [(unit.people, unit.weight) for unit in result.order] == [(2, Decimal("0.500"))]


def test_the_draw_is_refused_before_the_close_twice_and_when_cancelled(member):
    event = lottery_event()
    ask(event, member)
    closes = event.lottery_closes_at

    refused(lambda: services.draw(event=event), event, _closes_message(event))
    services.draw(event=event, now=closes)
    refused(lambda: services.draw(event=event, now=closes), event, "The draw has already been made: it is made once.")

    cancelled = lottery_event()
    Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)
    refused(
        lambda: services.draw(event=cancelled, now=after_close(cancelled)),
        cancelled,
        "This event has been cancelled: there is nothing to draw.",
    )


def _closes_message(event):
    from society import formats

    return (
        f"The requests close on {formats.when(event.lottery_closes_at, 'long_datetime')}: the draw is made after that."
    )


def test_draw_due_lotteries_draws_each_due_event_once():
    due = lottery_event()
    later = lottery_event(closes_in=timedelta(days=3))
    ask(due, UserFactory())
    ask(later, UserFactory())
    when = after_close(due)

    assert services.draw_due_lotteries(now=when) == 1
    assert services.draw_due_lotteries(now=when) == 0
    assert Event.objects.get(pk=due.pk).drawn_at == when
    assert Event.objects.get(pk=later.pk).drawn_at is None


def test_requests_after_the_draw_are_refused_and_none_is_lost(member):
    event = lottery_event()
    ask(event, UserFactory())
    services.draw(event=event, now=after_close(event))

    # A request stamped before the close but arriving after the draw is refused.
    refused(
        lambda: ask(event, member, now=event.lottery_closes_at - timedelta(seconds=1)),
        event,
        "The requests have closed: the places have been or are being drawn.",
    )


# --- Published data ---


def test_published_data_before_the_close_has_the_hash_and_count_only(member):
    event = lottery_event()
    ask(event, member)

    data = services.published_draw(event=event)

    assert data["seed"] is None
    assert (data["seed_hash"], data["requests"]) == (event.lottery_seed_hash, 1)
    assert "units" not in data
    assert "result" not in data
    assert event.lottery_seed not in json.dumps(data)


def test_the_draw_is_reproduced_from_the_published_json_alone(tmp_path):
    event = lottery_event(capacity=3)
    people = UserFactory.create_batch(7)
    for person in people:
        ask(event, person)
    ask_pair = people[:2]
    services.withdraw_request(event=event, user=ask_pair[0])
    ask(event, ask_pair[0], friend=ask_pair[1])
    services.set_friend(event=event, user=ask_pair[1], friend_email=ask_pair[0].email)
    Strike.objects.create(
        user=people[3],
        registration=RegistrationFactory(user=people[3], event=EventFactory()),
        given_at=timezone.now() - timedelta(days=1),
        expires_at=timezone.now() + timedelta(days=30),
    )
    when = after_close(event)
    services.draw(event=event, now=when)
    event.refresh_from_db()
    data = services.published_draw(event=event, now=when)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(data))

    run = rerun_in_plain_python(path)

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "Matches the published result."
    assert data["seats"] == 3
    assert "0.500" in {unit["weight"] for unit in data["units"]}
    assert any("+" in unit["id"] for unit in data["units"])
    seated_people = {r.public_id for r in LotteryRequest.objects.filter(event=event, seated=True)}
    seated_ids = {part for unit in data["result"]["seated"] for part in unit.split("+")}
    assert seated_ids == seated_people


def test_the_result_email_is_in_the_members_language():
    event = lottery_event(capacity=1, waitlist_enabled=True, title_zh="抽签工作坊")
    reader = UserFactory(name="李雷", language="zh-hans")
    ask(event, reader)
    ask(event, UserFactory())
    services.draw(event=event, now=after_close(event))

    request = LotteryRequest.objects.get(user=reader)
    email = rendered(OutboundEmail.objects.get(key=f"lottery:{request.pk}"))

    assert email.subject in {"抽签结果：你抽中了 抽签工作坊 的座位", "抽签结果：抽签工作坊（候补名单第 1 位）"}
    assert request.public_id in email.body_text


def test_requests_are_refused_at_a_cancelled_event_and_after_the_close_nothing_changes(member):
    event = lottery_event()
    ask(event, member)

    refused(
        lambda: services.withdraw_request(event=event, user=member, now=after_close(event)),
        event,
        "The requests have closed: the places have been or are being drawn.",
    )
    refused(
        lambda: services.set_friend(event=event, user=member, friend_email="", now=after_close(event)),
        event,
        "The requests have closed: the places have been or are being drawn.",
    )
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    refused(lambda: ask(event, UserFactory()), event, "This event has been cancelled.")


def test_the_draw_costs_the_same_queries_for_few_requests_as_for_many():
    """The draw holds the event's lock: its statements do not grow with the requests
    (one INSERT of the places, one upsert of the outcomes, one batch of emails)."""

    def queries_of_a_draw(requests: int) -> int:
        event = lottery_event(capacity=3)
        for person in UserFactory.create_batch(requests):
            services.request_place(event=event, user=person)
        count, _ = count_queries(lambda: services.draw(event=event, now=after_close(event)))
        assert Registration.objects.filter(event=event).count() == requests
        return count

    assert queries_of_a_draw(4) == queries_of_a_draw(40)


def test_friends_on_the_waiting_list_take_freed_seats_together():
    """One seat, a pair drawn first and two singles: the pair does not fit, so the first
    single is seated and the pair waits ahead of the other single. A freed seat then goes to
    that single (the pair keeps its place); two free seats go to the pair together."""
    event = lottery_event(capacity=1)
    a, b, first, last = UserFactory.create_batch(4)
    for person in (a, b, first, last):
        ask(event, person)
    services.set_friend(event=event, user=a, friend_email=b.email)
    services.set_friend(event=event, user=b, friend_email=a.email)
    requests = list(LotteryRequest.objects.filter(event=event).order_by("id"))
    for request in requests:
        request.weight = Decimal(1)
    drawn = services.lottery.units_of(requests)
    people = {unit.id: [request.user for request in members] for unit, members in drawn}
    # A seed (the test's, chosen before the draw) that draws the pair, `first`, then `last`.
    seeds = (f"{n:064x}" for n in range(10_000))
    seed = next(
        seed
        for seed in seeds
        if [people[unit.id] for unit in lottery_draw.drawn_order(seed, [unit for unit, _ in drawn])]
        == [[a, b], [first], [last]]
    )
    Event.objects.filter(pk=event.pk).update(lottery_seed=seed, lottery_seed_hash=lottery_draw.seed_hash(seed))
    services.draw(event=Event.objects.get(pk=event.pk), now=after_close(event))
    assert list(Registration.objects.confirmed().filter(event=event).values_list("user", flat=True)) == [first.pk]
    assert [r.user for r in Registration.objects.waitlisted().filter(event=event)] == [a, b, last]

    freed = services.cancel(registration=Registration.objects.get(event=event, user=first), now=after_close(event))

    assert [r.user for r in freed] == [last]
    promoted = services.change_capacity(event=event, capacity=3)
    assert {r.user for r in promoted} == {a, b}


def test_creating_or_editing_an_event_refuses_lottery_settings_it_cannot_have_through_any_road():
    """The rule is the service's, not only the console form's: the admin and commands save
    through the same functions."""
    now = timezone.now()
    event = EventFactory.build(
        capacity=None, lottery=True, lottery_closes_at=now + timedelta(days=1), status=Event.Status.DRAFT
    )
    with pytest.raises(services.RegistrationError, match="A lottery needs a number of seats"):
        services.create_event(event=event, by=UserFactory())
    assert not Event.objects.filter(lottery=True).exists()

    saved = lottery_event()
    saved.lottery_closes_at = saved.starts_at + timedelta(hours=1)
    with pytest.raises(services.RegistrationError, match="The requests must close before the event starts"):
        services.update_event(event=saved, changed=["lottery_closes_at"], by=UserFactory(), tell_registrants=False)
    assert Event.objects.get(pk=saved.pk).lottery_closes_at < saved.starts_at
