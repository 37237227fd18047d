"""The committee console over HTTP: forms refuse bad input and change nothing,
the door works by search and htmx, pages cost constant queries, CSV is safe."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import ActionLog, Announcement, ConsoleSettings, Event, Registration
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, SpeakerFactory, UserFactory
from tests.outbox import rendered
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
Status = Registration.Status


def url(name: str, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


EVENT_FORM = {
    "title": "Transformers",
    "kind": "workshop",
    "level": "",
    "starts_at": "2026-10-07T18:00",
    "ends_at": "2026-10-07T20:00",
    "venue": "Lab 2.14",
    "waitlist_enabled": "on",
}


def test_committee_creates_a_draft_from_the_form(committee_client):
    response = committee_client.post(url("manage_event_create"), EVENT_FORM)

    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.slug, event.status) == ("transformers-2026-10-07", Event.Status.DRAFT)
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "18:00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2026-10-07T17:00"}, "ends_at", "The event must end after it starts."),
        ({"registration_closes_at": "2026-10-07T19:00"}, "registration_closes_at", "Registration must close before"),
        ({"starts_at": "2026-03-29T01:30", "ends_at": "2026-03-29T03:00"}, "starts_at", "does not exist"),
        ({"starts_at": "2026-10-25T01:30", "ends_at": "2026-10-25T03:00"}, "starts_at", "happens twice"),
        ({"starts_at": "next wednesday"}, "starts_at", "Enter a date and time"),
        ({"capacity": "-3"}, "capacity", "greater than or equal to 0"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_event_form_refuses_bad_input_with_a_clear_message(committee_client, changes, field, message):
    response = committee_client.post(url("manage_event_create"), {**EVENT_FORM, **changes})

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert Event.objects.count() == 0


def test_capacity_cannot_go_below_the_confirmed_count(committee_client):
    event = EventFactory(capacity=5)
    for _ in range(3):
        RegistrationFactory(event=event)
    local = timezone.localtime(event.starts_at)
    data = {
        **EVENT_FORM,
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "ends_at": f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}",
    }

    response = committee_client.post(url("manage_event_edit", slug=event.slug), {**data, "capacity": "2"})

    assert response.context["form"].errors["capacity"] == [
        "3 people already hold a seat: the capacity cannot be lower."
    ]
    event.refresh_from_db()
    assert event.capacity == 5


def test_moving_a_published_event_with_the_tick_box_emails_registrants(committee_client):
    event = EventFactory()
    RegistrationFactory(event=event)
    local = timezone.localtime(event.starts_at) + timedelta(hours=1)
    data = {
        **EVENT_FORM, "starts_at": f"{local:%Y-%m-%dT%H:%M}", "ends_at": f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}",
        "tell_registrants": "on", "message": "One hour later, sorry.",
    }  # fmt: skip

    response = committee_client.post(url("manage_event_edit", slug=event.slug), data, follow=True)

    assert messages_of(response) == ["Saved. 1 registrant emailed."]
    assert "One hour later, sorry." in rendered(OutboundEmail.objects.get(kind=EmailKind.EVENT_UPDATE)).body_text


def test_series_form_creates_drafts_and_reports_bad_skip_dates(committee_client):
    data = {
        "title": "ML", "kind": "workshop", "weekday": "2", "start_time": "18:00", "minutes": "120",
        "first_day": "2026-10-05", "weeks": "10", "skip": "2026-11-04, 2026-11-11",
    }  # fmt: skip
    bad = committee_client.post(url("manage_series"), {**data, "skip": "4th Nov"})
    assert bad.context["form"].errors["skip"] == ["4th was not a date: write it like 2026-11-04.".replace("was", "is")]
    assert Event.objects.count() == 0

    committee_client.post(url("manage_series"), data)

    assert Event.objects.filter(status=Event.Status.DRAFT).count() == 8


def test_preview_shows_the_public_page_with_a_banner(committee_client):
    event = EventFactory(status=Event.Status.DRAFT, title="Secret plans")

    response = committee_client.get(url("manage_event_preview", slug=event.slug))

    assert response.context["preview"] is True
    assert b"<strong>Preview</strong>" in response.content
    assert b"Secret plans" in response.content


def test_publish_then_event_page_shows_the_audit_log(committee_client, committee_member):
    event = EventFactory(status=Event.Status.DRAFT)

    committee_client.post(url("manage_event_publish", slug=event.slug))
    response = committee_client.get(url("manage_event", slug=event.slug))

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert [(e.actor, e.action) for e in response.context["log"]] == [(committee_member, "published")]
    assert b"Cam Committee \xc2\xb7 published" in response.content


def test_cancel_needs_the_confirm_tick_and_a_message(committee_client):
    event = EventFactory()
    RegistrationFactory(event=event)

    response = committee_client.post(url("manage_event_cancel", slug=event.slug), {"message": "Sorry"})

    assert "confirm" in response.context["form"].errors
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    committee_client.post(url("manage_event_cancel", slug=event.slug), {"message": "Sorry", "confirm": "on"})
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert OutboundEmail.objects.filter(kind=EmailKind.EVENT_UPDATE).count() == 1


def test_add_registrant_by_unknown_email_shows_a_clear_message(committee_client):
    event = EventFactory()

    response = committee_client.post(
        url("manage_add_registrant", slug=event.slug), {"email": "x@uni.ac.uk"}, follow=True
    )

    assert messages_of(response) == ["Nobody has an account with the email x@uni.ac.uk: ask them to sign up first."]
    assert Registration.objects.count() == 0


def test_add_registrant_with_a_malformed_email_changes_nothing(committee_client):
    event = EventFactory()

    response = committee_client.post(
        url("manage_add_registrant", slug=event.slug), {"email": "not-an-email"}, follow=True
    )

    assert messages_of(response) == ["Enter the email address of their account."]
    assert Registration.objects.count() == 0


def test_registrations_page_lists_the_three_groups_with_counts(committee_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Status.WAITLISTED)

    response = committee_client.get(url("manage_registrations", slug=event.slug))

    assert response.context["counts"] == {"confirmed": 1, "waitlisted": 1, "cancelled": 0, "checked_in": 0}


def add_registrations(event):
    def add(n):
        for _ in range(n):
            RegistrationFactory(event=event, checked_in_at=None)

    return add


def test_registrations_page_costs_constant_queries(committee_client):
    event = EventFactory()
    assert_constant_queries(
        lambda: committee_client.get(url("manage_registrations", slug=event.slug)), add_registrations(event), large=500
    )


def test_door_page_and_search_cost_constant_queries(committee_client):
    event = EventFactory()
    assert_constant_queries(
        lambda: committee_client.get(url("manage_door", slug=event.slug) + "?q=uni"),
        add_registrations(event),
        large=500,
    )


def test_csv_export_neutralises_formulas(committee_client):
    event = EventFactory()
    RegistrationFactory(event=event, user=UserFactory(name="=HYPERLINK(1)"), checked_in_at=timezone.now())

    response = committee_client.get(url("manage_registrations_csv", slug=event.slug))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "email", "status", "checked in"]
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][2:] == ["Confirmed", "yes"]


def test_door_search_finds_by_name_and_htmx_gets_the_partial(committee_client):
    event = EventFactory()
    RegistrationFactory(event=event, user=UserFactory(name="Zara Quinn"))
    RegistrationFactory(event=event, user=UserFactory(name="Ben Adams"))

    response = committee_client.get(url("manage_door", slug=event.slug), {"q": "quin"}, HTTP_HX_REQUEST="true")

    assert [r.user.name for r in response.context["found"]] == ["Zara Quinn"]
    assert [t.name for t in response.templates] == ["events/manage/_door_results.html", "_messages.html"]


def test_door_check_in_by_htmx_updates_counts_and_twice_does_nothing_new(committee_client):
    registration = RegistrationFactory(event__underway=True)
    check_in = url("manage_door_check_in", slug=registration.event.slug, token=registration.token)

    committee_client.post(check_in, HTTP_HX_REQUEST="true")
    response = committee_client.post(check_in, HTTP_HX_REQUEST="true")

    assert response.context["counts"]["checked_in"] == 1
    first = Registration.objects.get().checked_in_at
    assert first is not None
    assert ActionLog.objects.filter(action="checked in").count() == 1
    committee_client.post(url("manage_door_undo", slug=registration.event.slug, token=registration.token))
    assert Registration.objects.get().checked_in_at is None


def test_a_token_of_one_event_cannot_check_in_on_another_events_page(committee_client):
    registration = RegistrationFactory()
    other = EventFactory()

    response = committee_client.post(url("manage_door_check_in", slug=other.slug, token=registration.token))

    assert response.status_code == 404
    assert Registration.objects.get().checked_in_at is None


def test_bulk_attendance_form_reports_unmatched(committee_client):
    registration = RegistrationFactory(event__underway=True)
    data = {"emails": f"{registration.user.email}\nghost@uni.ac.uk"}

    response = committee_client.post(url("manage_bulk_attendance", slug=registration.event.slug), data)

    assert response.context["result"].unmatched == ["ghost@uni.ac.uk"]
    empty = committee_client.post(url("manage_bulk_attendance", slug=registration.event.slug), {"emails": " "})
    assert empty.context["form"].errors["emails"] == ["This field is required."]


def test_projector_shows_the_current_code_and_a_qr_code(committee_client):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))

    response = committee_client.get(url("manage_projector", slug=event.slug))

    assert response.context["code"] == services.self_check_in_code(event=event)
    assert b"<svg" in response.content


def test_member_checks_in_with_the_code_on_the_screen(member_client, member):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    RegistrationFactory(event=event, user=member)

    bad = member_client.post(url("self_check_in", slug=event.slug), {"code": "12ab"}, follow=True)
    assert messages_of(bad) == ["The code is six digits: type the one on the screen."]
    response = member_client.post(
        url("self_check_in", slug=event.slug), {"code": services.self_check_in_code(event=event)}, follow=True
    )

    assert messages_of(response) == ["You are checked in. Enjoy the event!"]
    assert Registration.objects.get().checked_in_at is not None


def test_announcement_preview_then_send(committee_client):
    event = EventFactory()
    registration = RegistrationFactory(event=event)

    response = committee_client.post(
        url("manage_announcement_new", slug=event.slug), {"subject": "Room", "body": "Lab 3 tonight."}
    )
    announcement = Announcement.objects.get()
    preview = committee_client.get(response["Location"])
    assert preview.context["count"] == 1
    assert "Lab 3 tonight." in preview.context["preview"]["text"]
    assert OutboundEmail.objects.filter(kind=EmailKind.ANNOUNCEMENT).count() == 0

    sent = committee_client.post(response["Location"], follow=True)

    assert messages_of(sent) == ["Sent to 1 person."]
    assert (
        OutboundEmail.objects.get(kind=EmailKind.ANNOUNCEMENT).key
        == f"announcement:{announcement.pk}:user:{registration.user.pk}"
    )


def test_announcement_of_another_event_is_404(committee_client):
    announcement = Announcement.objects.create(event=EventFactory(), subject="s", body="b")
    response = committee_client.get(
        url("manage_announcement", slug=EventFactory().slug, announcement_id=announcement.pk)
    )
    assert response.status_code == 404


def test_webhook_must_be_https_even_in_debug(committee_client, settings):
    settings.DEBUG = True

    response = committee_client.post(url("manage_settings"), {"webhook_url": "http://hooks.example.com/x"})

    assert response.context["form"].errors["webhook_url"] == ["The webhook must be an https:// address."]
    assert ConsoleSettings.load().webhook_url == ""
    committee_client.post(url("manage_settings"), {"webhook_url": "https://hooks.slack.com/services/T0/B0/x"})
    assert ConsoleSettings.load().webhook_url == "https://hooks.slack.com/services/T0/B0/x"


def test_speaker_contact_details_only_in_the_console(client, committee_client):
    speaker = SpeakerFactory(email="speaker@example.com", phone="07700 900123")
    event = EventFactory()
    committee_client.post(
        url("manage_event_speakers", slug=event.slug),
        {"speaker": speaker.pk, "invite_status": "confirmed", "consent_to_record": "on", "order": "0"},
    )

    console_page = committee_client.get(url("manage_speakers"))
    client.logout()
    public_page = client.get(event.get_absolute_url())

    assert b"speaker@example.com" in console_page.content
    assert b"Confirmed" in console_page.content
    assert b"speaker@example.com" not in public_page.content
    assert b"07700" not in public_page.content


def test_event_speaker_form_refuses_an_unknown_status(committee_client):
    event = EventFactory()
    response = committee_client.post(
        url("manage_event_speakers", slug=event.slug), {"speaker": "999", "invite_status": "maybe", "order": "0"}
    )
    assert set(response.context["form"].errors) == {"speaker", "invite_status"}


def test_unknown_slugs_and_tokens_are_404(committee_client):
    assert committee_client.get(url("manage_event", slug="nope")).status_code == 404
    event = EventFactory()
    assert committee_client.post(url("manage_promote", slug=event.slug, token="nope")).status_code == 404
    assert committee_client.get(url("manage_speaker_edit", speaker_id=987654)).status_code == 404
