"""Registration emails, delivered over SMTP through the outbox, with both parts and an .ics."""

import pytest
from icalendar import Calendar

from events import services
from tests.factories import EventFactory, UserFactory
from tests.smtp import html_body, text_body

pytestmark = pytest.mark.django_db(transaction=True)


def attachment(message, filename: str) -> bytes:
    [part] = [p for p in message.iter_attachments() if p.get_filename() == filename]
    return part.get_content() if isinstance(part.get_content(), bytes) else part.get_content().encode()


def test_confirmed_email_has_text_html_ticket_link_and_a_valid_ics(smtp_server, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    event = EventFactory(title="Transformers", slug="transformers", venue="Lab 2.14")
    person = UserFactory(name="Rae Reader", email="rae@uni.ac.uk")

    registration, _ = services.register(event=event, user=person)

    [message] = smtp_server.messages
    assert message["Subject"] == "You're registered: Transformers"
    assert message["To"] == "Rae Reader <rae@uni.ac.uk>"
    ticket = f"https://society.example.ac.uk/me/tickets/{registration.token}/"
    assert ticket in text_body(message)
    assert f'href="{ticket}"' in html_body(message)
    [item] = Calendar.from_ical(attachment(message, "transformers.ics")).walk("VEVENT")
    assert (str(item["SUMMARY"]), item.decoded("DTSTART")) == ("Transformers", event.starts_at.replace(microsecond=0))


def test_waitlisted_and_promoted_emails_are_each_sent_once(smtp_server):
    event = EventFactory(title="Tiny room", slug="tiny-room", capacity=1)
    holder, waiting = UserFactory(), UserFactory(email="wait@uni.ac.uk")
    seat, _ = services.register(event=event, user=holder)
    services.register(event=event, user=waiting)

    services.cancel(registration=seat)
    services.promote_from_waitlist(event=event)  # nothing more to do: no second email

    subjects = [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in smtp_server.messages]
    assert subjects == [
        (holder.email, "You're registered: Tiny room"),
        ("wait@uni.ac.uk", "Waiting list: Tiny room (you are number 1)"),
        ("wait@uni.ac.uk", "A seat is yours: Tiny room"),
    ]
    promoted = smtp_server.messages[2]
    assert "a seat freed up and it is yours" in text_body(promoted)
    assert "a seat freed up and it is yours" in html_body(promoted)
    assert Calendar.from_ical(attachment(promoted, "tiny-room.ics")).walk("VEVENT")
    waitlisted = smtp_server.messages[1]
    assert "number 1" in html_body(waitlisted)
    assert list(waitlisted.iter_attachments()) == []
