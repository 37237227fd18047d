"""An email is queued as its template and a JSON context, and rendered once, when it is
delivered (issue #15, item 3): what it says, its key, what happens when it cannot be
rendered, opt-outs, and queuing many at once."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from society import outbox
from society.emails import Email, email_context, opt_out, queue_email, queue_emails, read_email_context
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import EventFactory, UserFactory
from tests.smtp import html_body, text_body

pytestmark = pytest.mark.django_db
State = OutboundEmail.State
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _templates(settings, tmp_path):
    """Two small emails of our own: one that renders, one whose subject cannot."""
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "note_subject.txt").write_text("{{ headline }}\n")
    (tmp_path / "emails" / "note_message.txt").write_text(
        '{% extends "emails/base_message.txt" %}'
        '{% block content %}{{ headline }} on {{ day|date:"j F Y" }}.{% endblock %}'
    )
    (tmp_path / "emails" / "broken_subject.txt").write_text("{{ headline|no_such_filter }}\n")
    (tmp_path / "emails" / "broken_message.txt").write_text("{{ headline }}\n")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    settings.SITE_URL = "https://society.example.ac.uk"


def note(key: str, *, to="ada@uni.ac.uk", template="emails/note", kind=EmailKind.NOTICE, user=None, **context) -> Email:
    return Email(
        key=key,
        to=to,
        template=template,
        context={"headline": "Hello there", "day": date(2027, 8, 9), **context},
        kind=kind,
        user=user,
    )


def test_a_ticket_is_kept_as_its_template_and_plain_context_and_rendered_when_delivered(smtp_server, settings):
    settings.TIME_ZONE = "Europe/London"
    member = UserFactory(email="ada@uni.ac.uk", name="Ada Lovelace")
    starts = datetime(2027, 2, 10, 18, 0, tzinfo=LONDON)
    event = EventFactory(title="Intro to PyTorch", starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=5)

    registration, _ = services.register(event=event, user=member)

    queued = OutboundEmail.objects.get()
    assert (queued.template, queued.subject, queued.body_text) == ("emails/registration_confirmed", "", "")
    assert queued.context["event"]["title"] == "Intro to PyTorch"
    assert queued.context["ticket_url"] == f"https://society.example.ac.uk/me/tickets/{registration.token}/"
    assert queued.context["starts_at"] == {"$datetime": "2027-02-10T18:00:00+00:00"}

    report = outbox.deliver_due_emails()

    assert report.sent == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "You're registered: Intro to PyTorch"
    text = text_body(message)
    assert text.startswith("Hello Ada Lovelace,\n\nYou have a seat.")
    assert "When: Wednesday 10 February 2027, 18:00 \N{EN DASH} 20:00 GMT" in text
    assert f"https://society.example.ac.uk/me/tickets/{registration.token}/" in html_body(message)
    [calendar] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert calendar.get_filename() == f"{event.slug}.ics"
    sent = OutboundEmail.objects.get()
    assert (sent.state, sent.subject, sent.body_text) == (State.SENT, message["Subject"], text.replace("\r\n", "\n"))


def test_the_same_key_queued_twice_is_rendered_from_the_first_and_sent_once(smtp_server):
    first = queue_emails([note("note:1", headline="First")])
    second = queue_emails([note("note:1", headline="Second")])

    outbox.deliver_due_emails()
    outbox.deliver_due_emails()

    assert (first, second) == (1, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["First"]
    assert list(OutboundEmail.objects.values_list("key", "state", "subject")) == [("note:1", State.SENT, "First")]


def test_an_email_that_cannot_be_rendered_fails_with_the_reason_and_the_batch_goes_on(smtp_server):
    queue_emails([note("note:1"), note("broken:1", template="emails/broken"), note("note:2", to="bo@uni.ac.uk")])

    report = outbox.deliver_due_emails()
    again = outbox.deliver_due_emails()

    assert (report.sent, report.failed, again.claimed) == (2, 1, [])
    assert sorted(m["To"] for m in smtp_server.messages) == ["ada@uni.ac.uk", "bo@uni.ac.uk"]
    broken = OutboundEmail.objects.get(key="broken:1")
    assert (broken.state, broken.attempts) == (State.FAILED, 1)
    assert broken.last_error == (
        "Could not render emails/broken: TemplateSyntaxError: Invalid filter: 'no_such_filter'"
    )


def test_an_email_that_could_not_be_rendered_is_sent_once_when_retried_after_the_mending(
    smtp_server, settings, tmp_path
):
    queue_email(
        key="broken:1", to="ada@uni.ac.uk", template="emails/broken", context={"headline": "Hi"}, kind=EmailKind.NOTICE
    )
    outbox.deliver_due_emails()
    (tmp_path / "emails" / "broken_subject.txt").write_text("{{ headline }}, again\n")  # a deploy mends it

    outbox.retry_email(email_id=OutboundEmail.objects.get().pk)
    outbox.deliver_due_emails()
    outbox.deliver_due_emails()

    assert [m["Subject"] for m in smtp_server.messages] == ["Hi, again"]
    assert OutboundEmail.objects.get().state == State.SENT


def test_a_member_who_opts_out_after_queuing_is_cancelled_at_delivery_unrendered(smtp_server):
    member = UserFactory()
    queue_emails([note("reminder:1", to=member.email, kind=EmailKind.REMINDER, user=member)])
    EmailOptOut.objects.create(user=member, kind=EmailKind.REMINDER)  # as opt_out() would, minus its cancel

    report = outbox.deliver_due_emails()

    assert (report.sent, report.cancelled, smtp_server.messages) == (0, 1, [])
    row = OutboundEmail.objects.get()
    assert (row.state, row.subject, row.last_error) == (State.CANCELLED, "", "The member unsubscribed.")


def test_an_optional_email_gets_its_unsubscribe_link_when_rendered(smtp_server):
    member = UserFactory()
    queue_emails([note("reminder:1", to=member.email, kind=EmailKind.REMINDER, user=member)])

    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    row = OutboundEmail.objects.get()
    assert row.headers["List-Unsubscribe"] == message["List-Unsubscribe"].strip()
    assert f"Unsubscribe: {row.headers['List-Unsubscribe'][1:-1]}" in text_body(message)


def test_queue_emails_costs_one_query_for_opt_outs_and_one_insert_and_counts_the_new_ones(django_assert_num_queries):
    members = UserFactory.create_batch(4)
    opt_out(user_id=members[3].pk, kind=EmailKind.REMINDER)
    queue_emails([note("reminder:0", to=members[0].email, kind=EmailKind.REMINDER, user=members[0])])
    emails = [
        note(f"reminder:{n}", to=member.email, kind=EmailKind.REMINDER, user=member) for n, member in enumerate(members)
    ]
    emails.append(note("reminder:1", to=members[1].email, kind=EmailKind.REMINDER, user=members[1], headline="Twice"))

    with django_assert_num_queries(2):
        written = queue_emails(emails)
    again = queue_emails(emails)

    # reminder:0 was queued before, reminder:3's member opted out, reminder:1 is in the batch twice.
    assert (written, again) == (2, 0)
    assert sorted(OutboundEmail.objects.values_list("key", "context__headline")) == [
        ("reminder:0", "Hello there"),
        ("reminder:1", "Hello there"),
        ("reminder:2", "Hello there"),
    ]


def test_queue_emails_of_transactional_kinds_asks_nothing_of_opt_outs(django_assert_num_queries):
    with django_assert_num_queries(1):
        written = queue_emails([note(f"note:{n}", to=f"student{n}@uni.ac.uk") for n in range(3)])

    assert written == 3


def test_the_context_keeps_plain_data_and_gives_dates_and_times_back():
    moment = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    context = {"when": timezone.localtime(moment, LONDON), "day": date(2027, 3, 28), "links": [(1, "https://x/")]}

    kept = email_context(context)

    assert kept == {
        "when": {"$datetime": "2027-03-28T00:30:00+00:00"},
        "day": {"$date": "2027-03-28"},
        "links": [[1, "https://x/"]],
    }
    assert read_email_context(kept) == {**context, "links": [[1, "https://x/"]]}


def test_the_context_refuses_a_model_instance_and_says_where_it_is():
    event = EventFactory()

    with pytest.raises(TypeError, match=r"context\['event'\] is a Event: give plain values"):
        email_context({"event": event})
    with pytest.raises(TypeError, match=r"context\['entries'\]\[0\]\['event'\] is a Event"):
        queue_email(
            key="digest:1", to="ada@uni.ac.uk", template="emails/note", context={"entries": [{"event": event}]},
            kind=EmailKind.NOTICE,
        )  # fmt: skip
    assert OutboundEmail.objects.count() == 0


def test_the_console_previews_an_email_not_sent_yet_and_shows_why_one_cannot_be_rendered(committee_client):
    queue_emails([note("note:1", headline="Room change"), note("broken:1", template="emails/broken")])
    waiting, broken = OutboundEmail.objects.get(key="note:1"), OutboundEmail.objects.get(key="broken:1")

    page = committee_client.get(reverse("events:manage_email", kwargs={"email_id": waiting.pk})).content.decode()
    failing = committee_client.get(reverse("events:manage_email", kwargs={"email_id": broken.pk})).content.decode()

    assert "Rendered when it is sent: here it is as it would read now." in page
    assert "Subject: <strong>Room change</strong>" in page
    assert "Room change on 9 August 2027." in page
    assert "It cannot be rendered: TemplateSyntaxError: Invalid filter: &#x27;no_such_filter&#x27;" in failing
    assert OutboundEmail.objects.get(pk=waiting.pk).subject == ""  # a preview renders nothing into the row


def test_the_admin_shows_an_email_not_sent_yet_by_its_template(admin_client):
    queue_emails([note("note:1")])
    row = OutboundEmail.objects.get()

    listed = admin_client.get(reverse("admin:society_outboundemail_changelist")).content.decode()
    page = admin_client.get(reverse("admin:society_outboundemail_change", args=[row.pk]))

    assert "emails/note (not rendered yet)" in listed
    assert page.status_code == 200
    assert "emails/note" in page.content.decode()
