"""One road for every change: the sequences that used to end in a server error or go
around the rules, each tried the way a person would, through the pages."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from events import links, services
from events.models import ActionLog, Event, Registration
from members.services import anonymise_account
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
ROOT = Path(__file__).resolve().parents[2]


def checked_in_early(user) -> Registration:
    """Self check-in opens before the start: a member is in the room, checked in, an hour early."""
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=1))
    registration, _ = services.register(event=event, user=user)
    return services.check_in(registration=registration, by=user)


def assert_still_checked_in(registration: Registration) -> None:
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at is not None) == (Status.CONFIRMED, True)


# --- A checked-in place is not cancelled, and saying so is no error ---------------------------


def test_cancel_my_place_after_checking_in_early_says_so_and_changes_nothing(member_client, member):
    registration = checked_in_early(member)
    cancel_url = reverse("events:cancel", kwargs={"token": registration.token})

    page = member_client.get(cancel_url)
    response = member_client.post(cancel_url, follow=True)

    assert page.status_code == 200
    assert "You were checked in" in page.content.decode()
    assert response.status_code == 200
    assert "checked in at this event, so the place cannot be cancelled" in response.content.decode()
    assert_still_checked_in(registration)


def test_ticket_of_a_checked_in_member_offers_no_cancel(member_client, member):
    registration = checked_in_early(member)

    page = member_client.get(registration.get_absolute_url()).content.decode()

    assert "You were checked in: your place stays yours." in page
    assert reverse("events:cancel", kwargs={"token": registration.token}) not in page


def test_cant_come_link_after_checking_in_says_so_and_changes_nothing(client, member):
    registration = checked_in_early(member)
    url = reverse("events:cant_come", kwargs={"token": links.registration_token(registration, links.CANT_COME)})

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "You were checked in at" in response.content.decode()
    assert_still_checked_in(registration)


def test_committee_cancel_of_a_checked_in_place_asks_to_undo_first(committee_client, member):
    registration = checked_in_early(member)
    kwargs = {"slug": registration.event.slug, "token": registration.token}

    page = committee_client.get(reverse("events:manage_cancel_registration", kwargs=kwargs))
    response = committee_client.post(reverse("events:manage_cancel_registration", kwargs=kwargs), follow=True)

    assert "undo it at the door" in page.content.decode()
    assert "Mo Member was checked in at this event" in response.content.decode()
    assert_still_checked_in(registration)


def test_delete_my_account_after_checking_in_keeps_the_attendance_and_gives_back_future_seats(member_client, member):
    attended = checked_in_early(member)
    future, _ = services.register(event=EventFactory(), user=member)

    response = member_client.post(reverse("members:delete_account"), {"email": member.email})

    assert response.status_code == 302
    assert_still_checked_in(attended)
    future.refresh_from_db()
    assert future.status == Status.CANCELLED
    member.refresh_from_db()
    assert not member.is_active


# --- Check-in has a window -------------------------------------------------------------


def test_door_check_in_days_before_the_event_is_refused_with_when_it_opens(committee_client):
    registration = RegistrationFactory()  # the event is a week away
    kwargs = {"slug": registration.event.slug, "token": registration.token}

    response = committee_client.post(reverse("events:manage_door_check_in", kwargs=kwargs), follow=True)

    assert "Check-in opens on" in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_door_page_says_when_check_in_opens(committee_client):
    event = EventFactory()

    page = committee_client.get(reverse("events:manage_door", kwargs={"slug": event.slug})).content.decode()

    opens = timezone.localtime(event.starts_at - timedelta(hours=2))
    assert f"Check-in opens on {opens:%A} {opens.day} {opens:%B %Y}, {opens:%H:%M}." in page


def test_ticket_qr_link_days_before_the_event_shows_when_and_checks_nobody_in(committee_client):
    registration = RegistrationFactory()
    url = reverse("events:check_in", kwargs={"token": registration.token})

    page = committee_client.get(url).content.decode()
    committee_client.post(url)

    assert "Check-in opens on" in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_bulk_attendance_long_after_the_event_is_refused(committee_client):
    ended = timezone.now() - timedelta(days=5)
    registration = RegistrationFactory(event__starts_at=ended - timedelta(hours=2))
    url = reverse("events:manage_bulk_attendance", kwargs={"slug": registration.event.slug})

    response = committee_client.post(url, {"emails": registration.user.email})

    assert "Check-in closed on" in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_window_follows_the_settings(settings):
    settings.CHECK_IN_OPENS_HOURS, settings.CHECK_IN_CLOSES_HOURS = 1, 3
    event = EventFactory()

    assert services.check_in_problem(event, now=event.starts_at - timedelta(minutes=61)).startswith("Check-in opens")
    assert services.check_in_problem(event, now=event.starts_at - timedelta(minutes=59)) is None
    assert services.check_in_problem(event, now=event.ends_at + timedelta(minutes=179)) is None
    assert services.check_in_problem(event, now=event.ends_at + timedelta(hours=3)).startswith("Check-in closed")


def test_walk_in_during_the_event_gets_a_seat_and_is_checked_in(committee_member, member):
    event = EventFactory(underway=True, capacity=5)

    registration = services.add_registrant(event=event, user=member, by=committee_member, walk_in=True)

    assert (registration.status, registration.checked_in_by) == (Status.CONFIRMED, committee_member)


def test_walk_in_to_a_full_event_is_refused_and_changes_nothing(committee_member, member):
    event = EventFactory(underway=True, capacity=1)
    RegistrationFactory(event=event)

    with pytest.raises(services.RegistrationError, match="full"):
        services.add_registrant(event=event, user=member, by=committee_member, walk_in=True)
    assert Registration.objects.filter(event=event).count() == 1


# --- Stale pages and other events' registrations ------------------------------------------


def test_promote_from_a_stale_page_changes_nothing(committee_client):
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED, confirmed_at=None)
    drawn = waiting.state_stamp
    services.cancel(registration=holder)  # meanwhile the seat went to them automatically
    url = reverse("events:manage_promote", kwargs={"slug": event.slug, "token": waiting.token})

    response = committee_client.post(url, {"seen": drawn}, follow=True)

    assert "changed since this page was drawn: nothing was changed" in response.content.decode()
    assert ActionLog.objects.filter(action="promoted by hand").count() == 0


def test_door_undo_from_a_stale_page_changes_nothing(committee_client, committee_member):
    registration = RegistrationFactory(event__underway=True)
    drawn = registration.state_stamp
    services.check_in(registration=registration, by=committee_member)
    url = reverse("events:manage_door_undo", kwargs={"slug": registration.event.slug, "token": registration.token})

    committee_client.post(url, {"seen": drawn})

    registration.refresh_from_db()
    assert registration.checked_in_at is not None


@pytest.mark.parametrize("name", ["manage_door_check_in", "manage_door_undo", "manage_promote"])
def test_a_registration_of_another_event_is_not_found(committee_client, name):
    registration = RegistrationFactory(event__underway=True)
    other = EventFactory()

    response = committee_client.post(
        reverse(f"events:{name}", kwargs={"slug": other.slug, "token": registration.token})
    )

    assert response.status_code == 404
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == (Status.CONFIRMED, None)


def test_a_service_refuses_a_registration_paired_with_another_event(committee_member):
    registration = RegistrationFactory(event__underway=True)
    other = EventFactory(underway=True)

    with pytest.raises(services.RegistrationError, match="belongs to another event"):
        services.lock_registration(registration, event=other)


# --- Times given are times used ----------------------------------------------------------


def test_register_uses_the_given_time_for_confirmation():
    event = EventFactory()
    when = timezone.now() - timedelta(hours=3)

    registration, _ = services.register(event=event, user=UserFactory(), now=when)

    assert registration.confirmed_at == when


# --- The action log ------------------------------------------------------------------------


def test_action_log_names_people_by_account_not_by_email(committee_member):
    registration = RegistrationFactory(event__underway=True)

    at_the_door = timezone.now() - timedelta(minutes=3)

    services.check_in(registration=registration, by=committee_member, now=at_the_door)

    entry = ActionLog.objects.get(action="checked in")
    assert (entry.actor, entry.member, entry.detail, entry.created_at) == (
        committee_member,
        registration.user,
        "",
        at_the_door,
    )


def test_action_log_entry_rolls_back_with_the_change(committee_member):
    event = EventFactory(status=Event.Status.DRAFT)

    def publish_then_fail():
        with transaction.atomic():
            services.publish_event(event=event, by=committee_member)
            raise RuntimeError("a later step of the same change failed")

    with pytest.raises(RuntimeError):
        publish_then_fail()

    event.refresh_from_db()
    assert (event.status, ActionLog.objects.count()) == (Event.Status.DRAFT, 0)


def test_deleting_an_account_leaves_its_email_and_name_nowhere_in_the_database(committee_member, admin_user):
    person = UserFactory(email="leaving.person@uni.ac.uk", name="Lee Leaving")
    # An admin once changed the account: the admin's history names it, as the admin writes it.
    LogEntry.objects.log_actions(admin_user.pk, [person], CHANGE, change_message="Changed name.", single_object=True)
    registration = RegistrationFactory(user=person, event__underway=True)
    services.check_in(registration=registration, by=committee_member)
    waiting_event = EventFactory(capacity=1)
    RegistrationFactory(event=waiting_event)
    services.register(event=waiting_event, user=person)

    anonymise_account(user=person)

    found = []
    for model in apps.get_models():
        text_fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        for name in text_fields:
            said = models.Q(**{f"{name}__icontains": "leaving.person"}) | models.Q(
                **{f"{name}__icontains": "Lee Leaving"}
            )
            if model.objects.filter(said).exists():
                found.append(f"{model._meta.label}.{name}")
    assert found == []
    assert ActionLog.objects.filter(member__isnull=False, member__is_active=False).count() == 0


def test_nothing_but_the_services_assigns_a_registration_or_event_status():
    """Attribute assignments and bulk updates of the guarded fields, outside the services."""
    pattern = re.compile(r"\.(status|checked_in_at)\s*=(?!=)|\.update\([^)]*\b(status|checked_in_at)\s*=")
    allowed = {"events/services", "migrations", "tests", ".venv", "bench"}
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if any(part in relative for part in allowed):
            continue
        offenders += [
            f"{relative}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)
        ]
    assert offenders == []


# --- Publishing and cancelling: the console says no instead of failing --------------------


def test_console_refuses_to_cancel_a_draft_with_a_message_and_offers_no_button(committee_client):
    draft = EventFactory(status=Event.Status.DRAFT, title="Half-planned hackathon")
    cancel_url = reverse("events:manage_event_cancel", kwargs={"slug": draft.slug})

    page = committee_client.get(reverse("events:manage_event", kwargs={"slug": draft.slug})).content.decode()
    asked = committee_client.get(cancel_url, follow=True)
    posted = committee_client.post(cancel_url, {"message": "Sorry", "confirm": "on"}, follow=True)

    assert cancel_url not in page
    for response in (asked, posted):
        assert "“Half-planned hackathon” is a draft that nobody has seen" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, ActionLog.objects.count()) == (Event.Status.DRAFT, 0)


def test_console_refuses_to_publish_a_past_draft(committee_client):
    draft = EventFactory(status=Event.Status.DRAFT, starts_at=timezone.now() - timedelta(days=3))

    response = committee_client.post(reverse("events:manage_event_publish", kwargs={"slug": draft.slug}), follow=True)

    assert "is over: a past event cannot be published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
