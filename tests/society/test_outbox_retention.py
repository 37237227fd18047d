"""What the outbox keeps: account emails (their sign-in links) only until sent, other
emails until OUTBOX_RETENTION_DAYS after, failures until handled; and nothing sent twice."""

import re
from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from events.models import Event
from events.reminders import queue_due_reminders
from members.services import give_role
from society import outbox, tasks
from society.checks import check_outbox_retention, outbox_retention_minimum
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.smtp import html_body, text_body

State = OutboundEmail.State
RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+/")
NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def an_email(key: str, *, kind=EmailKind.REGISTRATION, state=State.SENT, **fields) -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=key,
        kind=kind,
        state=state,
        to_email=f"{key.replace(':', '-')}@uni.ac.uk",
        subject=f"About {key}",
        body_text=fields.pop("body_text", f"The text of {key}."),
        body_html=fields.pop("body_html", f"<p>The text of {key}.</p>"),
        **fields,
    )


def request_password_reset(client, email: str, capture) -> None:
    with capture(execute=True):  # the commit asks the worker (here, in-process) to deliver
        client.post(reverse("account_reset_password"), {"email": email})


# --- Account emails are sent, not kept ---------------------------------------------


@pytest.mark.django_db
def test_password_reset_is_sent_over_smtp_and_then_its_text_is_gone(
    client, member, smtp_server, django_capture_on_commit_callbacks
):
    request_password_reset(client, member.email, django_capture_on_commit_callbacks)

    [message] = smtp_server.messages
    assert RESET_LINK.search(text_body(message))
    assert RESET_LINK.search(html_body(message))
    row = OutboundEmail.objects.get()
    assert (row.kind, row.state, row.body_text, row.body_html) == (EmailKind.ACCOUNT, State.SENT, "", "")
    assert (row.subject, row.to_email) == (message["Subject"], member.email)  # what was sent, to whom, stays


@pytest.mark.django_db
def test_account_email_keeps_its_text_while_queued_and_through_temporary_errors(client, member, smtp_server):
    smtp_server.handler.replies.append("451 4.3.0 Try again later")
    client.post(reverse("account_reset_password"), {"email": member.email})
    queued = OutboundEmail.objects.get()
    assert RESET_LINK.search(queued.body_text)

    outbox.deliver_due_emails(now=timezone.now())
    waiting = OutboundEmail.objects.get()
    outbox.deliver_due_emails(now=timezone.now() + timedelta(hours=1))

    assert (waiting.state, waiting.body_text) == (State.PENDING, queued.body_text)
    [message] = smtp_server.messages
    assert RESET_LINK.search(text_body(message)).group(0) == RESET_LINK.search(queued.body_text).group(0)
    assert OutboundEmail.objects.values_list("state", "body_text", "body_html").get() == (State.SENT, "", "")


@pytest.mark.django_db
def test_account_email_refused_for_good_loses_its_text(client, member, smtp_server):
    smtp_server.handler.always_reply = "550 5.1.1 No such user"
    client.post(reverse("account_reset_password"), {"email": member.email})

    outbox.deliver_due_emails()

    row = OutboundEmail.objects.get()
    assert (row.state, row.body_text, row.body_html) == (State.FAILED, "", "")
    assert row.last_error == "SMTPDataError: (550, b'5.1.1 No such user')"


@pytest.mark.django_db
def test_cancelled_account_email_loses_its_text_and_other_kinds_keep_theirs(admin_client):
    account = an_email("account:password_reset_key:1", kind=EmailKind.ACCOUNT, state=State.PENDING)
    notice = an_email("committee-role:1", kind=EmailKind.NOTICE, state=State.PENDING)

    admin_client.post(
        reverse("admin:society_outboundemail_changelist"),
        {"action": "cancel", "_selected_action": [account.pk, notice.pk]},
    )

    rows = OutboundEmail.objects.order_by("id").values_list("state", "body_text")
    assert list(rows) == [(State.CANCELLED, ""), (State.CANCELLED, "The text of committee-role:1.")]


@pytest.mark.django_db
def test_committee_role_notice_is_not_an_account_email_and_keeps_its_text(committee_member, smtp_server):
    holder = UserFactory(email="hana@uni.ac.uk")
    give_role(user=holder, title="Treasurer", starts_on=NOW.date(), ends_on=NOW.date(), by=committee_member)

    outbox.deliver_due_emails()

    row = OutboundEmail.objects.get(to_email="hana@uni.ac.uk")
    assert (row.kind, row.state) == (EmailKind.NOTICE, State.SENT)
    assert "Treasurer" in row.body_text


@pytest.mark.django_db
def test_admin_never_shows_an_account_emails_text_queued_or_sent(admin_client):
    link = "https://society.example.ac.uk/accounts/password/reset/key/1-secret/"
    queued = an_email("account:password_reset_key:1", kind=EmailKind.ACCOUNT, state=State.PENDING, body_text=link)
    sent = an_email("account:password_reset_key:2", kind=EmailKind.ACCOUNT, body_text="", body_html="")
    ticket = an_email("confirmed:1", body_text="Your ticket: https://society.example.ac.uk/me/tickets/abc/")

    def change_page(email: OutboundEmail) -> str:
        return admin_client.get(reverse("admin:society_outboundemail_change", args=[email.pk])).content.decode()

    for email in (queued, sent):
        page = change_page(email)
        assert "Body not kept: this email carried a sign-in link" in page
        assert "password/reset/key" not in page
        assert email.subject in page
    assert "Your ticket: https://society.example.ac.uk/me/tickets/abc/" in change_page(ticket)
    assert "Body not kept" not in change_page(ticket)


@pytest.mark.django_db
def test_failed_account_email_is_not_retried_by_the_service_or_the_admin(admin_client):
    account = an_email("account:email_confirmation:1", kind=EmailKind.ACCOUNT, state=State.FAILED, body_text="")
    ticket = an_email("confirmed:1", state=State.FAILED)

    with pytest.raises(outbox.RetryRefused) as refusal:
        outbox.retry_email(email_id=account.pk)
    response = admin_client.post(
        reverse("admin:society_outboundemail_changelist"),
        {"action": "retry", "_selected_action": [account.pk, ticket.pk]},
        follow=True,
    )

    assert str(refusal.value) == outbox.ACCOUNT_EMAIL_NOT_RETRIED
    assert "their link would be stale" in str(refusal.value)
    assert [str(m) for m in response.context["messages"]] == [
        "1 email queued again.",
        outbox.ACCOUNT_EMAIL_NOT_RETRIED,
    ]
    assert dict(OutboundEmail.objects.values_list("key", "state")) == {
        "account:email_confirmation:1": State.FAILED,
        "confirmed:1": State.PENDING,
    }


@pytest.mark.django_db
def test_migration_relabels_notices_and_empties_account_emails_already_sent():
    link = "https://society.example.ac.uk/accounts/confirm-email/MQ:secret/"
    an_email("account:email_confirmation:1", kind=EmailKind.ACCOUNT, body_text=link, body_html=link)
    an_email("account:password_reset_key:2", kind=EmailKind.ACCOUNT, state=State.PENDING, body_text=link)
    an_email("committee-role:3", kind=EmailKind.ACCOUNT)
    an_email("retention-warning:4:2025", kind=EmailKind.ACCOUNT)

    migration = import_module("society.migrations.0004_notice_kind_account_bodies_purge_indexes")
    migration.relabel_notices_and_empty_account_bodies(django_apps, None)

    rows = OutboundEmail.objects.order_by("id").values_list("key", "kind", "body_text", "body_html")
    assert list(rows) == [
        ("account:email_confirmation:1", EmailKind.ACCOUNT, "", ""),
        ("account:password_reset_key:2", EmailKind.ACCOUNT, link, "<p>The text of account:password_reset_key:2.</p>"),
        ("committee-role:3", EmailKind.NOTICE, "The text of committee-role:3.", "<p>The text of committee-role:3.</p>"),
        (
            "retention-warning:4:2025",
            EmailKind.NOTICE,
            "The text of retention-warning:4:2025.",
            "<p>The text of retention-warning:4:2025.</p>",
        ),
    ]


# --- The purge ----------------------------------------------------------------------


@pytest.mark.django_db
def test_purge_deletes_old_sent_and_cancelled_emails_and_keeps_failed_pending_and_recent(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    long_ago, lately = NOW - timedelta(days=91), NOW - timedelta(days=89)
    an_email("sent-long-ago", sent_at=long_ago, created_at=long_ago)
    an_email("sent-lately", sent_at=lately, created_at=long_ago)  # retried, then sent
    an_email("cancelled-long-ago", state=State.CANCELLED, created_at=long_ago)
    an_email("cancelled-lately", state=State.CANCELLED, created_at=lately)
    an_email("failed-long-ago", state=State.FAILED, created_at=long_ago - timedelta(days=300))
    an_email("pending-long-ago", state=State.PENDING, created_at=long_ago)
    an_email("account-long-ago", kind=EmailKind.ACCOUNT, sent_at=long_ago, created_at=long_ago)

    deleted = outbox.purge_old_emails(now=NOW)

    assert deleted == 3
    assert sorted(OutboundEmail.objects.values_list("key", flat=True)) == [
        "cancelled-lately",
        "failed-long-ago",
        "pending-long-ago",
        "sent-lately",
    ]


@pytest.mark.django_db
def test_purge_works_in_batches_until_none_is_left(django_assert_num_queries):
    long_ago = timezone.now() - timedelta(days=200)
    for n in range(5):
        an_email(f"old:{n}", sent_at=long_ago)

    with django_assert_num_queries(2 * 3 + 1):  # per batch of 2: find, delete; then find none
        assert outbox.purge_old_emails(batch_size=2) == 5
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_purge_task_runs_daily_and_purges_with_the_clock(settings):
    import_module("society.migrations.0005_outbox_purge_schedule").schedule_purge(django_apps, None)
    an_email("old", sent_at=timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1))
    an_email("new", sent_at=timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS - 1))

    purged = tasks.purge_outbox()

    task = PeriodicTask.objects.get(task="society.tasks.purge_outbox")
    assert (task.enabled, task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == (True, "10", "4", "*")
    assert (purged, list(OutboundEmail.objects.values_list("key", flat=True))) == (1, ["new"])


@pytest.mark.django_db
def test_purged_reminder_is_not_sent_again(settings, smtp_server):
    # The longest reminder the settings allow with the shortest retention: sent, then
    # purged at the first moment it may be, after its event moved later in the same day.
    settings.REMINDER_OFFSETS_HOURS = [24 * 60]
    settings.OUTBOX_RETENTION_DAYS = outbox_retention_minimum()
    starts_at = datetime(2027, 9, 1, 9, 0, tzinfo=UTC)
    event = EventFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    RegistrationFactory(event=event, confirmed_at=starts_at - timedelta(days=90))
    reminded_at = starts_at - timedelta(days=60)
    assert queue_due_reminders(now=reminded_at) == 1
    outbox.deliver_due_emails(now=reminded_at)
    OutboundEmail.objects.update(sent_at=reminded_at)  # the clock of the test
    moved = starts_at + timedelta(hours=12)  # 22:00 in London: the same day, so the same key
    Event.objects.filter(pk=event.pk).update(starts_at=moved, ends_at=moved + timedelta(hours=2))

    purge_at = reminded_at + timedelta(days=settings.OUTBOX_RETENTION_DAYS, seconds=1)
    assert outbox.purge_old_emails(now=purge_at) == 1
    requeued = [queue_due_reminders(now=purge_at + timedelta(hours=h)) for h in range(0, 48, 6)]

    assert requeued == [0] * 8
    assert len(smtp_server.messages) == 1


def test_outbox_retention_shorter_than_30_days_or_a_reminder_stops_start_up(settings):
    settings.REMINDER_OFFSETS_HOURS = [24, 1]
    settings.OUTBOX_RETENTION_DAYS = 29
    with pytest.raises(SystemCheckError, match=r"society\.E001"):
        call_command("check")
    [too_short] = check_outbox_retention(None)
    settings.REMINDER_OFFSETS_HOURS = [24 * 45, 1]
    settings.OUTBOX_RETENTION_DAYS = 45
    [shorter_than_a_reminder] = check_outbox_retention(None)
    settings.OUTBOX_RETENTION_DAYS = 46

    assert check_outbox_retention(None) == []
    assert too_short.id == shorter_than_a_reminder.id == "society.E001"
    assert too_short.msg.startswith("OUTBOX_RETENTION_DAYS is 29: it must be at least 30")
    assert shorter_than_a_reminder.msg.startswith("OUTBOX_RETENTION_DAYS is 45: it must be at least 46")
