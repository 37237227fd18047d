"""Self check-in cannot be guessed from home: wrong codes are counted per member and
event (five, then a pause), the previous minute's code works only for half a minute,
and the projector's QR code carries a signed link that lasts five minutes, not the code.
The link's page only asks; its POST checks in through the same service as the code."""

import re
import threading
import time
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import ActionLog, Event, Registration, SelfCheckInAttempts
from events.views.tickets import qr_code_svg
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.society.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# A workshop from 19:00 to 21:00, London time; check-in is open throughout.
STARTS = datetime(2026, 10, 7, 19, 0, tzinfo=LONDON)


def at(minute: int, second: int = 0) -> datetime:
    """A moment of the workshop: `minute` minutes and `second` seconds past 19:00."""
    return STARTS + timedelta(minutes=minute, seconds=second)


@pytest.fixture
def registration(member) -> Registration:
    event = EventFactory(title="Transformers from scratch", starts_at=STARTS)
    return RegistrationFactory(event=event, user=member)


def wrong_code(event: Event, now: datetime) -> str:
    """A six-digit code that is neither this minute's nor the previous minute's."""
    right = {services.self_check_in_code(event=event, now=now, windows_back=n) for n in (0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(1000, 1010)) if code not in right)


def type_code(registration: Registration, code: str, now: datetime) -> str | None:
    """What the member is told when typing `code` at `now` (None: checked in)."""
    try:
        services.self_check_in(event=registration.event, user=registration.user, code=code, now=now)
    except services.RegistrationError as error:
        return str(error)
    return None


WRONG = "That code is not the one on the screen (codes change every minute)."


# --- Five wrong codes, then a pause ---------------------------------------------------


def test_five_wrong_codes_pause_self_check_in_with_a_message_and_record_nothing(registration):
    event = registration.event
    now = at(27, 10)

    answers = [type_code(registration, wrong_code(event, now), now) for _ in range(5)]
    sixth = type_code(registration, wrong_code(event, now), now + timedelta(minutes=1))

    paused = "Too many wrong codes. Try again at 19:42, or ask a committee member at the door."
    assert answers == [WRONG] * 4 + [paused]
    assert sixth == paused
    registration.refresh_from_db()
    assert (registration.checked_in_at, ActionLog.objects.count()) == (None, 0)
    attempts = SelfCheckInAttempts.objects.get()
    assert (attempts.event, attempts.member, attempts.paused_until) == (event, registration.user, at(42, 10))


def test_the_right_code_during_the_pause_is_refused_too(registration):
    event = registration.event
    for _ in range(5):
        type_code(registration, wrong_code(event, at(27, 10)), at(27, 10))

    later = at(42, 5)  # five seconds before the pause ends
    answer = type_code(registration, services.self_check_in_code(event=event, now=later), later)

    assert answer == "Too many wrong codes. Try again at 19:42, or ask a committee member at the door."
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_after_the_pause_the_right_code_checks_in_and_the_count_starts_again(registration):
    event = registration.event
    for _ in range(5):
        type_code(registration, wrong_code(event, at(27, 10)), at(27, 10))
    after = at(42, 15)
    type_code(registration, wrong_code(event, after), after)

    answer = type_code(registration, services.self_check_in_code(event=event, now=after), after)

    registration.refresh_from_db()
    assert (answer, registration.checked_in_at) == (None, after)
    attempts = SelfCheckInAttempts.objects.get()
    assert (attempts.failures, attempts.paused_until) == (0, None)


def test_a_right_code_resets_the_count_of_wrong_ones(registration):
    event = registration.event
    now = at(10, 45)
    for _ in range(4):
        type_code(registration, wrong_code(event, now), now)

    type_code(registration, services.self_check_in_code(event=event, now=now), now)
    answers = [type_code(registration, wrong_code(event, now), now) for _ in range(4)]

    assert answers == [WRONG] * 4
    assert SelfCheckInAttempts.objects.get().failures == 4


def test_wrong_codes_count_per_member_and_event(registration, other_member):
    event = registration.event
    now = at(10, 45)
    neighbour = RegistrationFactory(event=event, user=other_member)
    elsewhere = RegistrationFactory(event=EventFactory(starts_at=STARTS), user=registration.user)
    for _ in range(5):
        type_code(registration, wrong_code(event, now), now)

    answers = [
        type_code(neighbour, services.self_check_in_code(event=event, now=now), now),
        type_code(elsewhere, services.self_check_in_code(event=elsewhere.event, now=now), now),
    ]

    assert answers == [None, None]


def test_the_pause_lasts_the_minutes_the_setting_says(registration, settings):
    settings.SELF_CHECK_IN_PAUSE_MINUTES = 30
    for _ in range(5):
        type_code(registration, wrong_code(registration.event, at(27, 10)), at(27, 10))

    assert SelfCheckInAttempts.objects.get().paused_until == at(57, 10)


def test_the_pause_minutes_come_from_the_environment_fifteen_by_default():
    shell = "from django.conf import settings; print(settings.SELF_CHECK_IN_PAUSE_MINUTES)"

    given = run_manage("shell", "-v", "0", "-c", shell, env={**PRODUCTION_ENV, "SELF_CHECK_IN_PAUSE_MINUTES": "20"})
    default = run_manage("shell", "-v", "0", "-c", shell, env=PRODUCTION_ENV)

    assert (given.stdout, default.stdout) == ("20\n", "15\n"), given.stderr + default.stderr


def test_a_deleted_account_leaves_no_count_of_wrong_codes(registration):
    from members.services import anonymise_account

    type_code(registration, wrong_code(registration.event, at(10, 45)), at(10, 45))

    anonymise_account(user=registration.user)

    assert SelfCheckInAttempts.objects.count() == 0


# --- The previous minute's code: half a minute only -----------------------------------


@pytest.mark.parametrize(("second", "accepted"), [(0, True), (29, True), (31, False), (59, False)])
def test_the_previous_minutes_code_works_for_the_first_half_minute_only(registration, second, accepted):
    event = registration.event
    now = at(10, second)
    previous = services.self_check_in_code(event=event, now=at(9, 50))

    answer = type_code(registration, previous, now)

    registration.refresh_from_db()
    assert (answer is None, registration.checked_in_at is not None) == (accepted, accepted)


# --- Guesses sent at once all count ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_wrong_codes_sent_at_once_both_count(postgres):
    member = UserFactory()
    registration = RegistrationFactory(event=EventFactory(starts_at=STARTS), user=member)
    event, now = registration.event, at(10, 45)
    SelfCheckInAttempts.objects.create(event=event, member=member)
    answers = []

    def guess():
        try:
            answers.append(type_code(registration, wrong_code(event, now), now))
        finally:
            connection.close()

    guesses = [threading.Thread(target=guess) for _ in range(2)]
    # Hold the row while both guesses arrive: each must wait for it, then count on top
    # of the other (a guess that read the count without the lock would write back 1).
    with transaction.atomic():
        SelfCheckInAttempts.objects.select_for_update().get(event=event, member=member)
        for thread in guesses:
            thread.start()
        wait_for_blocked_sessions(2)
    for thread in guesses:
        thread.join(timeout=30)

    assert answers == [WRONG, WRONG]
    assert SelfCheckInAttempts.objects.get().failures == 2


def wait_for_blocked_sessions(count: int, deadline_seconds: float = 20) -> None:
    """Poll PostgreSQL until `count` other sessions of this database wait for a lock."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view stays as first read
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
    raise AssertionError(f"{count} sessions never waited for the lock")


# --- The member's page: the code typed --------------------------------------------------


def test_the_event_page_shows_the_pause_after_five_wrong_codes(member_client, member):
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=member)
    url = reverse("events:self_check_in", kwargs={"slug": event.slug})
    wrong = wrong_code(event, timezone.now())

    for _ in range(5):
        response = member_client.post(url, {"code": wrong}, follow=True)
    right = member_client.post(url, {"code": services.self_check_in_code(event=event)}, follow=True)

    until = timezone.localtime(SelfCheckInAttempts.objects.get().paused_until).strftime("%H:%M")
    paused = f"Too many wrong codes. Try again at {until}, or ask a committee member at the door."
    assert [str(m) for m in response.context["messages"]] == [paused]
    assert [str(m) for m in right.context["messages"]] == [paused]
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- The projector's QR code: a signed link, not the code -------------------------------


def link_path(event: Event, token: str | None = None) -> str:
    token = token if token is not None else services.self_check_in_link_token(event=event)
    return reverse("events:self_check_in_link", kwargs={"slug": event.slug, "token": token})


def test_the_projectors_qr_code_carries_a_signed_link_not_the_code(committee_client):
    event = EventFactory(underway=True)

    response = committee_client.get(reverse("events:manage_projector", kwargs={"slug": event.slug}))

    html = response.content.decode()
    code = response.context["code"]
    [qr_url] = [unescape(u) for u in re.findall(r'data-check-in-url="([^"]+)"', html)]
    parts = urlsplit(qr_url)
    token = parts.path.split("/")[-2]
    assert code not in qr_url
    assert (parts.path, parse_qs(parts.query)) == (link_path(event, token), {})
    assert services.self_check_in_link_problem(token, event=event) is None
    assert qr_code_svg(qr_url) in html  # the QR code drawn is of that very link
    assert f'<p class="projector-code">{code}</p>' in html  # the code is still there to type


def test_the_link_page_shows_an_im_here_button_and_records_nothing(member_client, member):
    event = EventFactory(underway=True, title="Transformers from scratch")
    registration = RegistrationFactory(event=event, user=member)

    page = member_client.get(link_path(event))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="h3 text-break">Transformers from scratch</h1>' in html
    assert """<button class="btn btn-primary btn-lg" type="submit">I'm here</button>""" in html
    registration.refresh_from_db()
    assert (registration.checked_in_at, ActionLog.objects.count(), SelfCheckInAttempts.objects.count()) == (
        None,
        0,
        0,
    )


def test_pressing_im_here_checks_in(member_client, member):
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=member)

    response = member_client.post(link_path(event), follow=True)

    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == ["You are checked in. Enjoy the event!"]
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert list(ActionLog.objects.values_list("action", "actor", "member")) == [("checked in", member.pk, member.pk)]
    again = member_client.get(link_path(event))
    assert "You are checked in. Enjoy the event!" in again.content.decode()


def test_the_link_works_during_a_pause_for_wrong_codes(member):
    """The link cannot be guessed: wrong codes do not stop it."""
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=member)
    now = timezone.now()
    for _ in range(5):
        type_code(registration, wrong_code(event, now), now)

    services.self_check_in(event=event, user=member, link_token=services.self_check_in_link_token(event=event))

    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_a_visitor_is_sent_to_log_in_and_back_to_the_link(client):
    event = EventFactory(underway=True)
    path = link_path(event)

    response = client.get(path)

    location = urlsplit(response["Location"])
    assert (response.status_code, location.path, parse_qs(location.query)) == (
        302,
        reverse("account_login"),
        {"next": [path]},
    )


def test_a_member_without_a_seat_is_told_so_and_offered_no_button(member_client):
    event = EventFactory(underway=True)

    page = member_client.get(link_path(event))
    pressed = member_client.post(link_path(event), follow=True)

    assert "You have no confirmed seat at this event" in page.content.decode()
    assert "I'm here</button>" not in page.content.decode()
    assert [str(m) for m in pressed.context["messages"]] == [
        "You have no confirmed seat at this event: ask the committee at the door."
    ]
    assert Registration.objects.count() == 0


def expired_token(event: Event, monkeypatch) -> str:
    """A link the projector showed six minutes ago."""
    six_minutes_ago = time.time() - 6 * 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: six_minutes_ago)
    token = services.self_check_in_link_token(event=event)
    monkeypatch.undo()
    return token


def tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


EXPIRED = "This check-in link has expired (each lasts five minutes): scan the code on the screen again."
NOT_VALID = "This check-in link is not valid: scan the code on the screen again, or type the six-digit code."


@pytest.mark.parametrize("kind", ["expired", "tampered", "other event", "not a token"])
def test_an_expired_tampered_or_other_events_link_is_refused_and_changes_nothing(
    member_client, member, monkeypatch, kind
):
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=member)
    token = {
        "expired": lambda: expired_token(event, monkeypatch),
        "tampered": lambda: tampered(services.self_check_in_link_token(event=event)),
        "other event": lambda: services.self_check_in_link_token(event=EventFactory(underway=True)),
        "not a token": lambda: "123456",
    }[kind]()

    shown = member_client.get(link_path(event, token))
    pressed = member_client.post(link_path(event, token))

    message = EXPIRED if kind == "expired" else NOT_VALID
    assert (shown.status_code, pressed.status_code) == (404, 404)
    for response in (shown, pressed):
        assert message in unescape(response.content.decode())
        assert "I'm here</button>" not in response.content.decode()
    registration.refresh_from_db()
    assert (registration.checked_in_at, ActionLog.objects.count()) == (None, 0)
    with pytest.raises(services.RegistrationError, match=re.escape(message)):
        services.self_check_in(event=event, user=member, link_token=token)


def test_a_link_from_four_minutes_ago_still_works(member_client, member, monkeypatch):
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=member)
    four_minutes_ago = time.time() - 4 * 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: four_minutes_ago)
    token = services.self_check_in_link_token(event=event)
    monkeypatch.undo()

    member_client.post(link_path(event, token))

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
