"""The no-show policy's rules: who gets a strike and when, what it does, contesting and deciding."""

from datetime import UTC, datetime, timedelta

import pytest

from events import services
from events.followups import queue_due_follow_ups
from events.models import ActionLog, CancelledVia, ConsoleSettings, Event, Registration, Strike
from events.selectors import register_button
from events.services import strikes as strike_rules
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db
Status = Registration.Status

START = datetime(2027, 3, 10, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
OPENS = START - timedelta(days=7)


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.CHECK_IN_CLOSES_HOURS = 48
    settings.FOLLOW_UP_DELAY_HOURS = 2
    settings.TIME_ZONE = "Europe/London"
    settings.SITE_URL = "https://society.example.ac.uk"


def final(event: Event) -> datetime:
    return event.ends_at + timedelta(hours=48)


def policy_event(**fields) -> Event:
    defaults = {"starts_at": START, "ends_at": END, "registration_opens_at": OPENS, "title": "GANs"}
    return EventFactory(**{"no_show_policy": True, **defaults, **fields})


def place(event, email, *, created=START - timedelta(days=5), confirmed="same", **fields) -> Registration:
    return RegistrationFactory(
        event=event,
        user=UserFactory(email=email),
        created_at=created,
        confirmed_at=created if confirmed == "same" else confirmed,
        **fields,
    )


def cancelled(event, email, *, hours_before: float, via) -> Registration:
    return place(
        event,
        email,
        status=Status.CANCELLED,
        cancelled_at=START - timedelta(hours=hours_before),
        cancelled_via=via,
    )


def struck_emails() -> set[str]:
    return set(Strike.objects.values_list("user__email", flat=True))


def test_strikes_go_to_no_shows_and_late_cancellers_on_the_site_only():
    event = policy_event()
    place(event, "no-show@uni.ac.uk")
    place(event, "came@uni.ac.uk", checked_in_at=START)
    cancelled(event, "late-on-site@uni.ac.uk", hours_before=2, via=CancelledVia.PAGE)
    cancelled(event, "in-time@uni.ac.uk", hours_before=30, via=CancelledVia.PAGE)
    cancelled(event, "late-by-email@uni.ac.uk", hours_before=2, via=CancelledVia.EMAIL)
    cancelled(event, "late-by-committee@uni.ac.uk", hours_before=1, via=CancelledVia.COMMITTEE)
    place(event, "promoted-late@uni.ac.uk", confirmed=START - timedelta(hours=3))
    place(event, "promoted-early@uni.ac.uk", confirmed=START - timedelta(days=3))
    place(event, "waiting@uni.ac.uk", status=Status.WAITLISTED, confirmed=None)

    assert services.give_strikes(event=event, now=final(event) - timedelta(seconds=1)) == []
    given = services.give_strikes(event=event, now=final(event))

    assert struck_emails() == {"no-show@uni.ac.uk", "late-on-site@uni.ac.uk", "promoted-early@uni.ac.uk"}
    assert {(s.given_at, s.expires_at) for s in given} == {(final(event), final(event) + timedelta(weeks=8))}
    event.refresh_from_db()
    assert event.strikes_given_at == final(event)
    assert services.give_strikes(event=event, now=final(event) + timedelta(hours=1)) == []
    assert Strike.objects.count() == 3


def test_the_cut_off_and_the_late_promotion_come_from_the_settings():
    ConsoleSettings.objects.update_or_create(pk=1, defaults={"no_show_cutoff_hours": 48, "late_promotion_hours": 2})
    event = policy_event()
    cancelled(event, "thirty-hours@uni.ac.uk", hours_before=30, via=CancelledVia.PAGE)
    place(event, "promoted-3h@uni.ac.uk", confirmed=START - timedelta(hours=3))

    services.give_strikes(event=event, now=final(event))

    assert struck_emails() == {"thirty-hours@uni.ac.uk", "promoted-3h@uni.ac.uk"}


def test_no_strikes_without_the_policy_or_at_a_cancelled_event():
    plain = EventFactory(starts_at=START, ends_at=END)
    place(plain, "a@uni.ac.uk")
    called_off = policy_event(status=Event.Status.CANCELLED, slug="called-off")
    place(called_off, "b@uni.ac.uk")

    assert services.give_strikes(event=plain, now=final(plain)) == []
    assert services.give_strikes(event=called_off, now=final(called_off)) == []
    assert services.give_due_strikes(now=final(plain)) == 0
    assert Strike.objects.count() == 0


def test_the_minute_task_strikes_due_events_but_not_those_final_over_a_week_ago():
    due = policy_event()
    place(due, "due@uni.ac.uk")
    old = policy_event(
        slug="old", starts_at=START - timedelta(days=9), ends_at=END - timedelta(days=9), registration_opens_at=None
    )
    place(old, "old@uni.ac.uk")

    assert services.give_due_strikes(now=final(due) - timedelta(seconds=1)) == 0
    assert services.give_due_strikes(now=final(due)) == 1
    assert services.give_due_strikes(now=final(due) + timedelta(minutes=1)) == 0

    assert struck_emails() == {"due@uni.ac.uk"}


def test_a_struck_no_show_gets_the_follow_up_saying_so_once_and_exempt_ones_their_usual_one():
    event = policy_event()
    no_show = place(event, "no-show@uni.ac.uk")
    exempt = place(event, "promoted-late@uni.ac.uk", confirmed=START - timedelta(hours=3))
    came = place(event, "came@uni.ac.uk", checked_in_at=START)
    EmailOptOut.objects.create(user=no_show.user, kind=EmailKind.FOLLOW_UP)

    # The usual follow-up time: the attendee is thanked; the no-shows wait for the strikes.
    queue_due_follow_ups(now=END + timedelta(hours=2))
    assert set(OutboundEmail.objects.values_list("key", flat=True)) == {f"follow-up:{came.pk}"}

    services.give_strikes(event=event, now=final(event))
    queue_due_follow_ups(now=final(event) + timedelta(minutes=1))
    services.give_due_strikes(now=final(event) + timedelta(minutes=2))

    told = rendered(OutboundEmail.objects.get(key=f"follow-up:{no_show.pk}"))
    assert told.kind == EmailKind.STRIKE  # sent although follow-ups are turned off: it tells of a strike
    assert told.subject == "We missed you at GANs"
    assert "this gives you a no-show strike. It counts until Friday 7 May 2027." in " ".join(told.body_text.split())
    assert "opens later for you: 60 minutes later for each strike, 180 minutes at most" in told.body_text
    assert "cancel at least 24 hours before the start" in told.body_text
    assert "https://society.example.ac.uk/events/links/" in told.body_text
    assert "/contest-strike/" in told.body_text
    usual = rendered(OutboundEmail.objects.get(key=f"follow-up:{exempt.pk}"))
    assert usual.kind == EmailKind.FOLLOW_UP
    assert "cancelling from your ticket" in usual.body_text
    assert "strike" not in usual.body_text
    assert OutboundEmail.objects.filter(user=no_show.user).count() == 1


def test_a_late_canceller_is_told_by_a_strike_email():
    event = policy_event()
    late = cancelled(event, "late@uni.ac.uk", hours_before=2, via=CancelledVia.PAGE)

    (strike,) = services.give_strikes(event=event, now=final(event))

    email = rendered(OutboundEmail.objects.get(key=f"strike:{strike.pk}"))
    assert (email.kind, email.to_email, email.subject) == (EmailKind.STRIKE, late.user.email, "A no-show strike: GANs")
    assert "less than 24 hours before it started" in email.body_text
    assert "/contest-strike/" in email.body_text


def test_cancelling_warns_only_when_it_would_give_a_strike():
    event = policy_event()
    seat = place(event, "m@uni.ac.uk")

    assert not services.cancelling_gives_strike(seat, now=START - timedelta(hours=25))
    assert services.cancelling_gives_strike(seat, now=START - timedelta(hours=23))
    seat.event.no_show_policy = False
    assert not services.cancelling_gives_strike(seat, now=START - timedelta(hours=23))


def test_cancel_keeps_how_the_place_was_given_up():
    event = EventFactory()
    seat = RegistrationFactory(event=event)

    services.cancel(registration=seat, via=CancelledVia.EMAIL)

    seat.refresh_from_db()
    assert (seat.status, seat.cancelled_via) == (Status.CANCELLED, CancelledVia.EMAIL)


# --- Registration opens later -----------------------------------------------------


def give(user, n: int, *, at: datetime = OPENS - timedelta(days=1), weeks: int = 8) -> list[Strike]:
    past = EventFactory(starts_at=at - timedelta(days=3), ends_at=at - timedelta(days=3) + timedelta(hours=1))
    return [
        Strike.objects.create(
            user=user,
            registration=RegistrationFactory(event=EventFactory(starts_at=past.starts_at, ends_at=past.ends_at)),
            given_at=at,
            expires_at=at + timedelta(weeks=weeks),
        )
        for _ in range(n)
    ]


def test_registration_opens_later_by_an_hour_a_strike_to_the_second():
    event = policy_event(capacity=10)
    member = UserFactory()
    give(member, 2)
    opens = OPENS + timedelta(hours=2)

    before = register_button(event=event, user=member, confirmed=0, now=opens - timedelta(seconds=1))
    assert (before.state, before.opens_at) == ("not_open_yet", opens)
    with pytest.raises(services.RegistrationError, match="opens for you on Wednesday 3 March 2027, 20:00"):
        services.register(event=event, user=member, now=opens - timedelta(seconds=1))
    assert services.registration_problem(event=event, user=member, now=opens - timedelta(seconds=1))

    assert register_button(event=event, user=member, confirmed=0, now=opens).state == "open"
    registration, created = services.register(event=event, user=member, now=opens)
    assert created
    assert registration.is_confirmed


def test_others_register_at_the_opening_and_the_delay_has_a_ceiling():
    event = policy_event()
    many = UserFactory()
    give(many, 5)

    assert register_button(event=event, user=UserFactory(), confirmed=0, now=OPENS).state == "open"
    assert services.personal_opening(event=event, user=many).opens_at == OPENS + timedelta(minutes=180)


def test_strikes_expired_or_waived_by_the_opening_do_not_delay_it():
    event = policy_event()
    member = UserFactory()
    (expiring,) = give(member, 1, at=OPENS - timedelta(weeks=8))
    (waived,) = give(member, 1)
    services.decide_strike(strike=waived, by=UserFactory(), waive=True, reason="Ill that day")

    assert expiring.expires_at == OPENS
    assert services.personal_opening(event=event, user=member).opens_at == OPENS


def test_lottery_events_and_the_committee_adding_someone_are_not_delayed():
    member = UserFactory()
    give(member, 2)
    lottery = policy_event(lottery=True, lottery_closes_at=START - timedelta(days=1))
    event = policy_event(slug="second")

    assert register_button(event=lottery, user=member, confirmed=0, now=OPENS).state == "ask"  # asking, not delayed
    registration = services.add_registrant(event=event, user=member, by=UserFactory(), now=OPENS)
    assert registration.is_confirmed


# --- Contesting and deciding ------------------------------------------------------


@pytest.fixture
def strike():
    event = policy_event()
    place(event, "no-show@uni.ac.uk")
    (strike,) = services.give_strikes(event=event, now=final(event))
    return strike


def test_a_member_contests_once_and_it_is_logged(strike):
    services.contest_strike(strike=strike, reason="I came, the scanner was down.", now=strike.given_at)

    strike.refresh_from_db()
    assert (strike.contested_at, strike.contest_reason) == (strike.given_at, "I came, the scanner was down.")
    entry = ActionLog.objects.get(action="contested strike")
    assert (entry.member, entry.event_id) == (strike.user, strike.registration.event_id)
    with pytest.raises(services.RegistrationError, match="already contested"):
        services.contest_strike(strike=strike, reason="Again")
    assert Strike.objects.get(pk=strike.pk).contest_reason == "I came, the scanner was down."


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "Say why you think this strike is wrong."), ("x" * 1001, "Keep it under 1000 characters.")],
)
def test_contesting_needs_a_reason_of_a_sensible_length(strike, reason, message):
    with pytest.raises(services.RegistrationError, match=message):
        services.contest_strike(strike=strike, reason=reason, now=strike.given_at)

    assert Strike.objects.get(pk=strike.pk).contested_at is None


def test_an_expired_strike_cannot_be_contested(strike):
    with pytest.raises(services.RegistrationError, match="expired"):
        services.contest_strike(strike=strike, reason="Late", now=strike.expires_at)

    assert Strike.objects.get(pk=strike.pk).contested_at is None
    assert not Strike.objects.active(strike.expires_at).exists()
    assert Strike.objects.active(strike.expires_at - timedelta(seconds=1)).get() == strike


def test_waiving_stops_the_strike_counting_is_logged_and_emailed_once(strike):
    committee = UserFactory(committee=True)

    services.decide_strike(strike=strike, by=committee, waive=True, reason="The scanner was down.")

    strike.refresh_from_db()
    assert (strike.decision, strike.decision_reason) == ("waived", "The scanner was down.")
    assert strike.decided_by == committee
    assert not Strike.objects.active(strike.given_at).exists()
    entry = ActionLog.objects.get(action="waived strike")
    assert (entry.actor, entry.member, entry.detail) == (committee, strike.user, "The scanner was down.")
    email = rendered(OutboundEmail.objects.get(key=f"strike-decided:{strike.pk}"))
    assert email.subject == "Your no-show strike is waived: GANs"
    assert "Their reason: The scanner was down." in email.body_text
    with pytest.raises(services.RegistrationError, match="already decided"):
        services.decide_strike(strike=strike, by=committee, waive=False)
    assert OutboundEmail.objects.filter(key__startswith="strike-decided:").count() == 1
    assert ActionLog.objects.filter(action__in=["waived strike", "kept strike"]).count() == 1


def test_keeping_needs_no_reason_and_the_strike_still_counts(strike):
    services.contest_strike(strike=strike, reason="Train strike", now=strike.given_at)

    services.decide_strike(strike=strike, by=UserFactory(committee=True), waive=False)

    assert Strike.objects.active(strike.given_at).get().decision == "kept"
    assert ActionLog.objects.get(action="kept strike").member == strike.user
    email = rendered(OutboundEmail.objects.get(key=f"strike-decided:{strike.pk}"))
    assert email.subject == "Your no-show strike is kept: GANs"
    assert not Strike.objects.contested().exists()


def test_waiving_without_a_reason_is_refused_and_changes_nothing(strike):
    with pytest.raises(services.RegistrationError, match="Give the reason"):
        services.decide_strike(strike=strike, by=UserFactory(committee=True), waive=True, reason=" ")

    assert Strike.objects.get(pk=strike.pk).decided_at is None
    assert not OutboundEmail.objects.filter(key__startswith="strike-decided:").exists()


def test_a_forged_or_foreign_token_names_no_strike(strike):
    token = strike_rules.contest_token(strike)

    assert strike_rules.read_contest_token(token) == strike.pk
    assert strike_rules.read_contest_token(token[:-2] + "xx") is None
    assert strike_rules.read_contest_token("") is None


def test_an_edit_drawn_before_the_strikes_were_given_does_not_undo_them():
    event = policy_event()
    place(event, "no-show@uni.ac.uk")
    drawn = Event.objects.get(pk=event.pk)
    services.give_strikes(event=event, now=final(event))

    drawn.summary = "Slides are online."
    services.update_event(event=drawn, changed=["summary"], by=UserFactory(committee=True), tell_registrants=False)

    assert Event.objects.get(pk=event.pk).strikes_given_at == final(event)


def test_a_no_show_whose_follow_up_went_before_the_policy_was_on_gets_a_strike_email():
    event = policy_event(no_show_policy=False)
    no_show = place(event, "no-show@uni.ac.uk")
    queue_due_follow_ups(now=END + timedelta(hours=2))
    Event.objects.filter(pk=event.pk).update(no_show_policy=True)

    (strike,) = services.give_strikes(event=event, now=final(event))

    email = rendered(OutboundEmail.objects.get(key=f"strike:{strike.pk}"))
    assert email.to_email == no_show.user.email
    assert "You held a seat at GANs on Wednesday 10 March, and were not checked in." in email.body_text
    assert OutboundEmail.objects.filter(user=no_show.user).count() == 2
