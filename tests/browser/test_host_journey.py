"""A member hosts a session, in the browser: the committee names them on the event's
Hosts tab and asks for a rehearsal; on a phone the host finds the event from /me/,
edits its checklist, uploads a link, checks an attendee in at the door (first names
and ticket codes only) and reads the feedback; every committee page stays closed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event, EventHost, EventRating
from society.models import EmailKind, OutboundEmail
from tests.browser.test_members_journey import DESKTOP, PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from workshops.models import Material

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_a_member_hosts_a_session_from_a_phone(page: Page, live_server):
    committee = UserFactory(email="chair@uni.ac.uk", name="Cam Chair", committee=True)
    sam = UserFactory(email="sam@uni.ac.uk", name="Sam Taylor")
    event = EventFactory(
        title="PyTorch in an hour", starts_at=timezone.now() + timedelta(minutes=30), venue="Lab 2", setup_checklist=""
    )
    ada = RegistrationFactory(event=event, user=UserFactory(name="Ada Lovelace", email="ada.l@uni.ac.uk"))
    EventRating.objects.create(
        registration=RegistrationFactory(event=event, checked_in_at=timezone.now()),
        score=5,
        what_worked="The tiny training loop",
    )

    # The committee names Sam on the Hosts tab and asks for a rehearsal.
    log_in_as(page, live_server, committee)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + f"/manage/events/{event.slug}/hosts/")
    page.get_by_label("Email of the member's account").fill("sam@uni.ac.uk")
    page.get_by_role("button", name="Add host").click()
    expect(page.get_by_text("Sam Taylor now hosts this event.")).to_be_visible()
    page.get_by_label("Rehearsal date and time").fill(
        (timezone.localtime() + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Rehearsal note").fill("Lab 2, ten minutes.")
    page.get_by_role("button", name="Save rehearsal").click()
    expect(page.get_by_text("Rehearsal saved. Hosts emailed: 1.")).to_be_visible()
    assert EventHost.objects.filter(event=event, user=sam).exists()
    assert OutboundEmail.objects.filter(kind=EmailKind.HOSTING, to_email="sam@uni.ac.uk").count() == 1

    # Sam, on a phone: /me/ leads to the events they host, then to the event's page.
    page.context.clear_cookies()
    log_in_as(page, live_server, sam)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/me/")
    page.get_by_role("link", name="See the events you host").click()
    page.get_by_role("link", name="PyTorch in an hour").click()
    expect(page.get_by_role("heading", name="Who registered (first names)")).to_be_visible()
    expect(page.get_by_text("The committee asks you to rehearse on")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Ada" in body
    assert "Lovelace" not in body
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "host-event-phone.png", full_page=True)

    # The checklist, through the host's form (three fields only).
    page.get_by_role("navigation", name="This event").get_by_role("link", name="Edit").click()
    page.get_by_label("Setup checklist").fill("- Python 3.12\n- pip install torch")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert Event.objects.get(pk=event.pk).checklist_steps == ["Python 3.12", "pip install torch"]

    # A link to the slides.
    page.get_by_role("navigation", name="This event").get_by_role("link", name="Materials").click()
    page.get_by_label("Kind").select_option("link")
    page.get_by_label("Title").fill("Slides")
    page.get_by_label("Visibility").select_option("public")
    page.get_by_label("Link", exact=True).fill("https://example.org/slides")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("“Slides” added.")).to_be_visible()
    assert Material.objects.filter(event=event, title="Slides").exists()

    # The door: Ada by first name and ticket code, checked in with a tap.
    page.get_by_role("navigation", name="This event").get_by_role("link", name="Door").click()
    results = page.locator("#door-results")
    expect(results.get_by_text(f"Ticket {ada.short_code}")).to_be_visible()
    assert "ada.l@uni.ac.uk" not in results.inner_text()
    results.get_by_role("listitem").filter(has_text="Ada").get_by_role("button", name="Check in").click()
    expect(results.get_by_text("2 checked in of 2 expected")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "host-door-phone.png", full_page=True)
    ada.refresh_from_db()
    assert ada.checked_in_by == sam

    # The feedback.
    page.goto(live_server.url + f"/manage/events/{event.slug}/feedback/")
    expect(page.get_by_text("The tiny training loop")).to_be_visible()

    # Committee pages stay closed, even of Sam's own event.
    response = page.context.request.get(live_server.url + f"/manage/events/{event.slug}/registrations/")
    assert response.status == 403
