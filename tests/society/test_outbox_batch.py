"""The outbox delivers a batch with a fixed number of statements besides the
one that records each email sent, renders it with each template found once, and
builds each message cheaply without changing what arrives (issue #15, item 3)."""

from datetime import date
from email import message_from_bytes, policy
from email.utils import formataddr

import pytest
from django.core.mail import EmailMultiAlternatives
from django.template import loader

from members.models import User
from society import outbox
from society.emails import Attachment, MessageBuilder, queue_email
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import UserFactory
from tests.smtp import html_body, text_body

State = OutboundEmail.State
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//society//test//EN\r\nEND:VCALENDAR\r\n"

# Claim (savepoint, SELECT ... FOR UPDATE SKIP LOCKED, UPDATE, release), the
# emails with their members, the opt-outs, and synchronous_commit off and back.
STATEMENTS_PER_BATCH = 8


def queue_for_members(count: int) -> list:
    members = UserFactory.create_batch(count)
    for n, member in enumerate(members):
        queue_email(
            key=f"batch:{n}",
            to=member.email,
            template="emails/retention_warning",
            context={"anonymise_on": date(2027, 8, 9), "login_url": "https://society.example.ac.uk/accounts/login/"},
            kind=EmailKind.REMINDER if n % 2 else EmailKind.NOTICE,
            user=member,
            attachments=(Attachment("event.ics", ICS, "text/calendar"),) if n % 3 == 0 else (),
        )
    return members


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_a_batch_costs_fixed_statements_plus_one_per_email_sent(count, smtp_server, django_assert_num_queries):
    queue_for_members(count)

    # The one statement per email is the commit that records it sent, right
    # after SMTP accepts it: a worker that dies loses at most the one in flight.
    with django_assert_num_queries(STATEMENTS_PER_BATCH + count):
        report = outbox.deliver_due_emails(limit=100)

    assert (report.sent, report.failed, report.retrying) == (count, 0, 0)
    assert OutboundEmail.objects.filter(state=State.SENT).count() == count
    assert len(smtp_server.messages) == count


@pytest.mark.django_db
def test_members_who_opted_out_meanwhile_are_cancelled_in_one_statement(smtp_server, django_assert_num_queries):
    members = queue_for_members(6)
    # Opted out after their emails were queued (opt_out() would have cancelled them at once).
    reminders = [m for n, m in enumerate(members) if n % 2]
    EmailOptOut.objects.bulk_create(EmailOptOut(user=m, kind=EmailKind.REMINDER) for m in reminders)

    with django_assert_num_queries(STATEMENTS_PER_BATCH + 1 + 3):  # the cancel, then three sent
        report = outbox.deliver_due_emails()

    assert (report.sent, report.cancelled) == (3, 3)
    cancelled = OutboundEmail.objects.filter(state=State.CANCELLED)
    assert {e.user_id for e in cancelled} == {m.pk for m in reminders}
    assert {(e.last_error, e.claimed_at) for e in cancelled} == {("The member unsubscribed.", None)}
    assert sorted(m["To"].split("<")[-1].rstrip(">") for m in smtp_server.messages) == sorted(
        m.email for n, m in enumerate(members) if n % 2 == 0
    )


@pytest.mark.django_db
def test_every_message_of_a_batch_arrives_whole(smtp_server):
    members = queue_for_members(4)

    outbox.deliver_due_emails()

    assert len(smtp_server.messages) == 4
    for message in smtp_server.messages:
        assert "9 August 2027" in text_body(message)
        assert "9 August 2027" in html_body(message)
        member = next(m for m in members if m.email in message["To"])
        calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert len(calendars) == (1 if members.index(member) % 3 == 0 else 0)
        if calendars:
            assert calendars[0].get_payload(decode=True).decode() == ICS


def test_the_batch_boundaries_are_in_none_of_the_texts(monkeypatch):
    drawn = iter(["a" * 32, "c" * 32, "b" * 32, "d" * 32])
    monkeypatch.setattr("society.emails.secrets.token_hex", lambda size: next(drawn))
    plain = OutboundEmail(pk=1, subject="s", body_text="t", body_html="h", headers={}, attachments=[])
    quoting = OutboundEmail(pk=2, subject="s", body_text=f"=={'a' * 32}==", body_html="h", headers={}, attachments=[])

    builder = MessageBuilder([plain, quoting])

    assert (builder.boundary, builder.mixed_boundary) == (f"=={'b' * 32}==", f"=={'d' * 32}==")
    assert f'boundary="{builder.boundary}"'.encode() in builder.build(quoting).message().as_bytes()


@pytest.mark.django_db
def test_each_template_of_a_batch_is_found_once(smtp_server, monkeypatch):
    queue_for_members(30)
    found = []

    def get_template(name):
        found.append(name)
        return loader.get_template(name)

    monkeypatch.setattr("society.emails.get_template", get_template)
    report = outbox.deliver_due_emails()

    assert report.sent == 30
    assert found == [
        "emails/retention_warning_subject.txt",
        "emails/retention_warning_message.txt",
        "emails/retention_warning_message.html",  # none: the text is laid out in the society's HTML layout
        "emails/base_message.html",
    ]


ODD_EMAILS = {
    "accents": {"subject": "Café: «Intro» to ML", "name": "Zoë Ångström", "text": "Ça va ? Très bien.\n"},
    "long subject": {
        "subject": " ".join(["A talk about transformers and attention"] * 4),
        "name": "Ada",
        "text": "Hi\n",
    },
    "long line": {"subject": "Notes", "name": "Bo", "text": "word " * 300 + "\nDone.\n"},
    "long accented line": {"subject": "Notes", "name": "Bo", "text": "é" * 700 + "\n"},
    "line endings": {"subject": "Ends", "name": "", "text": "one\r\ntwo\rthree\nfour"},
    "quotes in the name": {"subject": "Hi", "name": 'Ada "the first" <Lovelace>', "text": ".dot first\n..two\n"},
    "a calendar": {"subject": "Ticket", "name": "Ada", "text": "See the file.\n", "ics": True},
}


@pytest.mark.parametrize("odd", ODD_EMAILS.values(), ids=ODD_EMAILS.keys())
def test_a_message_reads_as_the_one_django_builds(odd, settings):
    """MessageBuilder writes the MIME itself (Python's email package costs more than
    the rest of sending): a mail client reads the same message as Django's."""
    html = "<p>" + odd["text"].replace("\n", "<br>") + "</p>"
    attachments = [{"filename": "event.ics", "content": ICS, "mimetype": "text/calendar"}] if odd.get("ics") else []
    member = OutboundEmail(pk=7, to_email="ada@uni.ac.uk", subject=odd["subject"], body_text=odd["text"])
    member.body_html, member.attachments = html, attachments
    member.headers = {"List-Unsubscribe": "<https://society.example.ac.uk/emails/unsubscribe/x/>"}
    member.user = User(pk=1, email="ada@uni.ac.uk", name=odd["name"])
    name = " ".join(member.user.display_name.split())  # as the message before MessageBuilder wrote it
    django_message = EmailMultiAlternatives(
        subject=odd["subject"],
        body=odd["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((name, "ada@uni.ac.uk"))],
        headers={**member.headers, "Message-ID": "<outbox-7@localhost>"},
    )
    django_message.attach_alternative(html, "text/html")
    for attachment in attachments:
        django_message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])

    written = MessageBuilder([member]).build(member).message().as_bytes(linesep="\r\n")
    built = django_message.message().as_bytes(linesep="\r\n")

    assert read(written) == read(built)


def read(data: bytes) -> dict:
    """What a mail client shows of a message."""
    message = message_from_bytes(data, policy=policy.default)
    return {
        "headers": {name: str(message[name]) for name in ("From", "To", "Subject", "List-Unsubscribe")},
        "to": [(a.display_name, a.addr_spec) for a in message["To"].addresses],
        "text": message.get_body(("plain",)).get_content(),
        "html": message.get_body(("html",)).get_content(),
        "attachments": [(a.get_filename(), a.get_content_type(), a.get_content()) for a in message.iter_attachments()],
    }
