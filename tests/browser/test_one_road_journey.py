"""In a browser, on a phone: a member checks themselves in early, then tries every way
of giving the place back and finally deletes their account; the committee opens the
door page of next week's event. No page fails (the `page` fixture refuses any error)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events import links, services
from events.models import Registration
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_member_checked_in_early_keeps_the_place_whatever_they_press(page: Page, live_server):
    member = UserFactory(name="Ravi Early", email="ravi@uni.ac.uk")
    event = EventFactory(title="Transformers from scratch", starts_at=timezone.now() + timedelta(hours=1))
    log_in_as(page, live_server, member)
    page.set_viewport_size(PHONE)

    # Register, then check in with the code on the room's screen, before the start.
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.")).to_be_visible()
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_label("Code on the screen").fill(services.self_check_in_code(event=event))
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("You are checked in. Enjoy the event!")).to_be_visible()
    registration = Registration.objects.get(event=event, user=member)

    # The ticket says so, and offers no cancel.
    page.goto(live_server.url + registration.get_absolute_url())
    expect(page.get_by_text("You were checked in: your place stays yours.")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel my place")).to_have_count(0)
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "ticket-checked-in-phone.png", full_page=True)

    # The cancel page and the reminder's "I can't come" link change nothing.
    page.goto(live_server.url + f"/me/tickets/{registration.token}/cancel/")
    expect(page.get_by_role("heading", name="You were checked in at Transformers from scratch")).to_be_visible()
    page.goto(live_server.url + urlsplit(links.registration_link(registration, links.CANT_COME)).path)
    expect(page.get_by_text("so your place stays yours: there is nothing to cancel")).to_be_visible()
    expect(page.get_by_role("button", name="I can't come: cancel my place")).to_have_count(0)

    # Deleting the account works, and the attendance stays (anonymous) in the figures.
    page.goto(live_server.url + "/me/privacy/delete/")
    page.get_by_label("Type your email address to confirm").fill("ravi@uni.ac.uk")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted")).to_be_visible()
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at is not None) == (Registration.Status.CONFIRMED, True)
    assert not registration.user.is_active


def test_door_of_next_weeks_event_says_when_check_in_opens(page: Page, live_server):
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    registration = RegistrationFactory(event__title="Reinforcement learning night", user__name="Zara Quinn")
    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + f"/manage/events/{registration.event.slug}/door/")

    opens = timezone.localtime(registration.event.starts_at - timedelta(hours=2))
    expect(page.get_by_text(f"Check-in opens on {opens:%A} {opens.day} {opens:%B %Y}, {opens:%H:%M}.")).to_be_visible()
    expect(page.get_by_role("button", name="Check in")).to_be_disabled()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-door-not-open-phone.png", full_page=True)
