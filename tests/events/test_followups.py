"""Follow-ups after events and the weekly digest, with the clock injected."""

from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress

from events.followups import digest_recipients, queue_due_follow_ups, queue_weekly_digest
from events.models import Event, Registration
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db

START = datetime(2027, 2, 10, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
DUE = END + timedelta(hours=2)


@pytest.fixture(autouse=True)
def _delay(settings):
    settings.FOLLOW_UP_DELAY_HOURS = 2
    settings.TIME_ZONE = "Europe/London"


def sent(kind: EmailKind) -> list[tuple[str, str]]:
    return [(row.to_email, row.subject) for row in rendered(OutboundEmail.objects.filter(kind=kind).order_by("id"))]


def seat(event: Event, email: str, **fields) -> Registration:
    return RegistrationFactory(event=event, user=UserFactory(email=email), **fields)


def test_follow_ups_thank_attendees_nudge_no_shows_and_send_the_waiting_list_the_materials(settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    event = EventFactory(title="GANs", slug="gans", starts_at=START, ends_at=END)
    came = seat(event, "came@uni.ac.uk", checked_in_at=START)
    seat(event, "no-show@uni.ac.uk")
    seat(event, "waiting@uni.ac.uk", status=Registration.Status.WAITLISTED, confirmed_at=None)
    seat(event, "cancelled@uni.ac.uk", status=Registration.Status.CANCELLED)

    assert queue_due_follow_ups(now=DUE - timedelta(minutes=1)) == 0
    assert queue_due_follow_ups(now=DUE) == 3
    assert queue_due_follow_ups(now=DUE + timedelta(minutes=5)) == 0

    assert sent(EmailKind.FOLLOW_UP) == [
        ("came@uni.ac.uk", "Thanks for coming to GANs"),
        ("no-show@uni.ac.uk", "We missed you at GANs"),
        ("waiting@uni.ac.uk", "The materials of GANs"),
    ]
    thanks, no_show, waiting = rendered(OutboundEmail.objects.order_by("id"))
    materials = "https://society.example.ac.uk/events/gans/"
    assert all(materials in email.body_text for email in (thanks, no_show, waiting))
    assert thanks.body_text.count("/feedback/?score=") == 5
    assert "1: https://society.example.ac.uk/events/links/" in thanks.body_text
    assert "cancelling from your ticket" in no_show.body_text
    assert "/feedback/" not in no_show.body_text + waiting.body_text
    assert thanks.key == f"follow-up:{came.pk}"


def test_follow_ups_after_downtime_are_still_sent_but_not_for_events_of_long_ago():
    recent = EventFactory(starts_at=START, ends_at=END)
    seat(recent, "recent@uni.ac.uk", checked_in_at=START)
    old = EventFactory(starts_at=START - timedelta(days=9), ends_at=END - timedelta(days=9))
    seat(old, "old@uni.ac.uk", checked_in_at=START - timedelta(days=9))

    queue_due_follow_ups(now=DUE + timedelta(hours=3))

    assert [to for to, _ in sent(EmailKind.FOLLOW_UP)] == ["recent@uni.ac.uk"]


def test_no_follow_ups_for_cancelled_events_or_to_members_who_opted_out():
    cancelled = EventFactory(starts_at=START, ends_at=END, status=Event.Status.CANCELLED)
    seat(cancelled, "a@uni.ac.uk", checked_in_at=START)
    event = EventFactory(starts_at=START, ends_at=END)
    quiet = seat(event, "quiet@uni.ac.uk", checked_in_at=START)
    EmailOptOut.objects.create(user=quiet.user, kind=EmailKind.FOLLOW_UP)

    assert queue_due_follow_ups(now=DUE) == 0


# --- The weekly digest ---------------------------------------------------------------

MONDAY_8AM = datetime(2027, 2, 8, 8, 0, tzinfo=UTC)  # 08:00 in London in winter


def test_the_digest_lists_the_coming_weeks_events_to_verified_members_who_kept_it_on():
    EventFactory(title="Monday talk", starts_at=MONDAY_8AM + timedelta(hours=10), ends_at=START)
    EventFactory(
        title="Sunday social", starts_at=datetime(2027, 2, 14, 20, 0, tzinfo=UTC), ends_at=START + timedelta(days=5)
    )
    EventFactory(
        title="Next week", starts_at=datetime(2027, 2, 15, 0, 0, tzinfo=UTC), ends_at=START + timedelta(days=6)
    )
    EventFactory(title="Draft", starts_at=START, ends_at=END, status=Event.Status.DRAFT)
    UserFactory(email="keen@uni.ac.uk")
    EmailOptOut.objects.create(user=UserFactory(email="quiet@uni.ac.uk"), kind=EmailKind.DIGEST)
    UserFactory(email="unverified@uni.ac.uk", verified=False)
    UserFactory(email="left@uni.ac.uk", is_active=False)

    assert queue_weekly_digest(now=MONDAY_8AM) == 1
    assert queue_weekly_digest(now=MONDAY_8AM + timedelta(hours=1)) == 0  # once a week

    [digest] = rendered(OutboundEmail.objects.filter(kind=EmailKind.DIGEST))
    assert (digest.to_email, digest.subject) == ("keen@uni.ac.uk", "This week at AI Society: 2 events")
    assert "Monday talk\nMonday 8 February, 18:00" in digest.body_text
    assert "Sunday social\nSunday 14 February, 20:00" in digest.body_text
    assert "Next week" not in digest.body_text
    assert "Draft" not in digest.body_text
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_digest_when_there_is_nothing_to_announce():
    UserFactory(email="keen@uni.ac.uk")
    EventFactory(starts_at=MONDAY_8AM - timedelta(days=1), ends_at=MONDAY_8AM - timedelta(hours=20))

    assert queue_weekly_digest(now=MONDAY_8AM) == 0
    assert OutboundEmail.objects.count() == 0


def test_the_digest_week_ends_on_sunday_night_london_time_in_summer():
    monday = datetime(2027, 4, 5, 7, 0, tzinfo=UTC)  # 08:00 BST
    EventFactory(
        title="Sunday late", starts_at=datetime(2027, 4, 11, 22, 30, tzinfo=UTC), ends_at=monday + timedelta(days=7)
    )
    EventFactory(
        title="Monday 00:30", starts_at=datetime(2027, 4, 11, 23, 30, tzinfo=UTC), ends_at=monday + timedelta(days=8)
    )
    UserFactory(email="keen@uni.ac.uk")

    queue_weekly_digest(now=monday)

    body = rendered(OutboundEmail.objects.get()).body_text
    assert "Sunday late\nSunday 11 April, 23:30" in body
    assert "Monday 00:30" not in body


def test_digest_recipients_need_their_login_address_verified():
    user = UserFactory(email="new@uni.ac.uk", verified=False)
    EmailAddress.objects.create(user=user, email="other@uni.ac.uk", verified=True)

    assert list(digest_recipients()) == []
