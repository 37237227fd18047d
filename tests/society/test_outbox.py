"""The outbox: queued in the caller's transaction, delivered once over real SMTP."""

import threading
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from events.models import Announcement
from events.services import send_announcement
from society import outbox
from society.emails import Attachment, opt_out, queue_email, text_as_html, unsubscribe_token
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.smtp import html_body, text_body

State = OutboundEmail.State
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//society//test//EN\r\nEND:VCALENDAR\r\n"


def queue_test_email(*, key="test:1", to="ada@uni.ac.uk", kind=EmailKind.NOTICE, user=None, **context):
    return queue_email(
        key=key,
        to=to,
        template="emails/test",
        context={"headline": "Hello there", **context},
        kind=kind,
        user=user,
    )


@pytest.fixture(autouse=True)
def _test_template(settings, tmp_path):
    """A small email of our own, in the project's email layout."""
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "test_subject.txt").write_text("{{ headline }}\n")
    (tmp_path / "emails" / "test_message.txt").write_text(
        '{% extends "emails/base_message.txt" %}'
        "{% block content %}{{ headline }}: see {{ site_url }}/events/{% endblock %}"
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]


@pytest.mark.django_db
def test_queued_email_is_delivered_with_both_parts(smtp_server, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    member = UserFactory(email="ada@uni.ac.uk", name="Ada Lovelace")
    queue_test_email(user=member)

    report = outbox.deliver_due_emails()

    assert (report.sent, report.failed) == (1, 0)
    [message] = smtp_server.messages
    assert (message["To"], message["Subject"]) == ("Ada Lovelace <ada@uni.ac.uk>", "Hello there")
    text, html = text_body(message), html_body(message)
    assert "Hello Ada Lovelace,\n\nHello there: see https://society.example.ac.uk/events/" in text
    assert '<a href="https://society.example.ac.uk/events/"' in html
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")
    assert row.sent_at is not None


@pytest.mark.django_db
def test_same_key_queued_twice_sends_one_email(smtp_server):
    queue_test_email(key="reminder-24h:7")
    queue_test_email(key="reminder-24h:7", headline="A second try")

    outbox.deliver_due_emails()
    outbox.deliver_due_emails()

    assert [m["Subject"] for m in smtp_server.messages] == ["Hello there"]
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
def test_queue_email_answers_whether_it_queued_a_new_email():
    first = queue_test_email(key="reminder-24h:7")
    second = queue_test_email(key="reminder-24h:7", headline="A second try")

    assert (first, second) == (True, False)
    assert list(OutboundEmail.objects.values_list("key", "context")) == [
        ("reminder-24h:7", {"headline": "Hello there"})
    ]


@pytest.mark.django_db(transaction=True)
def test_same_key_written_meanwhile_is_no_new_email_and_the_transaction_goes_on(postgres):
    written, go_on = threading.Event(), threading.Event()

    def another_transaction():
        try:
            with transaction.atomic():
                queue_test_email(key="test:race", headline="First")
                written.set()
                go_on.wait(timeout=10)
                time.sleep(0.2)  # while the other INSERT waits for this row's fate
        finally:
            connection.close()

    other = threading.Thread(target=another_transaction)
    other.start()
    assert written.wait(timeout=10)
    with transaction.atomic():
        go_on.set()
        queued = queue_test_email(key="test:race", headline="Second")
        after = queue_test_email(key="test:after")
    other.join()

    assert (queued, after) == (False, True)
    assert sorted(OutboundEmail.objects.values_list("key", "context")) == [
        ("test:after", {"headline": "Hello there"}),
        ("test:race", {"headline": "First"}),
    ]


@pytest.mark.django_db
def test_announcement_counts_only_the_registrants_it_queued_an_email_for(committee_member):
    event = EventFactory()
    already, new = RegistrationFactory(event=event), RegistrationFactory(event=event)
    announcement = Announcement.objects.create(event=event, subject="Bring a laptop", body="Charged, please.")
    queue_test_email(key=f"announcement:{announcement.pk}:user:{already.user.pk}", to=already.user.email)

    sent = send_announcement(announcement=announcement, by=committee_member)

    announcement.refresh_from_db()
    assert (sent, announcement.recipient_count) == (1, 1)
    assert OutboundEmail.objects.filter(kind=EmailKind.ANNOUNCEMENT).get().to_email == new.user.email


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_sends_nothing(smtp_server):
    def register_then_fail():
        with transaction.atomic():
            queue_test_email()
            raise RuntimeError("the registration failed")

    with pytest.raises(RuntimeError):
        register_then_fail()

    outbox.deliver_due_emails()

    assert (OutboundEmail.objects.count(), smtp_server.messages) == (0, [])


@pytest.mark.django_db(transaction=True)
def test_committed_transaction_is_delivered_at_commit_by_the_task(smtp_server):
    with transaction.atomic():
        for n in range(3):
            queue_test_email(key=f"test:{n}")
        assert smtp_server.messages == []

    assert len(smtp_server.messages) == 3
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.django_db
def test_one_delivery_request_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for n in range(5):
            queue_test_email(key=f"test:{n}")

    assert len(callbacks) == 1


@pytest.mark.django_db
def test_temporary_smtp_error_is_retried_later_and_then_sent(smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    smtp_server.handler.replies.append("451 4.3.0 Mailbox busy, try later")
    queue_test_email()
    now = timezone.now()

    first = outbox.deliver_due_emails(now=now)
    too_soon = outbox.deliver_due_emails(now=now + timedelta(seconds=30))
    later = outbox.deliver_due_emails(now=now + timedelta(seconds=61))

    assert (first.retrying, too_soon.claimed, later.sent) == (1, [], 1)
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (State.SENT, 2)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_retries_wait_longer_each_time():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


@pytest.mark.django_db
def test_smtp_failing_every_time_ends_failed_with_the_error(smtp_server, settings, admin_client):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.handler.always_reply = "452 4.2.2 Mailbox full"
    queue_test_email()
    now = timezone.now()

    for hours in range(3):
        outbox.deliver_due_emails(now=now + timedelta(hours=hours))

    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert row.last_error == "SMTPDataError: (452, b'4.2.2 Mailbox full')"
    assert smtp_server.messages == []
    page = admin_client.get(reverse("admin:society_outboundemail_change", args=[row.pk])).content.decode()
    assert "4.2.2 Mailbox full" in page


@pytest.mark.django_db
def test_permanent_smtp_error_fails_at_once(smtp_server):
    smtp_server.handler.always_reply = "550 5.1.1 No such user"
    queue_test_email()

    outbox.deliver_due_emails()

    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts, row.last_error) == (State.FAILED, 1, "SMTPDataError: (550, b'5.1.1 No such user')")


@pytest.mark.django_db
def test_smtp_server_down_is_a_temporary_error(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    queue_test_email()

    report = outbox.deliver_due_emails()

    row = OutboundEmail.objects.get()
    assert (report.retrying, row.state, row.attempts) == (1, State.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")


@pytest.mark.django_db
def test_one_bad_message_does_not_stop_the_batch(smtp_server):
    smtp_server.handler.replies.extend(["", "550 5.1.1 No such user"])  # first accepted, second refused
    for n in range(4):
        queue_test_email(key=f"test:{n}", to=f"student{n}@uni.ac.uk")

    report = outbox.deliver_due_emails()

    assert (report.sent, report.failed) == (3, 1)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "student0@uni.ac.uk",
        "student2@uni.ac.uk",
        "student3@uni.ac.uk",
    ]


@pytest.mark.django_db
def test_claimed_emails_of_a_dead_worker_are_released_after_the_lease(settings):
    settings.OUTBOX_LEASE_SECONDS = 600
    queue_test_email()
    now = timezone.now()
    assert outbox.claim_due_emails(now=now, limit=10)  # a worker claims, then dies

    early = outbox.release_stale_claims(now=now + timedelta(seconds=599))
    late = outbox.release_stale_claims(now=now + timedelta(seconds=601))

    assert (early, late) == (0, 1)
    assert OutboundEmail.objects.get().state == State.PENDING


@pytest.mark.django_db
def test_attachment_arrives_as_a_valid_calendar_file(smtp_server):
    queue_email(
        key="confirmed:1",
        to="ada@uni.ac.uk",
        template="emails/test",
        context={"headline": "You're registered"},
        kind=EmailKind.REGISTRATION,
        attachments=(Attachment("event.ics", ICS, "text/calendar"),),
    )

    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == ("event.ics", "text/calendar")
    assert attachment.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")


@pytest.mark.django_db
def test_newlines_in_names_and_subjects_cannot_add_headers(smtp_server):
    member = UserFactory(email="eve@uni.ac.uk", name="Eve\r\nBcc: everyone@uni.ac.uk")
    queue_test_email(user=member, to=member.email, headline="Line one\r\nBcc: everyone@uni.ac.uk")

    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    assert message["Bcc"] is None
    assert message["Subject"] == "Line one Bcc: everyone@uni.ac.uk"
    assert message["To"] == '"Eve Bcc: everyone@uni.ac.uk" <eve@uni.ac.uk>'
    assert message["To"].addresses[0].addr_spec == "eve@uni.ac.uk"


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["not-an-address", "ada@uni.ac.uk\nBcc: x@uni.ac.uk", ""])
def test_malformed_recipient_is_refused_when_queued(address):
    with pytest.raises(Exception, match="valid email address"):
        queue_test_email(to=address)

    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_deleted_account_gets_nothing(smtp_server):
    member = UserFactory()
    queue_test_email(user=member, to=member.email)

    member.delete()
    outbox.deliver_due_emails()

    assert (OutboundEmail.objects.count(), smtp_server.messages) == (0, [])


# --- Preferences and unsubscribing -------------------------------------------------


@pytest.mark.django_db
def test_optional_email_carries_one_click_unsubscribe_headers(smtp_server, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    member = UserFactory()
    queue_test_email(user=member, to=member.email, kind=EmailKind.REMINDER)

    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    link = reverse("email_unsubscribe", kwargs={"token": unsubscribe_token(member, EmailKind.REMINDER)})
    assert message["List-Unsubscribe"].strip() == f"<https://society.example.ac.uk{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: https://society.example.ac.uk{link}" in text_body(message)


@pytest.mark.django_db
def test_transactional_email_has_no_unsubscribe_and_ignores_opt_outs(smtp_server):
    member = UserFactory()
    for kind in EmailKind.optional():
        opt_out(user_id=member.pk, kind=kind)
    queue_test_email(user=member, to=member.email, kind=EmailKind.REGISTRATION)

    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    assert message["List-Unsubscribe"] is None


@pytest.mark.django_db
def test_opted_out_member_is_not_sent_that_kind():
    member = UserFactory()
    opt_out(user_id=member.pk, kind=EmailKind.DIGEST)

    queued = queue_test_email(user=member, to=member.email, kind=EmailKind.DIGEST)
    other = queue_test_email(key="test:2", user=member, to=member.email, kind=EmailKind.REMINDER)

    assert (queued, other) == (False, True)
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == [EmailKind.REMINDER]


@pytest.mark.django_db
def test_optional_kind_without_a_member_is_a_programming_error():
    with pytest.raises(ValueError, match="need the member"):
        queue_test_email(kind=EmailKind.ANNOUNCEMENT)


@pytest.mark.django_db
def test_unsubscribe_page_asks_first_and_changes_nothing_on_get(client):
    member = UserFactory()
    url = reverse("email_unsubscribe", kwargs={"token": unsubscribe_token(member, EmailKind.ANNOUNCEMENT)})

    response = client.get(url)

    assert response.status_code == 200
    assert "You will no longer receive <strong>announcements from the committee</strong>" in response.content.decode()
    assert EmailOptOut.objects.count() == 0


@pytest.mark.django_db
def test_one_click_post_unsubscribes_without_cookie_or_csrf_token_and_cancels_pending():
    member = UserFactory()
    queue_test_email(user=member, to=member.email, kind=EmailKind.ANNOUNCEMENT)
    queue_test_email(key="test:2", user=member, to=member.email, kind=EmailKind.REMINDER)
    url = reverse("email_unsubscribe", kwargs={"token": unsubscribe_token(member, EmailKind.ANNOUNCEMENT)})

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert list(EmailOptOut.objects.values_list("user", "kind")) == [(member.pk, EmailKind.ANNOUNCEMENT)]
    assert dict(OutboundEmail.objects.values_list("kind", "state")) == {
        EmailKind.ANNOUNCEMENT: State.CANCELLED,
        EmailKind.REMINDER: State.PENDING,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJrIjoiZGlnZXN0In0:forged:signature"])
def test_forged_unsubscribe_token_is_refused_and_changes_nothing(client, token):
    response = client.post(reverse("email_unsubscribe", kwargs={"token": token}))

    assert response.status_code == 404
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert EmailOptOut.objects.count() == 0


@pytest.mark.django_db
def test_unsubscribe_link_of_a_deleted_account_is_refused(client):
    member = UserFactory()
    url = reverse("email_unsubscribe", kwargs={"token": unsubscribe_token(member, EmailKind.DIGEST)})
    member.delete()

    assert client.post(url).status_code == 404


@pytest.mark.django_db
def test_text_parts_are_not_html_escaped(smtp_server):
    queue_test_email(headline="You're in: <Intro to ML> & more")

    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    assert message["Subject"] == "You're in: <Intro to ML> & more"
    assert "You're in: <Intro to ML> & more: see" in text_body(message)
    assert "You&#x27;re in: &lt;Intro to ML&gt; &amp; more" in html_body(message)


@pytest.mark.django_db
def test_transactional_kinds_cannot_be_opted_out_of():
    member = UserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        EmailOptOut.objects.create(user=member, kind=EmailKind.REGISTRATION)

    assert EmailOptOut.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "See https://uni.ac.uk/events/.",
            '<p>See <a href="https://uni.ac.uk/events/">https://uni.ac.uk/events/</a>.</p>',
        ),
        ("a <b> & c", "<p>a &lt;b&gt; &amp; c</p>"),
        ("one\n\ntwo\nthree", "<p>one</p>\n\n<p>two<br>three</p>"),
        ('http://x.uk/?a=1&b="2"', '<p><a href="http://x.uk/?a=1&amp;b=">http://x.uk/?a=1&amp;b=</a>&quot;2&quot;</p>'),
    ],
)
def test_text_body_becomes_safe_html_with_links(text, html):
    assert text_as_html(text) == html


@pytest.mark.django_db
def test_html_made_from_text_keeps_one_footer(smtp_server):
    member = UserFactory()
    queue_test_email(user=member, to=member.email, kind=EmailKind.REMINDER)

    outbox.deliver_due_emails()

    html = html_body(smtp_server.messages[0])
    assert html.count("Unsubscribe</a>") == 1
    assert "-- " not in html


# --- The admin's outbox -----------------------------------------------------------


@pytest.mark.django_db
def test_admin_outbox_filters_by_state_and_kind_and_searches_by_recipient(admin_client):
    queue_test_email(key="a", to="ada@uni.ac.uk")
    queue_test_email(key="b", to="bob@uni.ac.uk", kind=EmailKind.REGISTRATION)
    OutboundEmail.objects.filter(key="b").update(state=State.FAILED)
    url = reverse("admin:society_outboundemail_changelist")

    def listed(**params) -> list[str]:
        return [row.key for row in admin_client.get(url, params).context["cl"].result_list]

    assert listed(state__exact="failed") == ["b"]
    assert listed(kind__exact="notice") == ["a"]
    assert listed(q="bob@") == ["b"]


@pytest.mark.django_db
def test_admin_retries_failed_emails_and_cancels_pending_ones(admin_client, smtp_server):
    queue_test_email(key="failed", to="ada@uni.ac.uk")
    queue_test_email(key="pending", to="bob@uni.ac.uk")
    OutboundEmail.objects.filter(key="failed").update(state=State.FAILED, attempts=6, last_error="550 no")
    url = reverse("admin:society_outboundemail_changelist")
    ids = dict(OutboundEmail.objects.values_list("key", "pk"))

    admin_client.post(url, {"action": "cancel", "_selected_action": [ids["pending"]]})
    admin_client.post(url, {"action": "retry", "_selected_action": [ids["failed"]]})
    outbox.deliver_due_emails()

    assert dict(OutboundEmail.objects.values_list("key", "state")) == {"failed": State.SENT, "pending": State.CANCELLED}
    assert [m["To"] for m in smtp_server.messages] == ["ada@uni.ac.uk"]


@pytest.mark.django_db
def test_admin_cannot_type_in_an_email(admin_client):
    assert admin_client.get(reverse("admin:society_outboundemail_add")).status_code == 403


@pytest.mark.django_db
def test_outbox_sweep_runs_every_minute_and_shows_in_the_admin(admin_client):
    # Data written by a migration (a transactional test may have flushed it: write it again).
    import_module("society.migrations.0002_outbox_sweep_schedule").schedule_sweep(django_apps, None)

    task = PeriodicTask.objects.get(task="society.tasks.sweep_outbox")

    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "minutes")
    page = admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "Deliver pending emails (outbox sweep)" in page
