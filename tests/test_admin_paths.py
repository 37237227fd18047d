"""The admin goes through the same rules as the console (DESIGN.md, invariant 7).

First a walk through every registered ModelAdmin: each model says which of its
fields a rule guards and how the admin respects the rule (the field is read-only,
or the form's save hands it to a service), and every admin action is listed with
what it calls. A new model, field or action fails here until it is classified.

Then each admin road that changes something a rule guards is run beside the
console's road on the very same rows, and must leave the same registrations,
emails, action-log entries and webhook posts behind.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import ActionLog, Announcement, ConsoleSettings, Event, Registration
from society.models import EmailKind, OutboundEmail
from tests.event_forms import admin_event_data, console_event_data
from tests.factories import EventFactory, RegistrationFactory, UserFactory

Status = Registration.Status


def label_of(model) -> str:
    return model._meta.label


def an_outbound_email() -> OutboundEmail:
    return OutboundEmail.objects.create(
        key="ticket:1", kind=EmailKind.REGISTRATION, to_email="member@uni.ac.uk", subject="Your ticket"
    )


def an_announcement() -> Announcement:
    return Announcement.objects.create(event=EventFactory(), subject="Bring a laptop", body="Charged.")


@dataclass(frozen=True)
class Guard:
    """The fields of a model that a rule guards, and how the admin respects the rule."""

    fields: frozenset[str]
    make: Callable[[], object]  # a row whose change form is opened
    # Guarded fields the change form still offers: its save hands them to this service.
    through: dict[str, str] = field(default_factory=dict)
    # Guarded fields the add form offers: a new row is made by this service.
    new: dict[str, str] = field(default_factory=dict)


GUARDED = {
    "events.Event": Guard(
        fields=frozenset({"status", *services.TIME_AND_PLACE, "capacity"}),
        make=EventFactory,
        through={"capacity": "update_event, which calls change_capacity (people waiting are promoted)"},
        new=dict.fromkeys((*services.TIME_AND_PLACE, "capacity"), "create_event (a draft: nobody is registered)"),
    ),
    "events.Registration": Guard(
        fields=frozenset({"status", "checked_in_at", "checked_in_by", "confirmed_at", "cancelled_at"}),
        make=RegistrationFactory,
        # The add form offers event and user only; its save calls add_registrant.
    ),
    "events.ConsoleSettings": Guard(
        fields=frozenset({"webhook_url"}),
        make=ConsoleSettings.load,
        through={"webhook_url": "set_webhook_url (logged)"},
        new={"webhook_url": "set_webhook_url (logged)"},
    ),
    "events.Announcement": Guard(
        fields=frozenset({"sent_at", "recipient_count"}),
        make=an_announcement,  # sent from the console by send_announcement
    ),
    "society.OutboundEmail": Guard(
        fields=frozenset({"key", "to_email", "state", "attempts", "next_attempt_at", "claimed_at", "sent_at"}),
        make=an_outbound_email,  # written by queue_email, delivered by the outbox
    ),
}

# Registered models whose fields no rule guards: their services, where they have
# one, write the row and nothing else (no email, no log entry, no webhook).
NO_RULE = {
    "auth.Group": "Django's; the Committee group is given by an admin",
    "account.EmailAddress": "allauth's",
    "mfa.Authenticator": "allauth's: deleting a lost one lets its owner set up two-factor login again",
    "usersessions.UserSession": "allauth's list of where people are logged in",
    "django_celery_beat.PeriodicTask": "the schedule",
    "django_celery_beat.ClockedSchedule": "the schedule",
    "django_celery_beat.CrontabSchedule": "the schedule",
    "django_celery_beat.SolarSchedule": "the schedule",
    "django_celery_beat.IntervalSchedule": "the schedule",
    "society.EmailOptOut": "a preference row",
    "members.User": "deleting goes through anonymise_account (DELETE_THROUGH_SERVICE)",
    "members.Topic": "a label",
    "members.Membership": "renew_membership and lapse_membership only write or delete this row",
    "members.CommitteeRole": "added through give_role (logged, emailed); a change is checked by role_problem",
    "members.PublicRecord": "a preference row (share_record)",
    "members.RetentionWarning": "read-only in the admin: written by apply_retention with the warning email",
    "members.CommitteeChange": "read-only in the admin: written by give_role and hand_over",
    "members.UnionListImport": "read-only in the admin: written by import_union_list",
    "members.SiteText": "read-only in the admin: versions written by edit_site_text from the console",
    "events.Speaker": "details and a re-encoded photo (set_speaker_photo)",
    "events.EventSpeaker": "who speaks where",
    "events.CalendarFeed": "read-only here",
    "events.EventRating": "a score",
    "events.ActionLog": "read-only here",
    "events.SelfCheckInAttempts": "read-only here: written by self_check_in; deleting a row lifts a pause",
    "events.FirstAttendance": "read-only here: written by keep_first_attendances with each check-in",
    "events.Strike": "read-only in the admin: given by give_strikes, contested by the member, decided in the console",
    "events.LotteryRequest": "read-only here: written by request_place, set_friend, withdraw_request and draw",
    "events.EventHost": "added by add_host, deleted by remove_host (both logged, bulk delete too); read-only once made",
    "workshops.WorkshopSeries": "a list of sessions",
    "workshops.Material": "file fields read-only here; new files through the console",
    "workshops.StudyGroup": "a group's details",
    "proposals.Proposal": "read-only in the admin: every decision goes through proposals.services, in the console",
    "credentials.IssuedCredential": "read-only in the admin: issued by issue_credential, revoked by revoke_credential",
    "credentials.RecordSnapshot": "read-only in the admin: taken by the member, withdrawn by revoke_snapshot",
}

# Models whose rows a rule keeps from being deleted: the admin's delete goes through
# a service (or is refused), and Django's bulk delete is not offered.
DELETE_THROUGH_SERVICE = {
    "events.Event": "only drafts, one at a time; others are cancelled (cancel_event)",
    "events.Registration": "cancel (the row stays; the first person waiting is promoted)",
    "events.ConsoleSettings": "never: the webhook is turned off by emptying its address",
    "events.FirstAttendance": "never: it follows the registrations (keep_first_attendances)",
    "events.Strike": "never: waived instead (decide_strike: logged, the member told)",
    "events.LotteryRequest": "never: a published draw must stay reproducible",
    "members.User": "anonymise_account, as “Delete my account”",
    "society.OutboundEmail": "never: a deleted row frees its key, so the same email could go twice",
    "credentials.IssuedCredential": "never: revoked instead, so its page and the check say it was withdrawn",
    "proposals.Proposal": "never: declined instead; removed only with its proposer's account (personal_data)",
    "credentials.RecordSnapshot": "never: withdrawn instead, so its address says it was withdrawn",
}

# Every admin action but Django's bulk delete, with what it calls.
KNOWN_ACTIONS = {
    "events.Event": {
        "publish_events": "services.publish_event",
        "cancel_events": "services.cancel_event",
        "export_registrations": "reads only (CSV)",
        "promote_waitlist": "services.promote_from_waitlist",
    },
    "events.Registration": {"cancel_registrations": "services.cancel"},
    "members.User": {
        "export_csv": "reads only (CSV)",
        "renew_membership": "members.services.renew_membership",
        "anonymise_accounts": "members.services.anonymise_account",
    },
    "society.OutboundEmail": {
        "retry": "the outbox's own repair: failed or cancelled emails pending again",
        "cancel": "the outbox's own repair: pending or failed emails cancelled",
    },
    "account.EmailAddress": {"make_verified": "allauth's"},
    "credentials.IssuedCredential": {"revoke": "credentials.services.revoke_credential"},
    "credentials.RecordSnapshot": {"withdraw": "credentials.services.revoke_snapshot"},
    "django_celery_beat.PeriodicTask": {
        "enable_tasks": "the schedule",
        "disable_tasks": "the schedule",
        "toggle_tasks": "the schedule",
        "run_tasks": "runs a task, which calls the services",
    },
}


@pytest.fixture
def admin_request(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    return request


def test_every_registered_model_is_guarded_or_needs_no_rule():
    registered = {label_of(model) for model in admin.site._registry}

    assert registered == GUARDED.keys() | NO_RULE.keys()
    assert GUARDED.keys().isdisjoint(NO_RULE.keys())


def test_every_admin_action_is_known_with_what_it_calls(admin_request):
    offered = {
        label_of(model): set(model_admin.get_actions(admin_request))
        for model, model_admin in admin.site._registry.items()
    }

    expected = {
        label: set(KNOWN_ACTIONS.get(label, {})) | (set() if label in DELETE_THROUGH_SERVICE else {"delete_selected"})
        for label in offered
    }
    assert offered == expected


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(GUARDED))
def test_guarded_fields_are_read_only_in_the_admin_or_saved_through_a_service(admin_request, label):
    guard = GUARDED[label]
    model_admin = admin.site._registry[apps.get_model(label)]
    row = guard.make()

    change_form = model_admin.get_form(admin_request, row, change=True)

    assert set(change_form.base_fields) & guard.fields == guard.through.keys()
    if model_admin.has_add_permission(admin_request):
        add_form = model_admin.get_form(admin_request, None, change=False)
        assert set(add_form.base_fields) & guard.fields == guard.new.keys()


@pytest.mark.django_db
def test_guarded_models_shown_inline_are_read_only_there(admin_request):
    inlines = [
        (label_of(model), inline_class(model, admin.site))
        for model, model_admin in admin.site._registry.items()
        for inline_class in model_admin.inlines
        if label_of(inline_class.model) in GUARDED
    ]

    seen = {}
    for parent, inline in inlines:
        fields = set(inline.get_formset(admin_request, None).form.base_fields)
        seen[(parent, label_of(inline.model))] = (
            fields & GUARDED[label_of(inline.model)].fields,
            inline.can_delete,
            inline.has_add_permission(admin_request, None),
        )
    assert seen == {("events.Event", "events.Registration"): (set(), False, False)}


# --- The admin's roads beside the console's ---------------------------------------


@pytest.fixture
def webhook(db, webhook_server):
    """The committee's webhook, answered by an HTTPS server on this machine (tests/webhooks.py)."""
    ConsoleSettings.objects.update_or_create(pk=1, defaults={"webhook_url": webhook_server.url})
    return webhook_server


@pytest.fixture
def outcome_of(django_capture_on_commit_callbacks, webhook):
    """Run a road (requests to the site) and note what it left behind about `event`;
    then roll it back, so the next road starts from the very same rows. The callbacks
    the road left for its commit (emails, the webhook) are run, against the local webhook.

    An email is noted as its purpose (its key without the registration's id, which a
    registration made by the road gets afresh each time), its recipient and subject."""

    def run(road: Callable[[], object], *, event: Event) -> dict:
        with transaction.atomic():
            last_log = ActionLog.objects.aggregate(last=Max("id"))["last"] or 0
            last_email = OutboundEmail.objects.aggregate(last=Max("id"))["last"] or 0
            webhook.received.clear()
            with django_capture_on_commit_callbacks(execute=True):
                road()
            left = {
                "event": Event.objects.filter(pk=event.pk).values_list("status", "capacity").get(),
                "registrations": list(
                    Registration.objects.filter(event=event)
                    .order_by("user__email")
                    .values_list("user__email", "status", "checked_in_at")
                ),
                "log": list(
                    ActionLog.objects.filter(id__gt=last_log)
                    .order_by("id")
                    .values_list("action", "actor__email", "event_id", "member__email", "detail")
                ),
                "emails": sorted(
                    (email.key.rsplit(":", 1)[0], email.to_email, email.subject)
                    for email in OutboundEmail.objects.filter(id__gt=last_email)
                ),
                "webhook": webhook.texts,
            }
            transaction.set_rollback(True)
        return left

    return run


def at_six_next_week() -> datetime:
    """A start the console's form can post back exactly (to the minute, on no daylight-saving night)."""
    return services.make_local(datetime.combine(timezone.localdate() + timedelta(days=7), time(18, 0)))


def event_with_a_waiting_list() -> tuple[Event, Registration]:
    """A published event of one seat, held by holder@, with waiting1@ and waiting2@ waiting; and the holder's place."""
    starts_at = at_six_next_week()
    event = EventFactory(title="Transformers", capacity=1, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    holder, _ = services.register(event=event, user=UserFactory(email="holder@uni.ac.uk"))
    for n in (1, 2):
        services.register(event=event, user=UserFactory(email=f"waiting{n}@uni.ac.uk"))
    return event, holder


def run_action(client, model: str, action: str, rows, **data):
    url = reverse(f"admin:events_{model}_changelist")
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows], **data})


def test_publish_in_the_admin_does_what_the_console_does(admin_client, outcome_of):
    event = EventFactory(status=Event.Status.DRAFT, title="Transformers")

    console = outcome_of(
        lambda: admin_client.post(reverse("events:manage_event_publish", args=[event.slug])), event=event
    )
    in_admin = outcome_of(lambda: run_action(admin_client, "event", "publish_events", [event]), event=event)

    assert in_admin == console
    assert (console["event"], console["log"]) == (
        (Event.Status.PUBLISHED, None),
        [("published", "admin@uni.ac.uk", event.pk, None, "")],
    )
    assert [text.split(" · ")[0] for text in console["webhook"]] == ["New event: Transformers"]


def test_cancel_in_the_admin_does_what_the_console_does(admin_client, outcome_of):
    event, _ = event_with_a_waiting_list()
    message = {"message": "The room is flooded, sorry.", "confirm": "on"}

    def cancel_in_admin():
        run_action(admin_client, "event", "cancel_events", [event])  # the confirmation page first
        run_action(admin_client, "event", "cancel_events", [event], post="yes", **message)

    console = outcome_of(
        lambda: admin_client.post(reverse("events:manage_event_cancel", args=[event.slug]), message), event=event
    )
    in_admin = outcome_of(cancel_in_admin, event=event)

    assert in_admin == console
    assert console["event"][0] == Event.Status.CANCELLED
    assert [(purpose, to) for purpose, to, _ in console["emails"]] == [
        ("event-cancelled", "holder@uni.ac.uk"),
        ("event-cancelled", "waiting1@uni.ac.uk"),
        ("event-cancelled", "waiting2@uni.ac.uk"),
    ]
    assert console["log"] == [
        ("cancelled", "admin@uni.ac.uk", event.pk, None, "3 registrants told. The room is flooded, sorry.")
    ]
    assert [text.split(" · ")[0] for text in console["webhook"]] == ["Event cancelled: Transformers"]


def test_raising_the_capacity_in_the_admin_does_what_the_console_does(admin_client, outcome_of):
    event, _ = event_with_a_waiting_list()

    console = outcome_of(
        lambda: admin_client.post(
            reverse("events:manage_event_edit", args=[event.slug]), console_event_data(event, capacity=2)
        ),
        event=event,
    )
    in_admin = outcome_of(
        lambda: admin_client.post(
            reverse("admin:events_event_change", args=[event.pk]), admin_event_data(event, capacity=2)
        ),
        event=event,
    )

    assert in_admin == console
    assert console["registrations"] == [
        ("holder@uni.ac.uk", Status.CONFIRMED, None),
        ("waiting1@uni.ac.uk", Status.CONFIRMED, None),
        ("waiting2@uni.ac.uk", Status.WAITLISTED, None),
    ]
    assert [(purpose, to) for purpose, to, _ in console["emails"]] == [("promoted", "waiting1@uni.ac.uk")]
    assert console["log"] == [("edited", "admin@uni.ac.uk", event.pk, None, "Changed: capacity. 0 registrants told.")]


def test_deleting_a_registration_in_the_admin_does_what_cancelling_in_the_console_does(admin_client, outcome_of):
    event, holder = event_with_a_waiting_list()

    console = outcome_of(
        lambda: admin_client.post(reverse("events:manage_cancel_registration", args=[event.slug, holder.token])),
        event=event,
    )
    in_admin = outcome_of(
        lambda: admin_client.post(reverse("admin:events_registration_delete", args=[holder.pk]), {"post": "yes"}),
        event=event,
    )

    assert in_admin == console
    assert console["registrations"] == [
        ("holder@uni.ac.uk", Status.CANCELLED, None),
        ("waiting1@uni.ac.uk", Status.CONFIRMED, None),
        ("waiting2@uni.ac.uk", Status.WAITLISTED, None),
    ]
    assert [(purpose, to) for purpose, to, _ in console["emails"]] == [("promoted", "waiting1@uni.ac.uk")]
    assert console["log"] == [("cancelled registration", "admin@uni.ac.uk", event.pk, "holder@uni.ac.uk", "")]
    assert Registration.objects.filter(pk=holder.pk).exists()  # the row stays as history


def test_adding_a_registration_in_the_admin_does_what_adding_in_the_console_does(admin_client, outcome_of):
    event, _ = event_with_a_waiting_list()
    person = UserFactory(email="person@uni.ac.uk")

    console = outcome_of(
        lambda: admin_client.post(
            reverse("events:manage_add_registrant", args=[event.slug]), {"email": "person@uni.ac.uk"}
        ),
        event=event,
    )
    in_admin = outcome_of(
        lambda: admin_client.post(reverse("admin:events_registration_add"), {"event": event.pk, "user": person.pk}),
        event=event,
    )

    assert in_admin == console
    assert ("person@uni.ac.uk", Status.WAITLISTED, None) in console["registrations"]
    assert [(purpose, to) for purpose, to, _ in console["emails"]] == [("waitlisted", "person@uni.ac.uk")]
    assert console["log"] == [("added registrant", "admin@uni.ac.uk", event.pk, "person@uni.ac.uk", "")]


def test_setting_the_webhook_in_the_admin_does_what_the_console_does(admin_client, outcome_of):
    event = EventFactory()
    url = "https://hooks.slack.com/services/T0/B0/committee"

    console = outcome_of(
        lambda: admin_client.post(reverse("events:manage_settings"), {"webhook_url": url}), event=event
    )
    in_admin = outcome_of(
        lambda: admin_client.post(reverse("admin:events_consolesettings_change", args=[1]), {"webhook_url": url}),
        event=event,
    )

    assert in_admin == console
    assert console["log"] == [("changed settings", "admin@uni.ac.uk", None, None, "webhook set")]
