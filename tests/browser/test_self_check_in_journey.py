"""In a browser, on a phone: a member scans the projector's QR code, sees the event and
an "I'm here" button, and is checked in only when they press it."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from events import services
from events.models import Registration
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_member_scans_the_projectors_qr_code_and_presses_im_here(page: Page, live_server):
    member = UserFactory(name="Ravi Present")
    event = EventFactory(title="Transformers from scratch", underway=True)
    registration = RegistrationFactory(event=event, user=member)
    token = services.self_check_in_link_token(event=event)
    log_in_as(page, live_server, member)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + reverse("events:self_check_in_link", kwargs={"slug": event.slug, "token": token}))
    expect(page.get_by_role("heading", name="Transformers from scratch")).to_be_visible()
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # opening the link changes nothing
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "self-check-in-phone.png", full_page=True)
    page.get_by_role("button", name="I'm here").click()

    expect(page.get_by_text("You are checked in. Enjoy the event!").first).to_be_visible()
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at is not None) == (Registration.Status.CONFIRMED, True)
