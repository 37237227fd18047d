"""A member finds an event from the home page, registers, sees their ticket,
cancels, and the next person waiting gets the seat and an email."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageOps
from playwright.sync_api import Page, expect

from events import services
from events.images import render_banner
from events.models import EventSpeaker, Registration
from tests.browser.test_members_journey import DESKTOP, PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import EventFactory, RegistrationFactory, SpeakerFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")

DESCRIPTION = """\
Attention lets a model look at every word of a sentence at once. We build a small
transformer **from scratch** in PyTorch and train it on Shakespeare.

## What to bring

- A laptop with a browser
- The [previous workshop's notebook](https://example.org/notebook)
"""


def banner() -> dict[int, bytes]:
    gradient = Image.linear_gradient("L").rotate(90).resize((1600, 700))
    out = io.BytesIO()
    ImageOps.colorize(gradient, black="#3b2f8f", white="#f2b84b").save(out, format="PNG")
    return render_banner(SimpleUploadedFile("banner.png", out.getvalue(), content_type="image/png"))


@pytest.fixture
def workshop(db):
    event = EventFactory(
        title="Transformers and attention",
        slug="transformers-and-attention",
        summary="Build a small transformer from scratch and train it on Shakespeare.",
        description=DESCRIPTION,
        starts_at=timezone.now() + timedelta(days=2),
        venue="Lab 2.14",
        building="Computer Science Building",
        capacity=2,
    )
    event.topics.add(TopicFactory(name="Natural language processing", slug="nlp"))
    speaker = SpeakerFactory(
        name="Dr Ada Byron", affiliation="Department of Computer Science", bio="Works on efficient attention."
    )
    EventSpeaker.objects.create(event=event, speaker=speaker)
    services.set_banner(event=event, renditions=banner())
    services.register(event=event, user=UserFactory(name="Early Bird"))
    return event


def test_member_registers_sees_the_ticket_cancels_and_the_next_person_is_promoted(
    page: Page, live_server, workshop, mailoutbox
):
    member = UserFactory(name="Sam Taylor", email="sam@uni.ac.uk")
    log_in_as(page, live_server, member)
    page.set_viewport_size(DESKTOP)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Transformers and attention").click()
    expect(page.get_by_role("heading", name="Transformers and attention")).to_be_visible()
    expect(page.get_by_text("1 of 2 left")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "event.png", full_page=True)
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_text("You are registered. Your ticket is below")).to_be_visible()
    qr = page.get_by_role("img", name="QR code of your ticket")
    expect(qr).to_be_visible()
    assert qr.locator("svg path").count() == 2  # white background, dark modules
    registration = Registration.objects.get(user=member)
    assert registration.status == Registration.Status.CONFIRMED
    page.screenshot(path=SCREENSHOTS / "ticket.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "ticket-phone.png", full_page=True)

    waiting = UserFactory(name="Nia Next", email="nia@uni.ac.uk")
    queued, _ = services.register(event=workshop, user=waiting)
    assert queued.status == Registration.Status.WAITLISTED

    page.get_by_role("link", name="Cancel my place").click()
    page.get_by_role("button", name="Cancel my place").click()

    expect(page.get_by_text("Your place at Transformers and attention is cancelled.")).to_be_visible()
    queued.refresh_from_db()
    assert queued.status == Registration.Status.CONFIRMED
    promoted = [m for m in mailoutbox if m.to == ["Nia Next <nia@uni.ac.uk>"]]
    assert [m.subject for m in promoted] == [
        "Waiting list: Transformers and attention (you are number 1)",
        "A seat is yours: Transformers and attention",
    ]
    assert f"/me/tickets/{queued.token}/" in promoted[1].body


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, ""), (PHONE, "-phone")])
def test_event_page_and_my_events_fit_the_screen(page: Page, live_server, workshop, viewport, suffix):
    member = UserFactory(name="Sam Taylor")
    services.register(event=workshop, user=member)
    log_in_as(page, live_server, member)
    page.set_viewport_size(viewport)

    page.goto(live_server.url + workshop.get_absolute_url())

    expect(page.get_by_text("You are registered.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dr Ada Byron")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / f"event-registered{suffix}.png", full_page=True)
    page.goto(live_server.url + "/me/events/")
    expect(page.get_by_text("Confirmed")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / f"my-events{suffix}.png", full_page=True)


def test_my_events_pages_past_events_on_a_phone(page: Page, live_server, tmp_path):
    member = UserFactory(name="Sam Taylor")
    now = timezone.now()
    for days in range(1, 24):
        event = EventFactory(title=f"Reading group {days}", starts_at=now - timedelta(days=days))
        RegistrationFactory(event=event, user=member, checked_in_at=event.starts_at)
    log_in_as(page, live_server, member)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/me/events/")
    page.get_by_role("link", name="Next").click()

    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_text("Reading group 23")).to_be_visible()
    expect(page.get_by_text("Reading group 1", exact=True)).not_to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "my-events-page-2-phone.png", full_page=True)
