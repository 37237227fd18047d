"""The console's rules (events.services): series, DST, publishing, cancelling,
walk-ins, attendance, self check-in codes, announcements, the webhook."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import ActionLog, Announcement, ConsoleSettings, Event, Registration
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_local_time_problem_names_the_missing_hour_when_clocks_go_forward():
    assert "does not exist" in services.local_time_problem(datetime(2026, 3, 29, 1, 30))


def test_local_time_problem_names_the_hour_that_happens_twice_when_clocks_go_back():
    assert "happens twice" in services.local_time_problem(datetime(2026, 10, 25, 1, 30))


def test_local_time_problem_is_none_on_an_ordinary_evening():
    assert services.local_time_problem(datetime(2026, 10, 7, 18, 0)) is None


def test_weekly_series_makes_one_draft_a_week_except_skipped_dates(committee_member):
    plan = services.SeriesPlan(
        title="ML workshop", kind=Event.Kind.WORKSHOP, first_day=date(2026, 10, 5), weekday=2,
        start=time(18, 0), minutes=120, weeks=4, skip=frozenset({date(2026, 10, 21)}),
    )  # fmt: skip

    events = services.create_weekly_series(plan=plan, by=committee_member)

    local = [timezone.localtime(e.starts_at).strftime("%Y-%m-%d %H:%M") for e in events]
    assert local == ["2026-10-07 18:00", "2026-10-14 18:00", "2026-10-28 18:00"]
    assert {e.status for e in events} == {Event.Status.DRAFT}
    # 18:00 in London is 17:00 UTC in October (BST) and 18:00 after the clocks go back.
    assert [e.starts_at.astimezone(UTC).hour for e in events] == [17, 17, 18]


def test_weekly_series_refuses_a_time_that_does_not_exist(committee_member):
    plan = services.SeriesPlan(
        title="Night owls", kind=Event.Kind.SOCIAL, first_day=date(2026, 3, 23), weekday=6,
        start=time(1, 30), minutes=60, weeks=1, skip=frozenset(),
    )  # fmt: skip

    with pytest.raises(services.RegistrationError, match="does not exist"):
        services.create_weekly_series(plan=plan, by=committee_member)
    assert Event.objects.count() == 0


def test_duplicate_keeps_length_and_makes_a_draft(committee_member):
    event = EventFactory(capacity=30)
    starts = event.starts_at + timedelta(days=7)

    copy = services.duplicate_event(event=event, starts_at=starts, by=committee_member)

    assert (copy.status, copy.capacity, copy.ends_at - copy.starts_at) == (Event.Status.DRAFT, 30, timedelta(hours=2))
    assert copy.slug != event.slug


def test_publish_is_logged_and_twice_changes_nothing(committee_member):
    event = EventFactory(status=Event.Status.DRAFT)

    services.publish_event(event=event, by=committee_member)
    services.publish_event(event=event, by=committee_member)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert list(ActionLog.objects.values_list("action", "actor")) == [("published", committee_member.pk)]


def test_cancel_event_emails_everyone_registered_with_the_message(committee_member):
    event = EventFactory(capacity=1)
    confirmed, waiting = RegistrationFactory(event=event), RegistrationFactory(event=event, status=Status.WAITLISTED)
    RegistrationFactory(event=event, status=Status.CANCELLED)

    told = services.cancel_event(event=event, by=committee_member, message="The speaker is ill.")

    assert told == 2
    emails = OutboundEmail.objects.filter(kind=EmailKind.EVENT_UPDATE)
    assert sorted(e.to_email for e in emails) == sorted([confirmed.user.email, waiting.user.email])
    assert all("The speaker is ill." in e.body_text for e in emails)


def test_update_event_tells_registrants_only_when_asked(committee_member):
    event = EventFactory()
    RegistrationFactory(event=event)
    event.venue = "Lab 3"

    assert services.update_event(event=event, changed=["venue"], by=committee_member, tell_registrants=False) == 0
    assert services.update_event(event=event, changed=["venue"], by=committee_member, tell_registrants=True) == 1
    assert OutboundEmail.objects.filter(kind=EmailKind.EVENT_UPDATE).count() == 1


def test_add_registrant_by_unknown_email_says_so_and_changes_nothing():
    with pytest.raises(services.RegistrationError, match="Nobody has an account with the email"):
        services.find_user_by_email("nobody@uni.ac.uk")
    assert Registration.objects.count() == 0


def test_walk_in_is_registered_and_checked_in_in_one_step(committee_member, member):
    event = EventFactory(underway=True)

    registration = services.add_registrant(
        event=event, user=services.find_user_by_email("MEMBER@uni.ac.uk"), by=committee_member, walk_in=True
    )

    assert (registration.status, registration.checked_in_by) == (Status.CONFIRMED, committee_member)


def test_promote_by_hand_never_goes_past_the_capacity(committee_member):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)

    with pytest.raises(services.RegistrationError, match="The event is full"):
        services.promote_by_hand(registration=waiting, by=committee_member)
    assert Registration.objects.confirmed().count() == 1


def test_promote_by_hand_gives_a_free_seat_out_of_turn(committee_member):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.WAITLISTED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)

    services.promote_by_hand(registration=waiting, by=committee_member)

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    with pytest.raises(services.RegistrationError):
        services.promote_by_hand(registration=waiting, by=committee_member)


def test_undo_check_in_twice_does_nothing_new(committee_member):
    registration = RegistrationFactory(event__underway=True, checked_in_at=timezone.now())

    services.undo_check_in(registration=registration, by=committee_member)
    services.undo_check_in(registration=registration, by=committee_member)

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert ActionLog.objects.filter(action="undid check-in").count() == 1


def test_bulk_attendance_reports_unmatched_emails(committee_member):
    event = EventFactory(underway=True)
    present = RegistrationFactory(event=event)
    already = RegistrationFactory(event=event, checked_in_at=timezone.now())

    result = services.bulk_attendance(
        event=event, emails=[present.user.email.upper(), already.user.email, "stranger@uni.ac.uk"], by=committee_member
    )

    assert (result.checked_in, result.already, result.unmatched) == (
        [present.user.email],
        [already.user.email],
        ["stranger@uni.ac.uk"],
    )


def during(event) -> datetime:
    """Ten seconds into a minute of the event (the previous minute's code still works)."""
    return (event.starts_at + timedelta(minutes=10)).replace(second=10, microsecond=0)


def test_self_check_in_accepts_this_and_the_previous_minutes_code_only(member):
    event = EventFactory()
    registration = RegistrationFactory(event=event, user=member)
    now = during(event)
    old = services.self_check_in_code(event=event, now=now - timedelta(minutes=2))

    with pytest.raises(services.RegistrationError, match="not the one on the screen"):
        services.self_check_in(event=event, user=member, code=old, now=now)
    previous = services.self_check_in_code(event=event, now=now - timedelta(minutes=1))
    services.self_check_in(event=event, user=member, code=previous, now=now)

    registration.refresh_from_db()
    assert registration.checked_in_at == now


def test_self_check_in_code_of_one_event_does_not_work_for_another(member):
    event, other = EventFactory(), EventFactory()
    other.starts_at = event.starts_at
    RegistrationFactory(event=other, user=member)
    now = during(event)

    with pytest.raises(services.RegistrationError):
        services.self_check_in(
            event=other, user=member, code=services.self_check_in_code(event=event, now=now), now=now
        )


def test_self_check_in_needs_a_confirmed_seat(member):
    event = EventFactory()
    now = during(event)

    with pytest.raises(services.RegistrationError, match="no confirmed seat"):
        services.self_check_in(
            event=event, user=member, code=services.self_check_in_code(event=event, now=now), now=now
        )


def test_announcement_goes_to_confirmed_only_skips_opt_outs_and_sends_once(committee_member):
    event = EventFactory(capacity=2)
    first, opted_out = RegistrationFactory(event=event), RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.WAITLISTED)
    EmailOptOut.objects.create(user=opted_out.user, kind=EmailKind.ANNOUNCEMENT)
    announcement = Announcement.objects.create(event=event, subject="Bring a laptop", body="Charged, please.")

    sent = services.send_announcement(announcement=announcement, by=committee_member)
    again = services.send_announcement(announcement=announcement, by=committee_member)

    assert (sent, again) == (1, 1)
    email = OutboundEmail.objects.get(kind=EmailKind.ANNOUNCEMENT)
    assert (email.key, email.to_email) == (f"announcement:{announcement.pk}:user:{first.user.pk}", first.user.email)
    assert "Charged, please." in email.body_text


def test_publishing_tells_the_webhook_in_slack_format(
    django_capture_on_commit_callbacks, committee_member, webhook_server
):
    ConsoleSettings.objects.create(pk=1, webhook_url=webhook_server.url)
    event = EventFactory(status=Event.Status.DRAFT, title="Transformers")

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_event(event=event, by=committee_member)

    assert len(webhook_server.received) == 1
    assert webhook_server.received[0]["text"].startswith("New event: Transformers")


def test_no_webhook_set_sends_nothing(django_capture_on_commit_callbacks, committee_member):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.publish_event(event=EventFactory(status=Event.Status.DRAFT), by=committee_member)
    # Only the public pages' new versions (society.page_cache) wait for the commit.
    assert [callback for callback in callbacks if not hasattr(callback, "page_topic")] == []


def test_unknown_user_email_check_is_case_insensitive():
    UserFactory(email="Someone@Uni.ac.uk")
    assert services.find_user_by_email(" someone@uni.ac.uk ").email == "Someone@Uni.ac.uk"
